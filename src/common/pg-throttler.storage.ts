import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { DataSource } from 'typeorm';

/**
 * Rate-limit counters in PostgreSQL (fixed windows), so that every instance
 * behind the load balancer counts the same attempts. One upsert per hit.
 */
@Injectable()
export class PgThrottlerStorage implements ThrottlerStorage {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const [row] = await this.ds.query(
      `INSERT INTO rate_limits AS r (key, hits, window_ends_at) VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= now() THEN now() + make_interval(secs => $2::float8 / 1000) ELSE r.window_ends_at END
       RETURNING hits, ceil(extract(epoch FROM r.window_ends_at - now()))::int AS seconds`,
      [`${throttlerName}:${key}`, ttl],
    );
    if (Math.random() < 0.01) await this.ds.query(`DELETE FROM rate_limits WHERE window_ends_at < now() - interval '1 hour'`);
    const seconds = Math.max(0, Number(row.seconds));
    const blocked = row.hits > limit;
    return { totalHits: row.hits, timeToExpire: seconds, isBlocked: blocked, timeToBlockExpire: blocked ? seconds : 0 };
  }
}
