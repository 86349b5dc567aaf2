import yauzl from 'yauzl';

/**
 * Checks an uploaded ZIP-based office document (DOCX, PPTX, XLSX, ODT, ODP,
 * ODS) before it is kept, against zip bombs and ZIPs dressed up as documents:
 *
 * 1. From the central directory alone (nothing inflated): at most
 *    `maxEntries` entries; the declared uncompressed sizes add up to at most
 *    `maxTotalBytes`; no entry over `ratioFromBytes` declares more than
 *    `maxRatio` times its compressed size; only stored or deflated,
 *    unencrypted entries; the package's manifest is there
 *    (`[Content_Types].xml` for OOXML, `mimetype` for OpenDocument).
 * 2. Then every entry is inflated into nothing, to prove the declared sizes:
 *    yauzl stops an entry at the first byte past its declared size (a lying
 *    header), and the whole pass stops at `maxTotalBytes`. So the work is
 *    bounded by the limits, whatever the file claims.
 * 3. The manifest names the type detected from the content (the main part of
 *    a DOCX, PPTX or XLSX; the OpenDocument media type).
 */
export interface OfficeZipLimits {
  maxTotalBytes: number;
  maxEntries: number;
  maxRatio: number;
  ratioFromBytes: number;
}

const MB = 1024 * 1024;

/** 200 MB unpacked (or twice the upload limit, if larger: embedded media barely compress), 10,000 entries, 100:1 on entries over 10 MB. */
export function officeZipLimits(maxUploadBytes: number): OfficeZipLimits {
  return { maxTotalBytes: Math.max(200 * MB, 2 * maxUploadBytes), maxEntries: 10_000, maxRatio: 100, ratioFromBytes: 10 * MB };
}

/** The manifest is read whole, so it has its own small cap. */
const MAX_MANIFEST_BYTES = 1 * MB;

const OOXML_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);
const ODF_TYPES = new Set(['application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.presentation', 'application/vnd.oasis.opendocument.spreadsheet']);

/** Whether a detected media type is a ZIP package this check applies to. */
export function isOfficeZip(mime: string): boolean {
  return OOXML_TYPES.has(mime) || ODF_TYPES.has(mime);
}

/** Why a package was refused: `bomb` (too big unpacked, too many entries), `invalid` (not the document it claims), `unreadable` (corrupt, encrypted, odd compression). */
export class OfficeZipRefused extends Error {
  constructor(
    readonly reason: 'bomb' | 'invalid' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

const REFUSED = {
  bomb: 'Tệp bị từ chối: nội dung nén bên trong giải nén ra quá lớn hoặc bất thường (nghi là "bom nén"). Không có gì được lưu.',
  entries: (max: number) => `Tệp bị từ chối: có quá nhiều thành phần bên trong (quá ${max.toLocaleString('vi-VN')}). Không có gì được lưu.`,
  invalid: 'Tệp không phải tài liệu Word, PowerPoint, Excel hoặc OpenDocument hợp lệ (thiếu hoặc sai phần mô tả nội dung). Không có gì được lưu.',
  unreadable: 'Không đọc được tệp: tệp nén bị hỏng hoặc được mã hóa. Không có gì được lưu.',
};

/**
 * Throws OfficeZipRefused if the package at `path` (or in the buffer) is not safe to keep as a
 * `mime` document. With `mime` null only the limits are checked (the caller's reader judges the content).
 * Entries whose names match `keep` are returned inflated (they are inflated for the check anyway).
 */
export async function inspectOfficeZip(source: string | Buffer, mime: string | null, limits: OfficeZipLimits, keep?: RegExp): Promise<Map<string, Buffer>> {
  const manifestName = mime === null ? null : OOXML_TYPES.has(mime) ? '[Content_Types].xml' : 'mimetype';
  const zip = await openZip(source).catch(() => {
    throw new OfficeZipRefused('unreadable', REFUSED.unreadable);
  });
  try {
    // yauzl reads exactly the count the end-of-directory record gives: checked before reading any.
    if (zip.entryCount > limits.maxEntries) throw new OfficeZipRefused('bomb', REFUSED.entries(limits.maxEntries));
    const entries: yauzl.Entry[] = [];
    let declared = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      declared += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (declared > limits.maxTotalBytes || (entry.uncompressedSize > limits.ratioFromBytes && ratio > limits.maxRatio)) throw new OfficeZipRefused('bomb', REFUSED.bomb);
      if (entry.isEncrypted() || ![0, 8].includes(entry.compressionMethod)) throw new OfficeZipRefused('unreadable', REFUSED.unreadable);
      entries.push(entry);
    }
    const manifest = manifestName === null ? undefined : entries.find((e) => e.fileName === manifestName);
    if (manifestName !== null && (!manifest || manifest.uncompressedSize > MAX_MANIFEST_BYTES)) throw new OfficeZipRefused('invalid', REFUSED.invalid);

    let inflated = 0;
    let manifestText = '';
    const kept = new Map<string, Buffer>();
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks: Buffer[] = [];
      const wanted = !!keep?.test(entry.fileName);
      const keeping = entry === manifest || wanted;
      const stream = await openStream(zip, entry);
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          inflated += chunk.length;
          if (inflated > limits.maxTotalBytes) throw new OfficeZipRefused('bomb', REFUSED.bomb);
          if (keeping) chunks.push(chunk);
        }
      } catch (e) {
        if (e instanceof OfficeZipRefused) throw e;
        // yauzl: "too many bytes in the stream" is an entry inflating past its declared size.
        throw /too many bytes/.test((e as Error).message) ? new OfficeZipRefused('bomb', REFUSED.bomb) : new OfficeZipRefused('unreadable', REFUSED.unreadable);
      } finally {
        (stream as unknown as { destroy(): void }).destroy();
      }
      if (entry === manifest) manifestText = Buffer.concat(chunks).toString('utf8');
      if (wanted) kept.set(entry.fileName, Buffer.concat(chunks));
    }
    if (mime === null) return kept;
    // As the type sniffer reads it (file-type: the `"….main+xml"` content type, the OpenDocument media type), case aside.
    const text = manifestText.toLowerCase();
    const names = OOXML_TYPES.has(mime) ? text.includes(`"${mime}.main+xml"`) : text.trim() === mime;
    if (!names) throw new OfficeZipRefused('invalid', REFUSED.invalid);
    return kept;
  } finally {
    zip.close();
  }
}

function openZip(source: string | Buffer): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip));
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
}

/** The next central-directory entry, or null at the end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    // A malformed directory record (bad signature, stored entry whose sizes differ, invalid name).
    const onError = () => {
      cleanup();
      reject(new OfficeZipRefused('unreadable', REFUSED.unreadable));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(new OfficeZipRefused('unreadable', REFUSED.unreadable)) : resolve(stream))),
  );
}
