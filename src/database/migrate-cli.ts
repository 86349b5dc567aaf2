/**
 * Migration CLI (run after `npm run build`):
 *   node dist/src/database/migrate-cli.js run              apply pending migrations
 *   node dist/src/database/migrate-cli.js check            fail if entities and migrations disagree
 *   node dist/src/database/migrate-cli.js generate <Name>  write a migration for the difference
 * Uses DATABASE_URL, or a throw-away embedded database for check/generate
 * (the data directory for run).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { startEmbeddedPostgres, EmbeddedPostgres } from './embedded/embedded-postgres';
import { runMigrations, pendingSchemaChanges } from './migrate';
import { dataSourceOptions } from './data-source-options';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  let embedded: EmbeddedPostgres | undefined;
  let tmp: string | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dir = command === 'run' ? join(config.dataDir, 'pgdata') : (tmp = mkdtempSync(join(tmpdir(), 'taphuan-mig-')));
    embedded = await startEmbeddedPostgres(dir);
    url = embedded.url;
  }
  try {
    const applied = await runMigrations(url);
    applied.forEach((m) => console.log(`applied ${m}`));
    if (command === 'run') return 0;
    if (command === 'check') {
      const pending = await pendingSchemaChanges(url);
      if (pending.length === 0) {
        console.log('entities and migrations agree');
        return 0;
      }
      console.error('entities and migrations disagree; missing SQL:');
      pending.forEach((q) => console.error(`  ${q};`));
      return 1;
    }
    if (command === 'generate' && name) {
      const ds = new DataSource(dataSourceOptions(url, 2));
      await ds.initialize();
      const log = await ds.driver.createSchemaBuilder().log();
      await ds.destroy();
      if (log.upQueries.length === 0) {
        console.log('no changes');
        return 0;
      }
      const ts = Date.now();
      const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
      const up = log.upQueries.map((q) => `    await q.query(\`${esc(q.query)}\`);`).join('\n');
      const down = log.downQueries.reverse().map((q) => `    await q.query(\`${esc(q.query)}\`);`).join('\n');
      const file = resolve('migrations', `${ts}-${name}.ts`);
      writeFileSync(
        file,
        `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${ts} implements MigrationInterface {\n  name = '${name}${ts}';\n\n  public async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n  public async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
      );
      console.log(`wrote ${file}; add it to migrations/index.ts`);
      return 0;
    }
    console.error('usage: migrate-cli run | check | generate <Name>');
    return 2;
  } finally {
    await embedded?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`migration failed: ${err.message}`);
    process.exit(1);
  },
);
