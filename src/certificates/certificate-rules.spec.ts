import { dateLine, evaluateEligibility, formatSerial, newVerificationCode, normaliseVerificationCode, requiredSittings, validateSerialFormat, VERIFICATION_CODE_RE } from './certificate-rules';
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
