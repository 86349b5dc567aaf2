import { createTestDatabase, readInfo, adminQuery, withDatabase } from './support/db';
import { pendingSchemaChanges, runMigrations } from '../src/database/migrate';
import { MIGRATIONS } from '../migrations';

describe('migrations', () => {
  it('leave nothing for the entities to change (entities and migrations agree)', async () => {
    const db = await createTestDatabase();
    try {
      expect(await pendingSchemaChanges(db.url)).toEqual([]);
    } finally {
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
