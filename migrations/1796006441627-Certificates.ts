import { MigrationInterface, QueryRunner } from 'typeorm';

export class Certificates1796006441627 implements MigrationInterface {
  name = 'Certificates1796006441627';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "certificates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "enrollment_id" uuid NOT NULL, "session_id" uuid NOT NULL, "trainee_id" uuid NOT NULL, "issuer_key" text NOT NULL, "serial_year" integer NOT NULL, "serial_number" integer NOT NULL, "serial" text NOT NULL, "verification_code" character varying(32) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'valid', "content" jsonb NOT NULL, "override_reason" text, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "issued_by_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoke_reason" text, "replaced_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_certificates_serial_number" CHECK ("serial_number" > 0), CONSTRAINT "chk_certificates_status" CHECK ("status" IN ('valid','revoked','replaced')), CONSTRAINT "PK_e4c7e31e2144300bea7d89eb165" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_f0f3773b2ccb7811da9ccd63d9" ON "certificates"  ("enrollment_id") `);
    await q.query(`CREATE INDEX "IDX_e5b60b60b14e1241b9758366b4" ON "certificates"  ("session_id") `);
    await q.query(`CREATE INDEX "IDX_e3281d6144fb65eea1f10ffafe" ON "certificates"  ("trainee_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_certificates_verification_code" ON "certificates"  ("verification_code") `);
    await q.query(`CREATE INDEX "IDX_948d3f59dba8a8306b56fbea0e" ON "certificates"  ("status") `);
    await q.query(`CREATE UNIQUE INDEX "uq_certificates_enrollment_valid" ON "certificates"  ("enrollment_id") WHERE "status" = 'valid'`);
    await q.query(`CREATE UNIQUE INDEX "uq_certificates_issuer_serial" ON "certificates"  ("issuer_key", "serial") `);
    await q.query(`CREATE UNIQUE INDEX "uq_certificates_issuer_year_number" ON "certificates"  ("issuer_key", "serial_year", "serial_number") `);
    await q.query(`CREATE TABLE "certificate_templates" ("session_id" uuid NOT NULL, "issuer_name" text NOT NULL, "issuer_parent" text, "issuer_code" character varying(40) NOT NULL, "signer_title" text NOT NULL, "signer_name" text NOT NULL, "wording" text NOT NULL, "place_name" text NOT NULL, "serial_format" text NOT NULL, "logo" bytea, "logo_mime" character varying(20), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_16b18b347700c661b50badd1278" PRIMARY KEY ("session_id"))`);
    await q.query(`CREATE TABLE "certificate_serial_counters" ("issuer_key" text NOT NULL, "year" integer NOT NULL, "last" integer NOT NULL DEFAULT '0', CONSTRAINT "chk_certificate_serial_counters_last" CHECK ("last" >= 0), CONSTRAINT "PK_9b79fd88f143b3973e0b0dd971b" PRIMARY KEY ("issuer_key", "year"))`);
    await q.query(`CREATE TABLE "certificate_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'queued', "total" integer NOT NULL DEFAULT '0', "done" integer NOT NULL DEFAULT '0', "error" text, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_certificate_runs_status" CHECK ("status" IN ('queued','running','done','failed')), CONSTRAINT "PK_a26645877e56492b6e16b74392b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_94e4e4962ec381bbb50e48ead8" ON "certificate_runs"  ("session_id") `);
    await q.query(`ALTER TABLE "certificates" ADD CONSTRAINT "FK_f0f3773b2ccb7811da9ccd63d94" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificates" ADD CONSTRAINT "FK_e5b60b60b14e1241b9758366b46" FOREIGN KEY ("session_id") REFERENCES "training_sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificates" ADD CONSTRAINT "FK_e3281d6144fb65eea1f10ffafe8" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificates" ADD CONSTRAINT "FK_b63987f793142760450679becb3" FOREIGN KEY ("issued_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificates" ADD CONSTRAINT "FK_6f1c5dff7e43cb60d362b68cce1" FOREIGN KEY ("replaced_by_id") REFERENCES "certificates"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificate_templates" ADD CONSTRAINT "FK_16b18b347700c661b50badd1278" FOREIGN KEY ("session_id") REFERENCES "training_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "certificate_runs" ADD CONSTRAINT "FK_94e4e4962ec381bbb50e48ead88" FOREIGN KEY ("session_id") REFERENCES "training_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "certificate_runs" DROP CONSTRAINT "FK_94e4e4962ec381bbb50e48ead88"`);
    await q.query(`ALTER TABLE "certificate_templates" DROP CONSTRAINT "FK_16b18b347700c661b50badd1278"`);
    await q.query(`ALTER TABLE "certificates" DROP CONSTRAINT "FK_6f1c5dff7e43cb60d362b68cce1"`);
    await q.query(`ALTER TABLE "certificates" DROP CONSTRAINT "FK_b63987f793142760450679becb3"`);
    await q.query(`ALTER TABLE "certificates" DROP CONSTRAINT "FK_e3281d6144fb65eea1f10ffafe8"`);
    await q.query(`ALTER TABLE "certificates" DROP CONSTRAINT "FK_e5b60b60b14e1241b9758366b46"`);
    await q.query(`ALTER TABLE "certificates" DROP CONSTRAINT "FK_f0f3773b2ccb7811da9ccd63d94"`);
    await q.query(`DROP INDEX "public"."IDX_94e4e4962ec381bbb50e48ead8"`);
    await q.query(`DROP TABLE "certificate_runs"`);
    await q.query(`DROP TABLE "certificate_serial_counters"`);
    await q.query(`DROP TABLE "certificate_templates"`);
    await q.query(`DROP INDEX "public"."uq_certificates_issuer_year_number"`);
    await q.query(`DROP INDEX "public"."uq_certificates_issuer_serial"`);
    await q.query(`DROP INDEX "public"."uq_certificates_enrollment_valid"`);
    await q.query(`DROP INDEX "public"."IDX_948d3f59dba8a8306b56fbea0e"`);
    await q.query(`DROP INDEX "public"."uq_certificates_verification_code"`);
    await q.query(`DROP INDEX "public"."IDX_e3281d6144fb65eea1f10ffafe"`);
    await q.query(`DROP INDEX "public"."IDX_e5b60b60b14e1241b9758366b4"`);
    await q.query(`DROP INDEX "public"."IDX_f0f3773b2ccb7811da9ccd63d9"`);
    await q.query(`DROP TABLE "certificates"`);
  }
}
