import { MigrationInterface, QueryRunner } from 'typeorm';

export class AttendanceClientScanId1796006376248 implements MigrationInterface {
  name = 'AttendanceClientScanId1796006376248';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attendance_marks" ADD "client_scan_id" character varying(64)`);
    await q.query(`CREATE UNIQUE INDEX "uq_attendance_marks_client_scan_id" ON "attendance_marks"  ("client_scan_id") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."uq_attendance_marks_client_scan_id"`);
    await q.query(`ALTER TABLE "attendance_marks" DROP COLUMN "client_scan_id"`);
  }
}
