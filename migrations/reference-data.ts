import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** Finds migrations/data/ both from the sources and from the compiled dist/migrations/. */
export function referenceDataDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'migrations', 'data');
    if (existsSync(join(candidate, 'provinces.csv'))) return candidate;
    if (existsSync(join(dir, 'data', 'provinces.csv'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new Error('reference data (migrations/data/*.csv) not found');
}

export function readReferenceCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(join(referenceDataDir(), file), 'utf8'), { columns: true, skip_empty_lines: true, bom: true });
}
