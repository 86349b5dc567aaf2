import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Three indexes on trainees that every import paid for (about a fifth of the commit's time for
 * 10,000 rows) and that no query needs at the directory's size:
 * - the trigram index on the folded name: on 100,000 generated trainees the directory's "contains"
 *   search and its count take about 20 ms without it (9-18 ms with it);
 * - province and ethnic group: a filter on either matches a large share of the directory; its page
 *   and count take about 7 and 11 ms on 100,000 trainees without these indexes.
 * (See bench/RESULTS.md, import of a 10,000-row XLSX.)
 * The commune, phone, national ID and folded-name btrees stay: the duplicate check and the commune
 * filter look up a few rows by them.
 */
export class LeanerTraineeIndexes1796040000000 implements MigrationInterface {
  name = 'LeanerTraineeIndexes1796040000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "public"."idx_trainees_name_search_trgm"`);
    await q.query(`DROP INDEX "public"."IDX_8398459c951bc9aa7d38c529f2"`);
    await q.query(`DROP INDEX "public"."IDX_afcc34afb978b235a137398e9d"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_afcc34afb978b235a137398e9d" ON "trainees" ("ethnic_group_code")`);
    await q.query(`CREATE INDEX "IDX_8398459c951bc9aa7d38c529f2" ON "trainees" ("province_code")`);
    await q.query(`CREATE INDEX "idx_trainees_name_search_trgm" ON "trainees" USING gin ("name_search" gin_trgm_ops)`);
  }
}
