import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import type { ImportSheet, RawCell } from './import-batch.entity';
import { inspectOfficeZip, OfficeZipLimits, OfficeZipRefused } from '../common/office-zip';
import { findHeaderRow } from './column-mapping';

/** A file the organiser must fix or replace; the message is shown as is. */
export class UnreadableFileError extends Error {}

export interface SheetRow {
  /** 1-based row number as the organiser sees it in Excel (or the line in a CSV). */
  n: number;
  cells: RawCell[];
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);

/** Reads an uploaded XLSX or CSV into rows of cells; refuses anything else with a Vietnamese message. */
export async function readSpreadsheet(buffer: Buffer, fileName: string): Promise<SheetRow[]> {
  return (await readSpreadsheetSheet(buffer, fileName)).rows;
}

/** `readSpreadsheet`, saying which sheet of a workbook was read (null for a CSV). */
export async function readSpreadsheetSheet(buffer: Buffer, fileName: string): Promise<{ rows: SheetRow[]; sheet: ImportSheet | null }> {
  if (buffer.length === 0) throw new UnreadableFileError('Tệp rỗng.');
  const lower = fileName.toLowerCase();
  if (startsWith(buffer, ZIP)) return readXlsx(buffer);
  if (startsWith(buffer, OLE)) throw new UnreadableFileError('Đây là tệp Excel định dạng cũ (.xls). Vui lòng mở bằng Excel và lưu lại dạng .xlsx rồi tải lên.');
  if (lower.endsWith('.xlsx') || lower.endsWith('.xlsm')) throw new UnreadableFileError('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ: nội dung bị hỏng hoặc không phải Excel.');
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return { rows: await readCsv(buffer), sheet: null };
  throw new UnreadableFileError('Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).');
}

/**
 * exceljs unpacks the whole workbook in memory: a zip bomb is refused first (see office-zip.ts).
 * 50 MB unpacked is far beyond any commune list (a 10,000-row sheet is a few MB).
 */
const IMPORT_ZIP_LIMITS: OfficeZipLimits = { maxTotalBytes: 50 * 1024 * 1024, maxEntries: 10_000, maxRatio: 100, ratioFromBytes: 10 * 1024 * 1024 };
const UNREADABLE_XLSX = 'Không đọc được tệp Excel: tệp bị hỏng hoặc không phải bảng tính .xlsx.';

/**
 * exceljs's streaming reader (about half the time and 40 MB less than loading the workbook model for a
 * 10,000-row list). It leaves merged cells empty but the first, so the merged ranges are read from the
 * sheet's XML, which the zip check has just inflated, and filled the way Excel shows them: every cell
 * of a range carries the range's value (a province written once for a block of rows).
 */
async function readXlsx(buffer: Buffer): Promise<{ rows: SheetRow[]; sheet: ImportSheet }> {
  // The merged ranges of each sheet, taken from its XML at once so that the XML is not held during the read.
  let merges: Map<string, CellRange[]>;
  try {
    const sheetXml = await inspectOfficeZip(buffer, null, IMPORT_ZIP_LIMITS, SHEET_ENTRY);
    merges = new Map([...sheetXml].map(([name, xml]) => [name, mergedRanges(xml)]));
  } catch (e) {
    if (!(e instanceof OfficeZipRefused)) throw e;
    throw new UnreadableFileError(e.reason === 'bomb' ? e.message : UNREADABLE_XLSX);
  }
  const sheets: { part: string; name: string; hidden: boolean; rows: SheetRow[]; filled: number }[] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    // A sheet's `id` is its sheetId in workbook.xml, which is not the number of its part (`sheetN.xml`) once a tab
    // was moved or deleted: the part is the one exceljs announces just before it hands the sheet over.
    let part = '';
    (reader as unknown as NodeJS.EventEmitter).on('entry', (e: { type: string; id?: string }) => {
      if (e.type === 'worksheet') part = `xl/worksheets/sheet${e.id}.xml`;
    });
    for await (const ws of reader as AsyncIterable<StreamedSheet>) {
      const sheet = { part, name: String(ws.name ?? ''), hidden: !!ws.state && ws.state !== 'visible', rows: [] as SheetRow[], filled: 0 };
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const width = Math.min(row.cellCount, MAX_COLUMNS);
        const cells: RawCell[] = [];
        for (let c = 1; c <= width; c++) cells.push(cellValue(row.getCell(c).value));
        sheet.rows.push({ n: row.number, cells });
        if (row.hasValues) sheet.filled++;
      }
      sheets.push(sheet);
    }
  } catch {
    throw new UnreadableFileError(UNREADABLE_XLSX);
  }
  // The sheet with the most rows holds the list (others are often instructions or blank).
  const visible = sheets.filter((w) => !w.hidden).sort((a, b) => b.filled - a.filled);
  const sheet = visible[0];
  if (!sheet || sheet.filled === 0) throw new UnreadableFileError('Tệp Excel không có dữ liệu.');
  // Other sheets with a list of their own (a header row with a name column; an instructions tab has none).
  const others = visible.slice(1).flatMap((w) => {
    const header = w.filled ? findHeaderRow(w.rows.filter((r) => r.cells.some((c) => c !== null))) : null;
    return header ? [{ name: w.name, rows: w.filled - header.index - 1 }] : [];
  });
  fillMerged(sheet.rows, merges.get(sheet.part) ?? []);
  const width = sheet.rows.reduce((w, r) => Math.max(w, r.cells.length), 0);
  for (const r of sheet.rows) while (r.cells.length < width) r.cells.push(null);
  return { rows: sheet.rows.filter((r) => r.cells.some((c) => c !== null)), sheet: { name: sheet.name, others } };
}

