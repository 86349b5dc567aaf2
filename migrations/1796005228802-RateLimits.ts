import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rate-limit counters shared by all instances (see src/common/pg-throttler.storage.ts). */
export class RateLimits1796005228802 implements MigrationInterface {
  name = 'RateLimits1796005228802';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "rate_limits" ("key" text NOT NULL, "hits" integer NOT NULL, "window_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_rate_limits_key" PRIMARY KEY ("key"))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limits"`);
  }
}
