import * as yauzl from 'yauzl';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';

export interface ZipEntryInfo {
  name: string;
  size: number;
  sha256: string;
  data: Buffer;
}

/** Every file entry of a ZIP with its bytes and sha256, read back with yauzl. */
export function readZip(buf: Buffer): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: ZipEntryInfo[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const data = Buffer.concat(chunks);
            out.push({ name: entry.fileName, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** supertest parser that collects a binary body into a Buffer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binaryParser(res: any, cb: (err: Error | null, body: any) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
  res.on('error', (e: Error) => cb(e, Buffer.alloc(0)));
}

const DOCX_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

/** The smallest DOCX Word opens: content types, package relationships, one paragraph. */
export const DOCX_SKELETON: { name: string; data: string }[] = [
  {
    name: '[Content_Types].xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${DOCX_MAIN}"/></Types>`,
  },
  {
    name: '_rels/.rels',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  },
  {
    name: 'word/document.xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Bài giảng chuyên đề</w:t></w:r></w:p></w:body></w:document>`,
  },
];

/** A stream of `bytes` zero bytes, made as it is read (never held in memory). */
export function zeros(bytes: number): Readable {
  let left = bytes;
  const chunk = Buffer.alloc(1024 * 1024);
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** Writes a ZIP (deflate level 9) of the given entries into a Buffer; entries may be streams. */
export async function buildZip(entries: { name: string; data: string | Buffer | Readable }[]): Promise<Buffer> {
  const { ZipArchive } = await import('archiver');
  const zip = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.on('data', (c: Buffer) => chunks.push(c));
    zip.on('end', resolve);
    zip.on('error', reject);
  });
  for (const e of entries) zip.append(e.data, { name: e.name });
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Offset of an entry's record in the central directory (where readers take the sizes and names from). */
function centralRecord(zip: Buffer, name: string): number {
  for (let i = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])); i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const len = zip.readUInt16LE(i + 28);
    if (zip.toString('latin1', i + 46, i + 46 + len) === name) return i;
  }
  throw new Error(`no central directory record for ${name}`);
}

/** A copy whose central directory declares `size` as the entry's uncompressed size (a lying header). */
export function withDeclaredSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  out.writeUInt32LE(size, centralRecord(out, name) + 24);
  return out;
}

/** A copy whose central directory names the entry `to` (same length) while its local header still says `name`. */
export function withCentralName(zip: Buffer, name: string, to: string): Buffer {
  if (to.length !== name.length) throw new Error('same length only');
  const out = Buffer.from(zip);
  out.write(to, centralRecord(out, name) + 46, 'latin1');
  return out;
}
