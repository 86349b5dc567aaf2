import { MigrationInterface, QueryRunner } from 'typeorm';

/** A run whose last batch failed on the queue's last attempt: it will not go on by itself ("stalled"). */
export class CertificateRunStalled1796060000001 implements MigrationInterface {
  name = 'CertificateRunStalled1796060000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "certificate_runs" DROP CONSTRAINT "chk_certificate_runs_status"`);
    await q.query(`ALTER TABLE "certificate_runs" ADD CONSTRAINT "chk_certificate_runs_status" CHECK ("status" IN ('queued','running','done','failed','stalled'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "certificate_runs" SET "status" = 'failed' WHERE "status" = 'stalled'`);
    await q.query(`ALTER TABLE "certificate_runs" DROP CONSTRAINT "chk_certificate_runs_status"`);
    await q.query(`ALTER TABLE "certificate_runs" ADD CONSTRAINT "chk_certificate_runs_status" CHECK ("status" IN ('queued','running','done','failed'))`);
  }
}
