import { arrivalStatus, currentSitting, localClock, MARK_WEIGHT, scanTime, tokenFromScan, windowProblem } from './attendance-rules';
import { countsAsAttended } from './eligibility';
import type { MarkStatus } from './attendance-mark.entity';

const sitting = { date: '2025-09-25', startsAt: '07:30:00', endsAt: '11:30:00' };
const policy = { lateGraceMinutes: 15, windowBeforeMinutes: 60, windowAfterMinutes: 30 };
const at = (local: string) => new Date(`2025-09-25T${local}+07:00`);

describe('attendance rules', () => {
  it('marks present up to the grace time and late after it, in Vietnam time', () => {
    expect(arrivalStatus(sitting, at('07:10:00'), 15)).toBe('present');
    expect(arrivalStatus(sitting, at('07:45:00'), 15)).toBe('present');
    expect(arrivalStatus(sitting, at('07:45:01'), 15)).toBe('late');
    expect(arrivalStatus(sitting, at('07:31:00'), 0)).toBe('late');
  });

  it('refuses scans outside the window', () => {
    expect(windowProblem(sitting, at('06:29:59'), policy)).toBe('not-started');
    expect(windowProblem(sitting, at('06:30:00'), policy)).toBeNull();
    expect(windowProblem(sitting, at('12:00:00'), policy)).toBeNull();
    expect(windowProblem(sitting, at('12:00:01'), policy)).toBe('ended');
  });

  it('finds the current sitting', () => {
    const afternoon = { date: '2025-09-25', startsAt: '13:30:00', endsAt: '17:00:00' };
    expect(currentSitting([sitting, afternoon], at('13:00:00'), policy)).toBe(afternoon);
    expect(currentSitting([sitting, afternoon], at('09:00:00'), policy)).toBe(sitting);
    expect(currentSitting([sitting, afternoon], at('12:15:00'), policy)).toBeUndefined();
  });

  it('reads the token from the printed URL or as it is', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    expect(tokenFromScan(`https://taphuan.example.vn/checkin/t/${token}`)).toBe(token);
    expect(tokenFromScan(` ${token} `)).toBe(token);
    expect(tokenFromScan('https://evil.example/x')).toBeNull();
    expect(tokenFromScan('short')).toBeNull();
  });

  it('shows local clock times', () => {
    expect(localClock(new Date('2025-09-25T00:58:00Z'))).toBe('07:58');
  });

  it('weighs marks so that one that counts for attendance always outweighs one that does not', () => {
    const all: MarkStatus[] = ['present', 'late', 'excused', 'absent'];
    for (const excusedCounts of [true, false]) {
      for (const a of all) for (const b of all) {
        if (countsAsAttended(a, { excusedCounts }) && !countsAsAttended(b, { excusedCounts })) expect(MARK_WEIGHT[a]).toBeGreaterThan(MARK_WEIGHT[b]);
      }
    }
    expect([...all].sort((a, b) => MARK_WEIGHT[b] - MARK_WEIGHT[a])).toEqual(['present', 'late', 'excused', 'absent']);
  });

  it('reads a scan time without an offset as Vietnam time and refuses a date without a time', () => {
    expect(scanTime('2025-09-25T07:40:00')?.toISOString()).toBe('2025-09-25T00:40:00.000Z');
    expect(scanTime('2025-09-25T07:40:00.250Z')?.toISOString()).toBe('2025-09-25T07:40:00.250Z');
    expect(scanTime('2025-09-25T07:40+07:00')?.toISOString()).toBe('2025-09-25T00:40:00.000Z');
    expect(scanTime('2025-09-25')).toBeNull();
    expect(scanTime('2025-09-25T25:99:00')).toBeNull();
  });
});
