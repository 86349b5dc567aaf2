import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lighter bulk writes for the trainee import:
 * - enrollments(session_id) had its own index besides uq_enrollments_session_trainee, whose first column
 *   it is; every enrolment paid for both.
 * - an import batch's grid and headers are stored as plain json (kept as text, never queried inside)
 *   instead of jsonb; existing batches are converted in place.
 */
export class LeanerImportAndEnrollments1796024198280 implements MigrationInterface {
  name = 'LeanerImportAndEnrollments1796024198280';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_26fc1c926ec2d9e07ed686d85d"`);
    await q.query(`ALTER TABLE "import_batches" ALTER COLUMN "headers" TYPE json USING "headers"::json`);
    await q.query(`ALTER TABLE "import_batches" ALTER COLUMN "rows" TYPE json USING "rows"::json`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_batches" ALTER COLUMN "rows" TYPE jsonb USING "rows"::jsonb`);
    await q.query(`ALTER TABLE "import_batches" ALTER COLUMN "headers" TYPE jsonb USING "headers"::jsonb`);
    await q.query(`CREATE INDEX "IDX_26fc1c926ec2d9e07ed686d85d" ON "enrollments" USING btree ("session_id") `);
  }
}
