import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZip, DOCX_SKELETON, withCentralName, withDeclaredSize, zeros } from '../../test/support/zip';
import { inspectOfficeZip, OfficeZipLimits, officeZipLimits } from './office-zip';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ODT = 'application/vnd.oasis.opendocument.text';
const MB = 1024 * 1024;
const small: OfficeZipLimits = { maxTotalBytes: 4 * MB, maxEntries: 20, maxRatio: 100, ratioFromBytes: 1 * MB };

const reason = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { reason?: string; message: string }) => e.reason ?? e.message);

describe('office ZIP inspection (zip bombs, packages that are not the document they claim)', () => {
  it('documents its limits: 200 MB unpacked or twice the upload limit, 10,000 entries, 100:1 over 10 MB', () => {
    expect(officeZipLimits(50 * MB)).toEqual({ maxTotalBytes: 200 * MB, maxEntries: 10_000, maxRatio: 100, ratioFromBytes: 10 * MB });
    expect(officeZipLimits(500 * MB).maxTotalBytes).toBe(1000 * MB);
  });

  it('accepts a small DOCX, from a file path or a buffer', async () => {
    const docx = await buildZip(DOCX_SKELETON);
    expect(await reason(inspectOfficeZip(docx, DOCX, small))).toBe('accepted');
    const dir = mkdtempSync(join(tmpdir(), 'office-zip-'));
    try {
      writeFileSync(join(dir, 'a.docx'), docx);
      expect(await reason(inspectOfficeZip(join(dir, 'a.docx'), DOCX, small))).toBe('accepted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a declared total over the limit before inflating anything', async () => {
    const bomb = await buildZip([...DOCX_SKELETON, { name: 'word/media/a.bin', data: zeros(3 * MB) }, { name: 'word/media/b.bin', data: zeros(3 * MB) }]);
    expect(await reason(inspectOfficeZip(bomb, DOCX, { ...small, maxRatio: 10_000 }))).toBe('bomb');
  });

  it('refuses a large entry compressed more than 100:1, and lets a small one through', async () => {
    expect(await reason(inspectOfficeZip(await buildZip([...DOCX_SKELETON, { name: 'word/media/z.bin', data: zeros(2 * MB) }]), DOCX, small))).toBe('bomb');
    expect(await reason(inspectOfficeZip(await buildZip([...DOCX_SKELETON, { name: 'word/media/z.bin', data: zeros(MB / 2) }]), DOCX, small))).toBe('accepted');
  });

  it('refuses too many entries', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `word/p${i}.xml`, data: '<p/>' }));
    expect(await reason(inspectOfficeZip(await buildZip([...DOCX_SKELETON, ...many]), DOCX, small))).toBe('bomb');
  });

  it('stops inflating an entry at its declared size when the directory lies about it', async () => {
    const honest = await buildZip([...DOCX_SKELETON, { name: 'word/media/z.bin', data: zeros(3 * MB) }]);
    const lying = withDeclaredSize(honest, 'word/media/z.bin', 64 * 1024);
    expect(await reason(inspectOfficeZip(lying, DOCX, small))).toBe('bomb');
  });

  it('refuses a package without its manifest, or whose manifest names another document', async () => {
    const docx = await buildZip(DOCX_SKELETON);
    expect(await reason(inspectOfficeZip(withCentralName(docx, '[Content_Types].xml', '[Content_Types].xmL'), DOCX, small))).toBe('invalid');
    expect(await reason(inspectOfficeZip(docx, XLSX, small))).toBe('invalid');
    expect(await reason(inspectOfficeZip(docx, ODT, small))).toBe('invalid');
    const odt = await buildZip([{ name: 'mimetype', data: ODT }, { name: 'content.xml', data: '<office:document-content/>' }]);
    expect(await reason(inspectOfficeZip(odt, ODT, small))).toBe('accepted');
  });

  it('refuses what is not a ZIP at all', async () => {
    expect(await reason(inspectOfficeZip(Buffer.from('PK\u0003\u0004 not really'), DOCX, small))).toBe('unreadable');
  });
});