const MAX_COLUMNS = 60;
const SHEET_ENTRY = /^xl\/worksheets\/sheet\d+\.xml$/;
type StreamedSheet = AsyncIterable<ExcelJS.Row> & { id: string | number; name?: string; state?: string };

interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** `<mergeCell ref="A1:D1"/>` elements of a worksheet part (with or without a namespace prefix). */
function mergedRanges(xml: Buffer | undefined): CellRange[] {
  if (!xml) return [];
  const out: CellRange[] = [];
  for (const m of xml.toString('utf8').matchAll(/<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"/g)) {
    out.push({ left: columnNumber(m[1]), top: Number(m[2]), right: columnNumber(m[3]), bottom: Number(m[4]) });
  }
  return out;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

/** Cells a file's merged ranges may fill: far beyond any list (a crafted file could ask for billions). */
const MAX_MERGED_CELLS = 500_000;

function fillMerged(rows: SheetRow[], ranges: CellRange[]): void {
  if (ranges.length === 0) return;
  const byNumber = new Map(rows.map((r) => [r.n, r]));
  let work = 0;
  for (const g of ranges) work += Math.max(0, Math.min(g.bottom - g.top + 1, rows.length)) * Math.max(0, Math.min(g.right, MAX_COLUMNS) - g.left + 1);
  if (work > MAX_MERGED_CELLS) throw new UnreadableFileError('Tệp Excel có quá nhiều ô gộp (merge). Vui lòng bỏ gộp ô trong vùng danh sách rồi tải lên lại.');
  for (const g of ranges) {
    const master = byNumber.get(g.top)?.cells[g.left - 1] ?? null;
    if (master === null) continue;
    const right = Math.min(g.right, MAX_COLUMNS);
    // Only the rows the sheet has: a range may span a million empty rows.
    const inRange = g.bottom - g.top + 1 <= rows.length ? range(g.top, g.bottom).map((n) => byNumber.get(n)) : rows.filter((r) => r.n >= g.top && r.n <= g.bottom);
    for (const row of inRange) {
      if (!row) continue;
      for (let c = g.left; c <= right; c++) {
        while (row.cells.length < c) row.cells.push(null);
        row.cells[c - 1] = master;
      }
    }
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

type ExcelValue = ExcelJS.CellValue | undefined;

function plain(v: ExcelValue): string | number | { d: string } | { e: string } | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : { d: v.toISOString() };
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('error' in v) return { e: String((v as { error: unknown }).error) };
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return (v as { text: string }).text;
    if ('text' in v && typeof (v as { text: unknown }).text === 'object') return plain((v as { text: ExcelValue }).text) as string;
  }
  return null;
}

function cellValue(v: ExcelValue): RawCell {
  if (v && typeof v === 'object' && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v)) {
    const f = v as { formula?: string; sharedFormula?: string; result?: ExcelValue };
    const r = plain(f.result as ExcelValue);
    if (r && typeof r === 'object' && 'e' in r) return { e: r.e };
    return { f: String(f.formula ?? f.sharedFormula ?? ''), r: r as string | number | { d: string } | null };
  }
  return plain(v);
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 (Vietnamese Windows). */
export function decodeText(buffer: Buffer): string {
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return iconv.decode(buffer.subarray(2), 'utf16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return iconv.decode(buffer.subarray(2), 'utf16be');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return iconv.decode(buffer, 'windows-1258');
  }
}

function readCsv(buffer: Buffer): Promise<SheetRow[]> {
  const head = buffer.subarray(0, 65536);
  let control = 0;
  for (const b of head) if (b === 0 || (b < 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  if (control > head.length * 0.01) throw new UnreadableFileError('Tệp CSV không hợp lệ: nội dung không phải văn bản.');
  const text = decodeText(buffer).normalize('NFC');
  const firstLines = text.split(/\r?\n/, 20).join('\n');
  const counts = [',', ';', '\t'].map((d) => [d, firstLines.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  let records: { record: string[] }[];
  try {
    records = parse(text, { delimiter: counts[0][0], relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }) as unknown as { record: string[] }[];
  } catch (e) {
    throw new UnreadableFileError(`Không đọc được tệp CSV: ${(e as Error).message}`);
  }
  const rows: SheetRow[] = [];
  // Numbered as Excel shows the file: one row per record (blank lines included), however many lines a quoted
  // cell spans ("Họ và⏎tên" in a header).
  records.forEach((r, i) => {
    const cells = r.record.map((c) => (c.trim() === '' ? null : c));
    if (!cells.every((c) => c === null)) rows.push({ n: i + 1, cells });
  });
  if (rows.length === 0) throw new UnreadableFileError('Tệp CSV không có dữ liệu.');
  return Promise.resolve(rows);
}
