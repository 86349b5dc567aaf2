import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/app.factory';
import { SetupService } from '../../src/setup/setup.service';
import { createTestDatabase, TestDatabase } from './db';

export interface TestApp {
  app: NestExpressApplication;
  ds: DataSource;
  config: AppConfig;
  db: TestDatabase;
  /** A supertest agent that keeps cookies, like a browser. */
  agent(): ReturnType<typeof request.agent>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/** Boots the real AppModule on a fresh migrated database, as main.ts does (without listening). */
export async function bootApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DATA_DIR: `${require('node:os').tmpdir()}/taphuan-test-data-${process.pid}`,
    SESSION_SECRET: 'test-session-secret',
    ...env,
  });
  const app = await createApp(config, db.url);
  await app.init();
  await app.get(SetupService).run();
  const ds = app.get(DataSource);
  return {
    app,
    ds,
    config,
    db,
    agent: () => request.agent(app.getHttpServer()),
    query: (sql, params) => ds.query(sql, params),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
