import { inflateSync } from 'node:zlib';
import type { Response } from 'supertest';
import yauzl from 'yauzl';
import { TestApp } from './app';
import { MarkStatus } from '../../src/attendance/attendance-mark.entity';

/** supertest parser that keeps the body as a Buffer (PDF, ZIP). */
export function binaryParser(res: NodeJS.ReadableStream & { setEncoding?: unknown }, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

export function bodyOf(res: Response): Buffer {
  return res.body as Buffer;
}

/** Writes attendance marks directly (the attendance UI belongs to another feature). */
export async function markAttendance(t: TestApp, enrollmentId: string, sittingIds: string[], status: MarkStatus): Promise<void> {
  for (const sittingId of sittingIds) {
    await t.query(
      `INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, $3, now(), 'roster')
       ON CONFLICT (enrollment_id, sitting_id) DO UPDATE SET status = EXCLUDED.status`,
      [enrollmentId, sittingId, status],
    );
  }
}

/** The decompressed content streams of a PDF (pdfkit writes them with FlateDecode). */
export function pdfContentStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  const latin = pdf.toString('latin1');
  const re = /<<([^]*?)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(latin))) {
    const start = m.index + m[0].length;
    const end = latin.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    if (!/FlateDecode/.test(m[1])) {
      out.push(raw.toString('latin1'));
      continue;
    }
    try {
      out.push(inflateSync(raw).toString('latin1'));
    } catch {
      // font programs and images may not be text; skip what does not inflate
    }
  }
  return out;
}

/** Entry names of a ZIP file, with the first bytes of each entry. */
export function zipEntries(zip: Buffer): Promise<{ name: string; head: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const entries: { name: string; head: string; size: number }[] = [];
      file.on('entry', (e: yauzl.Entry) => {
        file.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const b = Buffer.concat(chunks);
            entries.push({ name: e.fileName, head: b.subarray(0, 5).toString('latin1'), size: b.length });
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}
