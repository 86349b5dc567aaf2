import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activation (`/portal/activate`) finds the account by the hash of its one-time code: without an index
 * every attempt read the whole users table. Partial: only accounts with a code waiting are indexed.
 */
export class SignInCodeIndex1796045000000 implements MigrationInterface {
  name = 'SignInCodeIndex1796045000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_users_sign_in_code_hash" ON "users" ("sign_in_code_hash") WHERE "sign_in_code_hash" IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_users_sign_in_code_hash"`);
  }
}
