import { dayInVietnam } from '../common/local-dates';

export const DEFAULT_SERIAL_FORMAT = '{n}/{year}/GCN';

/** Checks a serial format: it must contain {n} once and may contain {year}; {n:4} pads to 4 digits. */
export function validateSerialFormat(format: string): string | null {
  const ns = format.match(/\{n(?::\d)?\}/g) ?? [];
  if (ns.length !== 1) return 'Định dạng số hiệu phải có đúng một {n} (số thứ tự).';
  const rest = format.replace(/\{n(?::\d)?\}/g, '').replace(/\{year\}/g, '');
  if (/[{}]/.test(rest)) return 'Định dạng số hiệu chỉ dùng {n}, {n:4} và {year}.';
  if (format.length > 60) return 'Định dạng số hiệu quá dài.';
  return null;
}

/** "{n}/{year}/GCN-BNV" with n = 123, year = 2025 → "123/2025/GCN-BNV". */
export function formatSerial(format: string, n: number, year: number): string {
  return format.replace(/\{n(?::(\d))?\}/g, (_m, pad: string | undefined) => String(n).padStart(pad ? Number(pad) : 0, '0')).replace(/\{year\}/g, String(year));
}

/** "Lai Châu, ngày 25 tháng 9 năm 2025" for an ISO date 'YYYY-MM-DD'. */
export function dateLine(place: string, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${place}, ngày ${d} tháng ${m} năm ${y}`;
}

/** '1985-01-02' → '02/01/1985'. */
export function dmy(isoDate: string | null): string {
  if (!isoDate) return '';
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

/** Today's date in Asia/Ho_Chi_Minh as 'YYYY-MM-DD'. */
export function todayInVietnam(now = new Date()): string {
  return dayInVietnam(now);
}

/** Verification codes: 20 characters of Crockford-like base32 (100 bits), upper case, no look-alikes. */
export const VERIFICATION_CODE_RE = /^[0-9A-HJKMNP-TV-Z]{20}$/;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newVerificationCode(random: (n: number) => Buffer): string {
  const bytes = random(20);
  let s = '';
  for (let i = 0; i < 20; i++) s += ALPHABET[bytes[i] & 31];
  return s;
}

/** Normalises what a person typed (lower case, spaces, dashes) into a code, or null when it cannot be one. */
export function normaliseVerificationCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const c = input.replace(/[\s-]/g, '').toUpperCase();
  return VERIFICATION_CODE_RE.test(c) ? c : null;
}

/**
 * The certificates module reads sessions as staff: every route that reaches
 * it is already limited to organisers (or, for a trainee's own certificate,
 * checked against the certificate), and cancelled sessions must stay visible
 * to say why nothing can be issued.
 */
export const STAFF_READER = { id: 'certificates', email: null, phone: null, fullName: 'certificates', role: 'organiser', traineeId: null } as const;
