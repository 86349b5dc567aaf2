import type { AttendanceTally } from '../attendance/attendance-summary.service';
import type { MarkStatus } from '../attendance/attendance-mark.entity';

/** A topic (chuyên đề) the organiser made required for the certificate. */
export interface RequiredTopic {
  id: string;
  title: string;
  /** The sitting it is taught in; null while it is not scheduled (then nobody can attend it, and it is not counted). */
  sittingId: string | null;
}

/**
 * The certificate rule of a session: training_sessions.min_attendance_percent
 * and excused_counts, and the required topics (topics.required_for_certificate).
 */
export interface EligibilityRule {
  minAttendancePercent: number;
  /** Whether an excused absence counts as attended: for the share of sittings and for a required topic's sitting alike. */
  excusedCounts: boolean;
  requiredTopics?: readonly RequiredTopic[];
}

export interface Eligibility {
  eligible: boolean;
  attended: number;
  required: number;
  sittings: number;
  /** Scheduled required topics whose sitting the trainee did not attend, in agenda order. */
  missingTopics: { id: string; title: string }[];
  /** Vietnamese reason, e.g. "Có mặt 5/8 buổi, cần 7" or "Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: …". */
  reason: string;
}

/** What the rule needs to know of one enrolment; `marks` (mark by sitting id) only matters with required topics. */
export type EligibilityInput = Pick<AttendanceTally, 'sittings' | 'present' | 'late' | 'excused'> & { marks?: Readonly<Record<string, MarkStatus>> };

/** Sittings needed for a share of `percent` of `sittings` (rounded up: 80 % of 8 is 7). */
export function requiredSittings(sittings: number, percent: number): number {
  return Math.max(0, Math.ceil((sittings * percent) / 100 - 1e-9));
}

/** Whether a mark counts as attended: present and late always, excused when the rule says so. */
export function countsAsAttended(status: MarkStatus | undefined, rule: Pick<EligibilityRule, 'excusedCounts'>): boolean {
  return status === 'present' || status === 'late' || (rule.excusedCounts && status === 'excused');
}

/**
 * Decides one enrolment: present and late count; excused ones too when the
 * rule says so. With required topics, the trainee must also have attended
 * (by the same measure) the sitting in which each scheduled required topic
 * is taught; a required topic not scheduled in any sitting is not counted.
 */
export function evaluateEligibility(t: EligibilityInput, rule: EligibilityRule): Eligibility {
  const attended = t.present + t.late + (rule.excusedCounts ? t.excused : 0);
  const required = requiredSittings(t.sittings, rule.minAttendancePercent);
  if (t.sittings === 0) {
    return { eligible: false, attended, required, sittings: 0, missingTopics: [], reason: 'Lớp chưa có buổi học nào' };
  }
  const scheduled = (rule.requiredTopics ?? []).filter((x) => x.sittingId !== null);
  const missingTopics = scheduled.filter((x) => !countsAsAttended(t.marks?.[x.sittingId!], rule)).map(({ id, title }) => ({ id, title }));
  const counted = rule.excusedCounts && t.excused > 0 ? ` (tính cả ${t.excused} buổi vắng có phép)` : '';
  const share = `${attended}/${t.sittings} buổi${counted}, cần ${required}`;
  const eligible = attended >= required && missingTopics.length === 0;
  let reason: string;
  if (eligible) {
    reason = `Đủ điều kiện: có mặt ${share}${scheduled.length ? `; dự đủ ${scheduled.length} chuyên đề bắt buộc` : ''}`;
  } else {
    // Titles may hold commas: they are listed last, one after another with semicolons.
    const missing = missingTopics.length ? `; vắng chuyên đề bắt buộc: ${missingTopics.map((x) => x.title).join('; ')}` : '';
    reason = `Có mặt ${share}${missing}`;
  }
  return { eligible, attended, required, sittings: t.sittings, missingTopics, reason };
}

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
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
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
