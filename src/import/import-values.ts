import { normalisePhone, PHONE_RULE } from '../common/text/phone';
import { cleanText, foldForSearch } from '../common/text/vietnamese';
import { RawCell } from './import-batch.entity';

/** A problem with one cell (or the row); errors block the row, warnings and notes do not. */
export interface CellProblem {
  column: string;
  value: string;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

/** A cell reduced to a scalar, with a note when it came from a formula. */
export interface Unwrapped {
  value: string | number | { d: string } | null;
  formula?: string;
  error?: string;
}

export function unwrap(c: RawCell | undefined): Unwrapped {
  if (c === null || c === undefined) return { value: null };
  if (typeof c === 'string') return { value: cleanText(c) || null };
  if (typeof c === 'number') return { value: c };
  if ('d' in c) return { value: c };
  if ('e' in c) return { value: null, error: c.e };
  const r = c.r;
  if (r === null || r === undefined) return { value: null, formula: c.f, error: 'no-result' };
  return { value: typeof r === 'string' ? cleanText(r) || null : r, formula: c.f };
}

export function display(v: Unwrapped['value']): string {
  if (v === null) return '';
  if (typeof v === 'object') return v.d.slice(0, 10).split('-').reverse().join('/');
  return String(v);
}

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export type DateResult = { ok: true; date: string | null; year: number } | { ok: false; message: string };

/**
 * A birth date as provinces write it: dd/mm/yyyy (also with - or .), yyyy
 * alone, an Excel date cell or an Excel serial number. Two-digit years,
 * impossible dates and future dates are refused.
 */
export function parseBirthDate(v: Unwrapped['value'], today = new Date()): DateResult {
  let iso: string | null = null;
  let year: number;
  if (v && typeof v === 'object') {
    iso = v.d.slice(0, 10);
    year = Number(iso.slice(0, 4));
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 1900 && v <= 2100) {
      year = v;
    } else if (v > 0 && v < 2958466) {
      // Excel serial (1900 date system; Excel's fictitious 29/02/1900 is before any birth date here).
      const dt = new Date(Math.round((v - 25569) * 86400000));
      iso = dt.toISOString().slice(0, 10);
      year = dt.getUTCFullYear();
    } else return { ok: false, message: 'Ngày sinh không hợp lệ.' };
  } else if (typeof v === 'string') {
    const s = v.trim();
    let m: RegExpMatchArray | null;
    if ((m = s.match(/^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d+)$/))) {
      if (m[3].length !== 4) return { ok: false, message: 'Năm sinh phải đủ 4 chữ số (không nhận năm 2 chữ số).' };
      iso = validDate(Number(m[3]), Number(m[2]), Number(m[1]));
      if (!iso) return { ok: false, message: 'Ngày sinh không tồn tại.' };
      year = Number(m[3]);
    } else if ((m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) {
      iso = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
      if (!iso) return { ok: false, message: 'Ngày sinh không tồn tại.' };
      year = Number(m[1]);
    } else if (/^\d{4}$/.test(s)) {
      year = Number(s);
    } else if (/^\d{1,2}$/.test(s)) {
      return { ok: false, message: 'Năm sinh phải đủ 4 chữ số (không nhận năm 2 chữ số).' };
    } else return { ok: false, message: 'Ngày sinh không đúng dạng ngày/tháng/năm.' };
  } else return { ok: true, date: null, year: NaN };
  const todayIso = today.toISOString().slice(0, 10);
  if ((iso && iso > todayIso) || year > today.getUTCFullYear()) return { ok: false, message: 'Ngày sinh ở tương lai.' };
  if (year < 1920) return { ok: false, message: 'Năm sinh không hợp lệ (trước 1920).' };
  return { ok: true, date: iso, year };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parsePhone(v: Unwrapped['value']): Parsed<string | null> {
  if (v === null) return { ok: true, value: null };
  if (typeof v === 'number') {
    const digits = String(Math.round(v));
    // Excel drops the leading 0 of a phone typed as a number (a mobile's 9 digits left, a landline's 10 from 2).
    const p = normalisePhone(digits.length === 9 || (digits.length === 10 && digits.startsWith('2')) ? `0${digits}` : digits);
    return p ? { ok: true, value: p } : { ok: false, message: `Số điện thoại không hợp lệ (${PHONE_RULE}).` };
  }
  if (typeof v === 'object') return { ok: false, message: 'Số điện thoại không hợp lệ.' };
  if (/\p{L}/u.test(v)) return { ok: false, message: 'Số điện thoại có chữ cái.' };
  const p = normalisePhone(v);
  return p ? { ok: true, value: p } : { ok: false, message: `Số điện thoại không hợp lệ (${PHONE_RULE}).` };
}

export function parseNationalId(v: Unwrapped['value']): Parsed<string | null> {
  if (v === null) return { ok: true, value: null };
  let s = typeof v === 'number' ? String(Math.round(v)) : typeof v === 'string' ? v.replace(/[\s.]/g, '') : '';
  // A CCCD typed as a number loses its leading 0 (province codes 001–096).
  if (typeof v === 'number' && s.length === 11) s = `0${s}`;
  if (/^\d{12}$/.test(s) || /^\d{9}$/.test(s)) return { ok: true, value: s };
  return { ok: false, message: 'Số CCCD phải có 12 chữ số (hoặc CMND 9 chữ số).' };
}

export function parseGender(v: Unwrapped['value']): Parsed<'male' | 'female' | null> {
  if (v === null) return { ok: true, value: null };
  const f = foldForSearch(String(typeof v === 'object' ? '' : v));
  if (['nam', 'm', 'male', 'trai'].includes(f)) return { ok: true, value: 'male' };
  if (['nu', 'f', 'female', 'gai'].includes(f)) return { ok: true, value: 'female' };
  return { ok: false, message: 'Giới tính phải là Nam hoặc Nữ.' };
}

export function parseEmail(v: Unwrapped['value']): Parsed<string | null> {
  if (v === null) return { ok: true, value: null };
  const s = String(typeof v === 'object' ? '' : v).trim().toLowerCase();
  return /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(s) && s.length <= 200 ? { ok: true, value: s } : { ok: false, message: 'Email không hợp lệ.' };
}

/**
 * Splits "UBND xã Sin Suối Hồ", "Xã Thèn Sin, Huyện Tam Đường" or "Sin Suối Hồ"
 * into the commune name and, if written, the (old) district.
 */
export function splitPlace(text: string): { commune: string | null; district: string | null; typed: boolean } {
  const t = cleanText(text);
  const district = t.match(/(?:^|[\s,;(–-])(huyện|quận|thị xã|thành phố)\s+([^,;()–]+)/iu);
  const commune = t.match(/(?:^|[\s,;(–-])(xã|phường|thị trấn|đặc khu)\s+([^,;()–]+)/iu);
  if (commune) return { commune: commune[2].trim(), district: district ? district[2].trim() : null, typed: true };
  const first = t.split(/[,;]/)[0].trim();
  if (!first || /\b(ubnd|ủy ban|uỷ ban|đảng ủy|hđnd|huyện|tỉnh)\b/iu.test(first)) return { commune: null, district: district ? district[2].trim() : null, typed: false };
  return { commune: first, district: district ? district[2].trim() : null, typed: false };
}
