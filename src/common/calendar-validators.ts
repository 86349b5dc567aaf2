import { ValidateBy, ValidationOptions } from 'class-validator';

/** `yyyy-mm-dd` naming a day that exists (not 2025-02-30, not month 00), years 1000–9999 as PostgreSQL reads them. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || value < '1000') return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** "7:30" / "07:30" / "07:30:00" → "07:30:00"; null when not a valid time of day. */
export function normaliseTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/**
 * A real calendar day (a format check alone let 2025-02-30 through to PostgreSQL's date cast, a 500).
 * With `allowEmpty`, '' passes too (filters whose empty field means "no bound").
 */
export function IsCalendarDate(options: ValidationOptions & { message: string; allowEmpty?: boolean }): PropertyDecorator {
  const { allowEmpty, ...validation } = options;
  return ValidateBy({ name: 'isCalendarDate', validator: { validate: (v: unknown) => (allowEmpty && v === '') || isCalendarDate(v) } }, validation);
}
