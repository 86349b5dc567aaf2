import { addDays, clashingSitting, datesBetween, defaultSittings, isValidDate, normaliseTime, overlaps, within } from './agenda-rules';

describe('agenda rules', () => {
  it('generates a morning and an afternoon sitting per day', () => {
    expect(defaultSittings('2025-09-25', '2025-09-26')).toEqual([
      { date: '2025-09-25', part: 'morning', startsAt: '07:30:00', endsAt: '11:30:00' },
      { date: '2025-09-25', part: 'afternoon', startsAt: '13:30:00', endsAt: '17:00:00' },
      { date: '2025-09-26', part: 'morning', startsAt: '07:30:00', endsAt: '11:30:00' },
      { date: '2025-09-26', part: 'afternoon', startsAt: '13:30:00', endsAt: '17:00:00' },
    ]);
    expect(datesBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });

  it('normalises and validates times and dates', () => {
    expect(normaliseTime('7:30')).toBe('07:30:00');
    expect(normaliseTime('24:00')).toBeNull();
    expect(normaliseTime('ab')).toBeNull();
    expect(isValidDate('2025-02-29')).toBe(false);
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2025-00-10')).toBe(false);
    expect(isValidDate('2026-09-31')).toBe(false);
    expect(isValidDate('0000-01-01')).toBe(false);
  });

  it('finds the sitting of the same day that a sitting overlaps or is out of order with', () => {
    const day = defaultSittings('2025-09-25', '2025-09-26');
    const at = (date: string, part: 'morning' | 'afternoon' | 'evening', startsAt: string, endsAt: string) => ({ date, part, startsAt, endsAt });
    expect(clashingSitting(at('2025-09-25', 'evening', '19:00:00', '21:00:00'), day)).toBeUndefined();
    expect(clashingSitting(at('2025-09-25', 'morning', '07:00:00', '12:00:00'), day)).toBeUndefined();
    expect(clashingSitting(at('2025-09-25', 'afternoon', '17:00:00', '18:00:00'), day)).toBeUndefined();
    expect(clashingSitting(at('2025-09-25', 'morning', '07:30:00', '16:00:00'), day)).toMatchObject({ date: '2025-09-25', part: 'afternoon' });
    expect(clashingSitting(at('2025-09-25', 'evening', '08:00:00', '10:00:00'), day)).toMatchObject({ date: '2025-09-25', part: 'morning' });
    expect(clashingSitting(at('2025-09-26', 'evening', '12:00:00', '13:00:00'), day)).toMatchObject({ date: '2025-09-26', part: 'afternoon' });
  });

  it('treats touching items as not overlapping and checks containment', () => {
    expect(overlaps('08:00:00', '09:00:00', '09:00:00', '10:00:00')).toBe(false);
    expect(overlaps('08:00:00', '09:30:00', '09:00:00', '10:00:00')).toBe(true);
    expect(overlaps('08:00:00', '12:00:00', '09:00:00', '10:00:00')).toBe(true);
    expect(within('07:30:00', '11:30:00', '07:30:00', '11:30:00')).toBe(true);
    expect(within('07:00:00', '08:00:00', '07:30:00', '11:30:00')).toBe(false);
  });
});
