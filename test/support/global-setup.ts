import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../src/database/migrate';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { adminQuery, withDatabase, writeInfo } from './db';

/** Builds the migrated template database once per run (see db.ts). */
export default async function globalSetup(): Promise<void> {
  const runId = `t${Date.now().toString(36)}${process.pid}`;
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const template = `${runId}_tpl`;
    await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
    await runMigrations(withDatabase(adminUrl, template));
    writeInfo({ mode: 'postgres', runId, adminUrl, template });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'taphuan-tpl-'));
  const embedded = await startEmbeddedPostgres(dir);
  try {
    await runMigrations(embedded.url);
  } finally {
    await embedded.stop();
  }
  writeInfo({ mode: 'embedded', runId, template: dir });
}
