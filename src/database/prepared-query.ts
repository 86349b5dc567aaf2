import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs one of the hottest statements (a check-in's context, the API-token lookup) as a named prepared
 * statement: each pooled connection parses and plans it once instead of on every call. Only for fixed SQL
 * text; `name` must be unique to that text.
 */
export async function preparedQuery<T>(ds: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const res = await poolOf(ds).query({ name, text, values });
  return res.rows as T[];
}

/** The pg pool under TypeORM's PostgreSQL driver (the session store and prepared statements use it directly). */
export function poolOf(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}
