/**
 * Normalises a Vietnamese phone number to its national form; null if it is not one. A mobile number has 10 digits
 * (0xxxxxxxxx); a landline, since 2017, 11 (02 + area code + subscriber: a commune office's 0213 3876 543).
 * "+84" or "84" in front stands for the 0.
 */
export function normalisePhone(raw: string): string | null {
  const compact = raw.replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  let digits = compact.replace(/^\+/, '');
  if (digits.startsWith('84') && (digits.length === 11 || (digits.length === 12 && digits[2] === '2'))) digits = '0' + digits.slice(2);
  if (!/^0\d{9}$/.test(digits) && !/^02\d{9}$/.test(digits)) return null;
  return digits;
}

/** What `normalisePhone` accepts, for messages. */
export const PHONE_RULE = 'di động 10 chữ số, cố định 11 chữ số, bắt đầu bằng 0';
