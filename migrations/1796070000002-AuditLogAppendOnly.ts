import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is append-only in the database too, not only in the app (which has no route to change it):
 * an UPDATE, DELETE or TRUNCATE of `audit_log` fails, whoever sends it through the app's connection (a bug, a
 * hand-written query). Changing history then needs a database owner to drop these triggers first, on purpose.
 */
export class AuditLogAppendOnly1796070000002 implements MigrationInterface {
  name = 'AuditLogAppendOnly1796070000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
      END
      $$`);
    await q.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_no_truncate ON audit_log`);
    await q.query(`DROP TRIGGER audit_log_no_change ON audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
