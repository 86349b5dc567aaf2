import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * pg_trgm for similarity search on folded (diacritic-free) text columns.
 * The folded columns are computed by the app (src/common/text/vietnamese.ts),
 * so no unaccent() is needed in index expressions.
 */
export class SearchExtensions1796005228799 implements MigrationInterface {
  name = 'SearchExtensions1796005228799';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX "idx_communes_name_search_trgm" ON "communes" USING gin ("name_search" gin_trgm_ops)`);
    await q.query(`CREATE INDEX "idx_commune_changes_old_search_trgm" ON "commune_changes" USING gin ("old_commune_search" gin_trgm_ops)`);
    await q.query(`CREATE INDEX "idx_trainees_name_search_trgm" ON "trainees" USING gin ("name_search" gin_trgm_ops)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_trainees_name_search_trgm"`);
    await q.query(`DROP INDEX "idx_commune_changes_old_search_trgm"`);
    await q.query(`DROP INDEX "idx_communes_name_search_trgm"`);
  }
}
