import { createTestDatabase, readInfo, adminQuery, withDatabase } from './support/db';
import { pendingSchemaChanges, runMigrations } from '../src/database/migrate';
import { MIGRATIONS } from '../migrations';
import { UserNameSearch1796070000000 } from '../migrations/1796070000000-UserNameSearch';
import { SessionPublishedAt1796070000001 } from '../migrations/1796070000001-SessionPublishedAt';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';

describe('migrations', () => {
  it('leave nothing for the entities to change (entities and migrations agree)', async () => {
    const db = await createTestDatabase();
    try {
      expect(await pendingSchemaChanges(db.url)).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  /**
   * Runs `work` with a client on a fresh migrated database and a query runner over it, to take one migration down,
   * write data as it was before it, and run it up again.
   */
  async function onMigratedDatabase(work: (c: Client, runner: QueryRunner) => Promise<void>): Promise<void> {
    const db = await createTestDatabase();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await work(c, { query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows } as unknown as QueryRunner);
    } finally {
      await c.end();
      await db.drop();
    }
  }

  it('fold the names of the accounts that existed before the accounts list searched without diacritics', async () => {
    await onMigratedDatabase(async (c, runner) => {
      const migration = new UserNameSearch1796070000000();
      await migration.down(runner);
      await c.query(`INSERT INTO users (email, full_name, role) VALUES ('lan@test.local', 'Hoàng Thị Lan', 'lecturer'), ('duc@test.local', 'ĐINH VĂN ĐỨC', 'organiser')`);
      await migration.up(runner);
      const rows = (await c.query(`SELECT email, name_search FROM users ORDER BY email`)).rows;
      expect(rows).toEqual([
        { email: 'duc@test.local', name_search: 'dinh van duc' },
        { email: 'lan@test.local', name_search: 'hoang thi lan' },
      ]);
    });
  });

  it('date the first publication of existing courses from the audit trail (a draft cancelled stays never published)', async () => {
    await onMigratedDatabase(async (c, runner) => {
      const migration = new SessionPublishedAt1796070000001();
      await migration.down(runner);
      const course = async (title: string, status: string) =>
        (await c.query(`INSERT INTO training_sessions (title, title_search, programme, organising_unit, host_province_code, venue, start_date, end_date, status, created_at) VALUES ($1, $1, 'p', 'u', '12', 'v', '2025-09-25', '2025-09-26', $2, '2025-01-02T03:00:00Z') RETURNING id`, [title, status])).rows[0].id as string;
      const withdrawn = await course('published, back to draft, cancelled', 'cancelled');
      const draftCancelled = await course('cancelled as a draft', 'cancelled');
      const seeded = await course('published by the seed', 'published');
      const cancelledOngoing = await course('published by the seed, cancelled once under way', 'cancelled');
      const audit = (id: string, from: string, to: string, at: string) =>
        c.query(`INSERT INTO audit_log (action, entity, entity_id, old_value, new_value, created_at) VALUES ('session.status', 'training_session', $1, $2, $3, $4)`, [id, { status: from }, { status: to }, at]);
      await audit(withdrawn, 'draft', 'published', '2025-03-01T01:00:00Z');
      await audit(withdrawn, 'published', 'draft', '2025-03-02T01:00:00Z');
      await audit(withdrawn, 'draft', 'published', '2025-03-05T01:00:00Z');
      await audit(withdrawn, 'published', 'cancelled', '2025-03-06T01:00:00Z');
      await audit(draftCancelled, 'draft', 'cancelled', '2025-03-06T01:00:00Z');
      await audit(cancelledOngoing, 'ongoing', 'cancelled', '2025-03-07T01:00:00Z');
      await migration.up(runner);
      const at = async (id: string) => (await c.query(`SELECT published_at FROM training_sessions WHERE id = $1`, [id])).rows[0].published_at as Date | null;
      expect((await at(withdrawn))?.toISOString()).toBe('2025-03-01T01:00:00.000Z');
      expect(await at(draftCancelled)).toBeNull();
      expect((await at(seeded))?.toISOString()).toBe('2025-01-02T03:00:00.000Z');
      expect((await at(cancelledOngoing))?.toISOString()).toBe('2025-01-02T03:00:00.000Z');
    });
  });

  it('run once when two instances start together (advisory lock)', async () => {
    const info = readInfo();
    if (info.mode !== 'postgres') return; // one embedded database serves one process; covered on PostgreSQL
    const name = `${info.runId}_concurrent`;
    await adminQuery(info.adminUrl!, `CREATE DATABASE "${name}"`);
    const url = withDatabase(info.adminUrl!, name);
    try {
      const [a, b] = await Promise.all([runMigrations(url), runMigrations(url)]);
      expect([...a, ...b]).toHaveLength(MIGRATIONS.length);
      expect(a.length === 0 || b.length === 0).toBe(true);
    } finally {
      await adminQuery(info.adminUrl!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});
