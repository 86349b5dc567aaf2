import { createTestDatabase, readInfo, adminQuery, withDatabase } from './support/db';
import { pendingSchemaChanges, runMigrations } from '../src/database/migrate';
import { MIGRATIONS } from '../migrations';
import { UserNameSearch1796070000000 } from '../migrations/1796070000000-UserNameSearch';
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

  it('fold the names of the accounts that existed before the accounts list searched without diacritics', async () => {
    const db = await createTestDatabase();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const runner = { query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows } as unknown as QueryRunner;
      const migration = new UserNameSearch1796070000000();
      await migration.down(runner);
      await c.query(`INSERT INTO users (email, full_name, role) VALUES ('lan@test.local', 'Hoàng Thị Lan', 'lecturer'), ('duc@test.local', 'ĐINH VĂN ĐỨC', 'organiser')`);
      await migration.up(runner);
      const rows = (await c.query(`SELECT email, name_search FROM users ORDER BY email`)).rows;
      expect(rows).toEqual([
        { email: 'duc@test.local', name_search: 'dinh van duc' },
        { email: 'lan@test.local', name_search: 'hoang thi lan' },
      ]);
    } finally {
      await c.end();
      await db.drop();
    }
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
