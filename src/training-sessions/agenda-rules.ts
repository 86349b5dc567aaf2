/** Pure scheduling rules of a session's agenda (unit-tested in agenda-rules.spec.ts). */
import type { SittingPart } from './sitting.entity';

export const DEFAULT_SITTING_TIMES: Record<'morning' | 'afternoon', [string, string]> = {
  morning: ['07:30:00', '11:30:00'],
  afternoon: ['13:30:00', '17:00:00'],
};

export const MAX_SESSION_DAYS = 60;

export { normaliseTime, isCalendarDate as isValidDate } from '../common/calendar-validators';

/** Every date from start to end inclusive ('YYYY-MM-DD'). */
export function datesBetween(start: string, end: string): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end}T00:00:00Z`);
  while (d <= last && out.length <= MAX_SESSION_DAYS) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Default half-day sittings (morning 07:30–11:30, afternoon 13:30–17:00) for each date. */
export function defaultSittings(start: string, end: string): { date: string; part: SittingPart; startsAt: string; endsAt: string }[] {
  return datesBetween(start, end).flatMap((date) =>
    (['morning', 'afternoon'] as const).map((part) => ({ date, part, startsAt: DEFAULT_SITTING_TIMES[part][0], endsAt: DEFAULT_SITTING_TIMES[part][1] })),
  );
}

/** Shifts a date by whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

/** Half-open intervals [start, end) overlap. Times are 'HH:MM:SS' strings, which compare correctly. */
export function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return aStart < bEnd && bStart < aEnd;
}

export function within(start: string, end: string, outerStart: string, outerEnd: string): boolean {
  return start >= outerStart && end <= outerEnd;
}

/** "07:30:00" → "07:30". */
export const hhmm = (t: string | null | undefined): string => (t ? t.slice(0, 5) : '');

/** "2025-09-25" → "25/09/2025". */
export const ddmmyyyy = (d: string): string => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

const PART_ORDER: Record<SittingPart, number> = { morning: 0, afternoon: 1, evening: 2 };

/**
 * The other sitting of the same day that a sitting's times would overlap, or be out of order with (a
 * morning after that day's afternoon): attendance and self check-in pick a sitting by its time.
 */
export function clashingSitting<T extends { date: string; part: SittingPart; startsAt: string; endsAt: string }>(
  candidate: { date: string; part: SittingPart; startsAt: string; endsAt: string },
  others: T[],
): T | undefined {
  return others.find(
    (o) =>
      o.date === candidate.date &&
      o.part !== candidate.part &&
      (overlaps(candidate.startsAt, candidate.endsAt, o.startsAt, o.endsAt) || PART_ORDER[o.part] < PART_ORDER[candidate.part] !== o.startsAt < candidate.startsAt),
  );
}
