import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { readInfo } from './db';

/** Drops the template and any database a test file left behind. */
export default async function globalTeardown(): Promise<void> {
  const info = readInfo();
  if (info.mode === 'embedded') {
    rmSync(info.template, { recursive: true, force: true });
    return;
  }
  const c = new Client({ connectionString: info.adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${info.runId}%`]);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
