import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, EmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';

/**
 * Test databases. With DATABASE_URL (real PostgreSQL): one migrated template
 * database per run, and each test file gets `CREATE DATABASE … TEMPLATE`.
 * Without it: one migrated PGlite data directory per run, copied for each
 * test file and served by its own child process.
 */
export interface TestDbInfo {
  mode: 'postgres' | 'embedded';
  runId: string;
  adminUrl?: string;
  template: string;
}

/** Path of the run's info file, set by global-setup.ts (inherited by Jest workers). */
export function infoFile(): string {
  const file = process.env.TAPHUAN_TEST_INFO;
  if (!file) throw new Error('TAPHUAN_TEST_INFO is not set: run the tests through jest (global-setup.ts)');
  return file;
}

export function writeInfo(info: TestDbInfo): string {
  const file = join(tmpdir(), `taphuan-test-${info.runId}.json`);
  writeFileSync(file, JSON.stringify(info));
  process.env.TAPHUAN_TEST_INFO = file;
  return file;
}

export function readInfo(): TestDbInfo {
  return JSON.parse(readFileSync(infoFile(), 'utf8'));
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, migrated database for one test file (or one test). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const info = readInfo();
  const name = `${info.runId}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  if (info.mode === 'postgres') {
    await adminQuery(info.adminUrl!, `CREATE DATABASE "${name}" TEMPLATE "${info.template}"`);
    return {
      url: withDatabase(info.adminUrl!, name),
      drop: () => adminQuery(info.adminUrl!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'taphuan-pgl-'));
  cpSync(info.template, dir, { recursive: true });
  let embedded: EmbeddedPostgres | undefined = await startEmbeddedPostgres(dir);
  return {
    url: embedded.url,
    drop: async () => {
      await embedded?.stop();
      embedded = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
