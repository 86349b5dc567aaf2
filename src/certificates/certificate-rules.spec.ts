import { countsAsAttended, evaluateEligibility, requiredSittings } from '../attendance/eligibility';
import { dateLine, formatSerial, newVerificationCode, normaliseVerificationCode, validateSerialFormat, VERIFICATION_CODE_RE } from './certificate-rules';
import { randomBytes } from 'node:crypto';

describe('certificate rules', () => {
  it('rounds the required sittings up', () => {
    expect(requiredSittings(8, 80)).toBe(7);
    expect(requiredSittings(10, 80)).toBe(8);
    expect(requiredSittings(4, 100)).toBe(4);
    expect(requiredSittings(4, 0)).toBe(0);
  });

  it('counts present and late, and excused only when the rule says so', () => {
    const t = { sittings: 8, present: 4, late: 1, excused: 2 };
    const strict = evaluateEligibility(t, { minAttendancePercent: 80, excusedCounts: false });
    expect(strict).toMatchObject({ eligible: false, attended: 5, required: 7, reason: 'Có mặt 5/8 buổi, cần 7' });
    const lenient = evaluateEligibility(t, { minAttendancePercent: 80, excusedCounts: true });
    expect(lenient.eligible).toBe(true);
    expect(lenient.reason).toBe('Đủ điều kiện: có mặt 7/8 buổi (tính cả 2 buổi vắng có phép), cần 7');
  });

  it('refuses when the session has no sittings', () => {
    expect(evaluateEligibility({ sittings: 0, present: 0, late: 0, excused: 0 }, { minAttendancePercent: 0, excusedCounts: false }).eligible).toBe(false);
  });

  describe('with required topics', () => {
    // 8 sittings s1..s8; topic 2 is taught in s3, topic 5 in s6, topic 7 is not scheduled yet.
    const topics = [
      { id: 't2', title: 'Chuyên đề 2 – Quản lý tài chính xã', sittingId: 's3' },
      { id: 't5', title: 'Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư', sittingId: 's6' },
      { id: 't7', title: 'Chuyên đề 7 – Chưa xếp lịch', sittingId: null },
    ];
    const rule = { minAttendancePercent: 80, excusedCounts: false, requiredTopics: topics };
    const sittings = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
    /** A tally with its marks: every sitting present except those given. */
    const tally = (others: Record<string, 'late' | 'excused' | 'absent' | null>) => {
      const marks: Record<string, 'present' | 'late' | 'excused' | 'absent'> = {};
      for (const s of sittings) if (others[s] !== null) marks[s] = others[s] ?? 'present';
      const count = (st: string) => Object.values(marks).filter((m) => m === st).length;
      return { sittings: 8, present: count('present'), late: count('late'), excused: count('excused'), marks };
    };

    it('is eligible when the share is met and every scheduled required topic was attended (late counts)', () => {
      const e = evaluateEligibility(tally({ s3: 'late', s8: 'absent' }), rule);
      expect(e).toMatchObject({ eligible: true, attended: 7, required: 7, missingTopics: [] });
      expect(e.reason).toBe('Đủ điều kiện: có mặt 7/8 buổi, cần 7; dự đủ 2 chuyên đề bắt buộc');
    });

    it('names the missing topic even when the share is met', () => {
      const e = evaluateEligibility(tally({ s3: 'absent' }), rule);
      expect(e.eligible).toBe(false);
      expect(e.missingTopics).toEqual([{ id: 't2', title: 'Chuyên đề 2 – Quản lý tài chính xã' }]);
      expect(e.reason).toBe('Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã');
    });

    it('gives both reasons, every missing topic in agenda order, an unmarked sitting counting as missed', () => {
      const e = evaluateEligibility(tally({ s1: 'absent', s2: 'absent', s3: null, s6: 'absent' }), rule);
      expect(e.eligible).toBe(false);
      expect(e.reason).toBe('Có mặt 4/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã; Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư');
    });

    it('counts an excused absence at a topic’s sitting only when excused absences count', () => {
      const t = tally({ s6: 'excused' });
      const strict = evaluateEligibility(t, rule);
      expect(strict.eligible).toBe(false);
      expect(strict.reason).toBe('Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư');
      const lenient = evaluateEligibility(t, { ...rule, excusedCounts: true });
      expect(lenient.eligible).toBe(true);
      expect(lenient.reason).toBe('Đủ điều kiện: có mặt 8/8 buổi (tính cả 1 buổi vắng có phép), cần 7; dự đủ 2 chuyên đề bắt buộc');
    });

    it('does not count a topic that is not scheduled, and reads as before without required topics', () => {
      const onlyUnscheduled = { ...rule, requiredTopics: [topics[2]] };
      expect(evaluateEligibility(tally({}), onlyUnscheduled).reason).toBe('Đủ điều kiện: có mặt 8/8 buổi, cần 7');
      expect(evaluateEligibility(tally({}), { ...rule, requiredTopics: [] }).reason).toBe('Đủ điều kiện: có mặt 8/8 buổi, cần 7');
      // No marks given at all (a caller without them): a scheduled topic counts as missed, never as attended.
      expect(evaluateEligibility({ sittings: 8, present: 8, late: 0, excused: 0 }, rule).eligible).toBe(false);
    });

    it('says what counts as attended', () => {
      expect(['present', 'late', 'excused', 'absent', undefined].map((s) => countsAsAttended(s as never, { excusedCounts: false }))).toEqual([true, true, false, false, false]);
      expect(countsAsAttended('excused', { excusedCounts: true })).toBe(true);
    });
  });

  it('formats serials and checks formats', () => {
    expect(formatSerial('{n}/{year}/GCN-BNV', 123, 2025)).toBe('123/2025/GCN-BNV');
    expect(formatSerial('GCN-{year}-{n:5}', 7, 2025)).toBe('GCN-2025-00007');
    expect(validateSerialFormat('{n}/{year}/GCN-BNV')).toBeNull();
    expect(validateSerialFormat('{year}/GCN')).toMatch(/\{n\}/);
    expect(validateSerialFormat('{n}/{n}')).toMatch(/\{n\}/);
    expect(validateSerialFormat('{n}/{month}')).toMatch(/chỉ dùng/);
  });

  it('writes the administrative date line', () => {
    expect(dateLine('Lai Châu', '2025-09-25')).toBe('Lai Châu, ngày 25 tháng 9 năm 2025');
  });

  it('makes codes of the verification shape and normalises typed ones', () => {
    const c = newVerificationCode(randomBytes);
    expect(c).toMatch(VERIFICATION_CODE_RE);
    expect(normaliseVerificationCode(c.toLowerCase().replace(/(.{5})/g, '$1-'))).toBe(c.replace(/-/g, ''));
    expect(normaliseVerificationCode('x'.repeat(10_000))).toBeNull();
    expect(normaliseVerificationCode("' OR 1=1 --")).toBeNull();
  });
});
