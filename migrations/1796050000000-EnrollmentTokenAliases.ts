import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Check-in tokens of enrolments combined by a trainee merge: the dropped enrolment's token was printed on a
 * badge and sent as a QR code, so it keeps checking the person in, on the kept enrolment. Looked up by token
 * (the primary key) only when a scanned token is not an enrolment's own; the index on the enrolment serves
 * the cascade on delete, the re-pointing of a chained merge and the phone's roster.
 */
export class EnrollmentTokenAliases1796050000000 implements MigrationInterface {
  name = 'EnrollmentTokenAliases1796050000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "enrollment_token_aliases" ("token" character varying(64) NOT NULL, "enrollment_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a2e7c237d221c20b2ddd64e8f80" PRIMARY KEY ("token"))`,
    );
    await q.query(`CREATE INDEX "IDX_21896584e4271d34bd05fe3e79" ON "enrollment_token_aliases" ("enrollment_id")`);
    await q.query(
      `ALTER TABLE "enrollment_token_aliases" ADD CONSTRAINT "FK_21896584e4271d34bd05fe3e794" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "enrollment_token_aliases"`);
  }
}
