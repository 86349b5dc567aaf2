import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Options shared by the app, the migration CLI and the tests. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; extensions come from migrations only.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 10_000,
      // Queries never run forever; a stuck one frees its connection.
      statement_timeout: 60_000,
      application_name: 'taphuan',
      // JIT compilation costs ~1 s on the reporting queries and gains nothing at this size.
      options: '-c jit=off',
    },
    logging: ['error'],
  };
}
