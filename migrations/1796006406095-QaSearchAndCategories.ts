import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Q&A search indexes the entity cannot express, and the first category list.
 * Both indexes are on the folded text (no diacritics, computed by the app), so
 * "vuong mac nguon luc" finds "vướng mắc … nguồn lực": full text on
 * to_tsvector('simple', …) (no stemming, no stop words: Vietnamese is
 * syllable-based) and trigrams for ranking, typos and similar questions.
 */
export class QaSearchAndCategories1796006406095 implements MigrationInterface {
  name = 'QaSearchAndCategories1796006406095';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_questions_text_search_fts" ON "questions" USING gin (to_tsvector('simple', "text_search"))`);
    await q.query(`CREATE INDEX "idx_questions_text_search_trgm" ON "questions" USING gin ("text_search" gin_trgm_ops)`);
    await q.query(
      `INSERT INTO "question_categories" ("name", "position") VALUES ('Cơ chế, chính sách', 1), ('Tổ chức bộ máy', 2), ('Nguồn lực', 3), ('Ứng dụng CNTT', 4), ('Khác', 99)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "question_categories" WHERE "name" IN ('Cơ chế, chính sách', 'Tổ chức bộ máy', 'Nguồn lực', 'Ứng dụng CNTT', 'Khác') AND NOT EXISTS (SELECT 1 FROM "questions" WHERE "category_id" = "question_categories"."id")`);
    await q.query(`DROP INDEX "idx_questions_text_search_trgm"`);
    await q.query(`DROP INDEX "idx_questions_text_search_fts"`);
  }
}
