import { foldForSearch } from '../common/text/vietnamese';
import { IMPORT_FIELDS, ImportField, ImportMapping, RawCell } from './import-batch.entity';
import { SheetRow } from './spreadsheet-reader';

export const FIELD_LABELS: Record<ImportField, string> = {
  fullName: 'Họ và tên',
  dateOfBirth: 'Ngày sinh',
  gender: 'Giới tính',
  ethnicGroup: 'Dân tộc',
  position: 'Chức vụ',
  workplace: 'Đơn vị công tác / Xã',
  district: 'Huyện (cũ)',
  province: 'Tỉnh',
  phone: 'Số điện thoại',
  email: 'Email',
  nationalId: 'Số CCCD',
};

/** Header patterns on folded text, tried in this order (the first field that matches a column wins). */
const PATTERNS: [ImportField, RegExp][] = [
  ['nationalId', /\b(cccd|cmnd|can cuoc|dinh danh|cmt)\b/],
  ['phone', /(dien thoai|\bsdt\b|\bso dt\b|di dong|\bdt\b)/],
  ['email', /(e ?mail|thu dien tu)/],
  ['dateOfBirth', /((ngay|nam)( thang)?( nam)? sinh|^sinh ngay|^ns$)/],
  ['gender', /(gioi tinh|^gt$|^nam nu$|^nam \/ nu$)/],
  ['ethnicGroup', /dan toc/],
  ['position', /(chuc vu|chuc danh)/],
  ['fullName', /^(ho (va )?ten|ho ten|ten hoc vien|ho va ten hoc vien|ho va ten dai bieu)/],
  ['province', /^(tinh|tinh thanh|tinh thanh pho)\b/],
  ['district', /^(huyen|quan huyen|huyen cu)\b/],
  ['workplace', /(don vi|noi cong tac|co quan|^xa\b|xa phuong)/],
];

const cellText = (c: RawCell): string => {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return String(c);
  // A date cell as the organiser typed it (dd/mm/yyyy), not as it is stored.
  if ('d' in c) return `${c.d.slice(8, 10)}/${c.d.slice(5, 7)}/${c.d.slice(0, 4)}`;
  if ('e' in c) return c.e;
  return cellText(c.r as RawCell);
};

export function fieldOfHeader(header: string): ImportField | null {
  const f = foldForSearch(header);
  if (!f) return null;
  for (const [field, re] of PATTERNS) if (re.test(f)) return field;
  return null;
}

/**
 * Finds the header row among the first rows (a title block usually sits above
 * it): the row whose cells look most like known column names, with a name column.
 */
export function findHeaderRow(rows: SheetRow[]): { index: number; headers: string[] } | null {
  let best: { index: number; score: number } | null = null;
  for (let i = 0; i < Math.min(rows.length, 40); i++) {
    const fields = new Set(rows[i].cells.map((c) => fieldOfHeader(cellText(c))).filter(Boolean));
    if (!fields.has('fullName')) continue;
    const score = fields.size;
    if (score >= 2 && (!best || score > best.score)) best = { index: i, score };
  }
  if (!best) return null;
  const headers = rows[best.index].cells.map((c) => cellText(c).replace(/\s+/g, ' ').trim());
  // Merged header cells repeat their text across the merge; keep only the first.
  for (let i = headers.length - 1; i > 0; i--) if (headers[i] && headers[i] === headers[i - 1]) headers[i] = '';
  return { index: best.index, headers };
}

/** A header that says its column is a copy made for another system ("Họ và tên (không dấu)"): never the guess while the real one is there. */
const HELPER_COPY = /\b(khong dau|viet khong dau|tieng anh|latin)\b/;

/** The guessed mapping: each field gets the first column whose header matches it, a helper copy only if there is no other. */
export function guessMapping(headers: string[]): ImportMapping {
  const mapping: ImportMapping = {};
  const copies: ImportMapping = {};
  headers.forEach((h, i) => {
    const field = fieldOfHeader(h);
    if (!field) return;
    const into = HELPER_COPY.test(foldForSearch(h)) ? copies : mapping;
    if (into[field] === undefined) into[field] = i;
  });
  for (const f of Object.keys(copies) as ImportField[]) if (mapping[f] === undefined) mapping[f] = copies[f];
  return mapping;
}

export { cellText, IMPORT_FIELDS };
