/** Normalises a Vietnamese phone number to its national form (0xxxxxxxxx); null if it is not one. */
export function normalisePhone(raw: string): string | null {
  const compact = raw.replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  let digits = compact.replace(/^\+/, '');
  if (digits.startsWith('84') && digits.length === 11) digits = '0' + digits.slice(2);
  if (!/^0\d{9}$/.test(digits)) return null;
  return digits;
}
