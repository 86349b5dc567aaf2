import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many certificates of the session were issued otherwise (one by one, "Cấp lại") while a run
 * was under way: the run's total now follows what is really pending, and the page says why it is
 * smaller than at the start instead of showing a finished run as short.
 */
export class CertificateRunIssuedElsewhere1796060000000 implements MigrationInterface {
  name = 'CertificateRunIssuedElsewhere1796060000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "certificate_runs" ADD "issued_elsewhere" integer NOT NULL DEFAULT '0'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "certificate_runs" DROP COLUMN "issued_elsewhere"`);
  }
}
