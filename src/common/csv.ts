import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

/**
 * Writes rows as CSV for Excel (csv-stringify): UTF-8 with a byte order mark so that Vietnamese
 * shows right, CRLF line ends, back-pressure respected, `out` ended. Rows may come from an async
 * generator (a large export read page by page). Cells: strings and numbers; null and undefined
 * are empty.
 */
export async function writeCsvRows(out: Writable, rows: Iterable<unknown[]> | AsyncIterable<unknown[]>): Promise<void> {
  await pipeline(Readable.from(rows), stringify({ bom: true, record_delimiter: 'windows' }), out);
}
