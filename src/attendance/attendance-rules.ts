import type { MarkStatus } from './attendance-mark.entity';
import type { RosterSort } from './attendance.repository';
import { SITTING_PART_LABELS, SittingPart } from '../training-sessions/sitting.entity';

/** Vietnam has no daylight saving time: local times are UTC+07:00 all year. */
const VN_OFFSET = '+07:00';

export interface SittingTimes {
  date: string;
  startsAt: string;
  endsAt: string;
}

export interface CheckinPolicy {
  lateGraceMinutes: number;
  windowBeforeMinutes: number;
  windowAfterMinutes: number;
}

const MINUTE = 60_000;

/** A sitting's local date and time ("2025-09-25", "07:30:00") as an instant. */
export function localInstant(date: string, time: string): Date {
  const t = time.length === 5 ? `${time}:00` : time.slice(0, 8);
  return new Date(`${date}T${t}${VN_OFFSET}`);
}

export function sittingStart(s: SittingTimes): Date {
  return localInstant(s.date, s.startsAt);
}

export function sittingEnd(s: SittingTimes): Date {
  return localInstant(s.date, s.endsAt);
}

/** Whether a check-in at `at` falls in the sitting's window: too early, too late, or fine (null). */
export function windowProblem(s: SittingTimes, at: Date, policy: CheckinPolicy): 'not-started' | 'ended' | null {
  if (at.getTime() < sittingStart(s).getTime() - policy.windowBeforeMinutes * MINUTE) return 'not-started';
  if (at.getTime() > sittingEnd(s).getTime() + policy.windowAfterMinutes * MINUTE) return 'ended';
  return null;
}

/**
 * How much a mark counts for attendance, least first: present and late always count, excused may
 * (EligibilityRule.excusedCounts), absent never. When two records of one person are merged and both
 * have a mark for a sitting, the one that weighs more stays.
 */
export const MARK_WEIGHT: Readonly<Record<MarkStatus, number>> = { absent: 0, excused: 1, late: 2, present: 3 };

/** Present up to the grace time after the start (inclusive), late after it. */
export function arrivalStatus(s: SittingTimes, at: Date, lateGraceMinutes: number): Extract<MarkStatus, 'present' | 'late'> {
  return at.getTime() > sittingStart(s).getTime() + lateGraceMinutes * MINUTE ? 'late' : 'present';
}

const HHMM = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false });
const DMY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });

/** "07:58" in Asia/Ho_Chi_Minh. */
export function localClock(d: Date): string {
  return HHMM.format(d);
}

/** "25/09/2025" in Asia/Ho_Chi_Minh. */
export function localDay(d: Date): string {
  return DMY.format(d);
}

/** "25/09/2025" from "2025-09-25". */
export function dmy(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}


/** "Sáng 25/09/2025". */
export function sittingLabel(s: { date: string; part: string }): string {
  return `${SITTING_PART_LABELS[s.part as SittingPart] ?? s.part} ${dmy(s.date)}`;
}

/** The sitting whose check-in window contains `at` (the one that started last if several). */
export function currentSitting<T extends SittingTimes>(sittings: T[], at: Date, policy: CheckinPolicy): T | undefined {
  const open = sittings.filter((s) => windowProblem(s, at, policy) === null);
  return open.sort((a, b) => sittingStart(b).getTime() - sittingStart(a).getTime())[0];
}

/** A check-in token from what a scanner read: the printed URL (…/checkin/t/<token>) or the bare token. */
export function tokenFromScan(raw: string): string | null {
  const text = raw.trim();
  const m = text.match(/\/checkin\/t\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/);
  const token = m ? m[1] : text;
  return /^[A-Za-z0-9_-]{16,64}$/.test(token) ? token : null;
}

/**
 * A queued scan's time. ISO 8601 with an offset is taken as it is; a date and time without one is the phone's
 * local time at the venue, Vietnam (UTC+7, no daylight saving); a date without a time is refused (null).
 */
export function scanTime(raw: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(raw.trim());
  if (!m) return null;
  const at = new Date(`${m[1]}T${m[2]}${m[3] ?? '+07:00'}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

const VIETNAMESE = new Intl.Collator('vi');

/** Where a row stands in a list: the place groups that the query ordered it by. */
interface PlacedName {
  fullName: string;
  communeName: string | null;
  provinceName: string | null;
}

const PLACE_GROUP: Record<RosterSort, (r: PlacedName) => string> = {
  province: (r) => `${r.provinceName ?? ''}\u0000${r.communeName ?? ''}`,
  commune: (r) => `${r.communeName ?? ''}\u0000${r.provinceName ?? ''}`,
  name: () => '',
};

/**
 * Lists as people are listed in Vietnam: the place groups kept in the order the query gave them
 * (province, commune), and within each, by given name (the last word) then full name in the
 * Vietnamese alphabet (a ă â b c d đ e ê …, unmarked before toned: Anh, Ánh, Ân, Dũng, Đức),
 * which a key folded to ASCII cannot give. Stable: rows equal here keep the query's order.
 */
export function inVietnameseNameOrder<T extends PlacedName>(rows: T[], sort: RosterSort): T[] {
  const groups = new Map<string, number>();
  for (const r of rows) {
    const key = PLACE_GROUP[sort](r);
    if (!groups.has(key)) groups.set(key, groups.size);
  }
  const given = (name: string) => name.trim().split(/\s+/).at(-1) ?? '';
  return [...rows].sort(
    (a, b) => groups.get(PLACE_GROUP[sort](a))! - groups.get(PLACE_GROUP[sort](b))! || VIETNAMESE.compare(given(a.fullName), given(b.fullName)) || VIETNAMESE.compare(a.fullName, b.fullName),
  );
}
