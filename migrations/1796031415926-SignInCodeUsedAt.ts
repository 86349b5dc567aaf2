import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a one-time sign-in code was used. The code's hash is kept after use so that activation retried
 * after a lost response (same code, same password, a few minutes later) signs the trainee in instead of
 * saying the code is used up; a used code never sets a password again.
 */
export class SignInCodeUsedAt1796031415926 implements MigrationInterface {
  name = 'SignInCodeUsedAt1796031415926';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "sign_in_code_used_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "sign_in_code_used_at"`);
  }
}
