import type { TestApp } from './app';

/**
 * True once a statement of the test database matching `pattern` (ILIKE) waits for a row lock; false if `done`
 * settles first, or after 5 s. For tests that hold a lock in a second connection and check that a request waits.
 */
export async function waitsForLock(t: Pick<TestApp, 'query'>, pattern: string, done: Promise<unknown>): Promise<boolean> {
  let settled = false;
  done.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 100 && !settled; i++) {
    const rows = await t.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE $1`, [pattern]);
    if (rows.length) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
