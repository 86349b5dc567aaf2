import type { Writable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { CertificateContent } from './certificate.entity';

export interface ZipItem {
  name: string;
  content: CertificateContent;
}

/**
 * Renders certificates page by page and streams them into a ZIP. At most
 * `parallelism` renders are in flight and the archive is never more than
 * that many entries behind, so memory stays flat in the number of certificates.
 *
 * No `Promise.race` against a long-lived "failed" promise here: each race
 * leaves a reaction on that promise which keeps the race's result (the
 * rendered PDFs) reachable until the whole run ends.
 */
export async function writeCertificatesZip(
  pages: AsyncIterable<ZipItem[]>,
  render: (c: CertificateContent) => Promise<Buffer>,
  parallelism: number,
  out: Writable,
): Promise<void> {
  const zip = new ZipArchive({ zlib: { level: 1 } });
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    wake?.();
  };
  let finished = false;
  zip.on('error', fail);
  out.on('error', fail);
  out.on('finish', () => (finished = true));
  // A client that goes away closes the response early: stop rendering for it.
  out.on('close', () => finished || fail(new Error('output closed before the archive was complete')));
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve).on('finish', resolve).on('error', reject);
    zip.on('error', reject);
  });
  closed.catch(() => undefined);
  zip.pipe(out);
  let queued = 0;
  let written = 0;
  zip.on('entry', () => {
    written++;
    wake?.();
  });
  const check = () => {
    if (failure) throw failure;
  };
  const names = new Set<string>();
  for await (const page of pages) {
    for (let j = 0; j < page.length; j += parallelism) {
      const slice = page.slice(j, j + parallelism);
      const pdfs = await Promise.all(slice.map((c) => render(c.content)));
      check();
      slice.forEach((c, k) => {
        zip.append(pdfs[k], { name: uniqueName(names, c.name), store: true });
        queued++;
      });
      while (queued - written > parallelism && !failure) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      check();
    }
  }
  await Promise.race([zip.finalize(), closed]); // once, at the end: nothing to retain
  await closed;
  check();
}

function uniqueName(seen: Set<string>, name: string): string {
  let n = name;
  for (let i = 2; seen.has(n); i++) n = name.replace(/\.pdf$/, `_${i}.pdf`);
  seen.add(n);
  return n;
}
