import { MigrationInterface, QueryRunner } from 'typeorm';

/** Installation settings, and the HTTP session table used by connect-pg-simple (shared by all instances). */
export class AppSettingsAndSessions1796005228801 implements MigrationInterface {
  name = 'AppSettingsAndSessions1796005228801';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "app_settings" ("key" character varying(64) NOT NULL, "value" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_app_settings_key" PRIMARY KEY ("key"))`);
    await q.query(`CREATE TABLE "http_sessions" ("sid" character varying NOT NULL, "sess" json NOT NULL, "expire" TIMESTAMP(6) NOT NULL, CONSTRAINT "PK_http_sessions_sid" PRIMARY KEY ("sid"))`);
    await q.query(`CREATE INDEX "idx_http_sessions_expire" ON "http_sessions" ("expire")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "http_sessions"`);
    await q.query(`DROP TABLE "app_settings"`);
  }
}
