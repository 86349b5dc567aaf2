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
 */
export async function writeCertificatesZip(
  pages: AsyncIterable<ZipItem[]>,
  render: (c: CertificateContent) => Promise<Buffer>,
  parallelism: number,
  out: Writable,
): Promise<void> {
  const zip = new ZipArchive({ zlib: { level: 1 } });
  const failed = new Promise<never>((_, reject) => {
    zip.on('error', reject);
    out.on('error', reject);
  });
  failed.catch(() => undefined);
  const closed = new Promise<void>((resolve) => out.on('close', resolve).on('finish', resolve));
  zip.pipe(out);
  let queued = 0;
  let written = 0;
  const waiters: (() => void)[] = [];
  zip.on('entry', () => {
    written++;
    waiters.shift()?.();
  });
  const names = new Set<string>();
  for await (const page of pages) {
    for (let j = 0; j < page.length; j += parallelism) {
      const slice = page.slice(j, j + parallelism);
      const pdfs = await Promise.race([Promise.all(slice.map((c) => render(c.content))), failed]);
      slice.forEach((c, k) => {
        zip.append(pdfs[k], { name: uniqueName(names, c.name), store: true });
        queued++;
      });
      while (queued - written > parallelism) await Promise.race([new Promise<void>((r) => waiters.push(r)), failed]);
    }
  }
  await Promise.race([zip.finalize(), failed]);
  await Promise.race([closed, failed]);
}

function uniqueName(seen: Set<string>, name: string): string {
  let n = name;
  for (let i = 2; seen.has(n); i++) n = name.replace(/\.pdf$/, `_${i}.pdf`);
  seen.add(n);
  return n;
}
