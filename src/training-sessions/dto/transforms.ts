import { cleanText } from '../../common/text/vietnamese';

type V = { value: unknown };
/** NFC, trimmed, single spaces; '' stays '' (required fields then fail IsNotEmpty). */
export { clean, toArray } from '../../common/dto-transforms';
/** Like clean, but an empty string becomes undefined (optional fields). */
export const cleanOptional = ({ value }: V) => {
  if (typeof value !== 'string') return value;
  const v = cleanText(value);
  return v === '' ? undefined : v;
};
/** Multi-line text: NFC, control characters removed, lines kept. */
export const cleanMultiline = ({ value }: V) => {
  if (typeof value !== 'string') return value;
  const v = value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
  return v === '' ? undefined : v;
};
export const toIntOptional = ({ value }: V) => {
  if (value === '' || value === null || value === undefined) return undefined;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};
