import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/app-config';
import { startEmbeddedPostgres, EmbeddedPostgres } from './database/embedded/embedded-postgres';
import { runMigrations } from './database/migrate';
import { createApp } from './app.factory';
import { SetupService } from './setup/setup.service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const logger = new Logger('Main');
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dir = join(config.dataDir, 'pgdata');
    logger.log(`No DATABASE_URL: starting the embedded database in ${dir}`);
    embedded = await startEmbeddedPostgres(dir);
    url = embedded.url;
  }
  try {
    const applied = await runMigrations(url);
    if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
    const app = await createApp(config, url);
    await app.get(SetupService).run();
    const stop = async (signal: string) => {
      logger.log(`${signal}: shutting down`);
      await app.close();
      await embedded?.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    await app.listen(config.port, config.host);
    logger.log(`Tập huấn is listening on ${config.publicUrl} (${embedded ? 'embedded database' : 'PostgreSQL'})`);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

main().catch((e: Error) => {
  console.error(`Start-up failed: ${e.message}`);
  process.exit(1);
});
