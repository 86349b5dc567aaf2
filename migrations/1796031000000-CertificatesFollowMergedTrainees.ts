import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Certificates whose trainee was merged into another before certificates followed merges still name
 * the hidden record (certificates.trainee_id), while their enrolment was moved to the kept one: the
 * kept person's portal showed none of them. They take their enrolment's trainee again. Data only;
 * there is nothing to undo.
 */
export class CertificatesFollowMergedTrainees1796031000000 implements MigrationInterface {
  name = 'CertificatesFollowMergedTrainees1796031000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "certificates" c SET "trainee_id" = e."trainee_id" FROM "enrollments" e WHERE e."id" = c."enrollment_id" AND c."trainee_id" <> e."trainee_id"`);
  }

  public async down(): Promise<void> {
    // The old, wrong owner is not kept anywhere, and nothing should go back to it.
  }
}
