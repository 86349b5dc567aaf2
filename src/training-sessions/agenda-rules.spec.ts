import { addDays, datesBetween, defaultSittings, isValidDate, normaliseTime, overlaps, within } from './agenda-rules';

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
  });

  it('treats touching items as not overlapping and checks containment', () => {
    expect(overlaps('08:00:00', '09:00:00', '09:00:00', '10:00:00')).toBe(false);
    expect(overlaps('08:00:00', '09:30:00', '09:00:00', '10:00:00')).toBe(true);
    expect(overlaps('08:00:00', '12:00:00', '09:00:00', '10:00:00')).toBe(true);
    expect(within('07:30:00', '11:30:00', '07:30:00', '11:30:00')).toBe(true);
    expect(within('07:00:00', '08:00:00', '07:30:00', '11:30:00')).toBe(false);
  });
});
