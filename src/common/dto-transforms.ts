import type { TransformFnParams } from 'class-transformer';
import { cleanText } from './text/vietnamese';

/** One-line text from a form: NFC, trimmed, single spaces (never re-cased); '' stays ''. */
export const clean = ({ value }: TransformFnParams | { value: unknown }) => (typeof value === 'string' ? cleanText(value) : value);

/** '' (an empty select or input) → undefined; other strings trimmed. */
export const emptyToUndefined = ({ value }: TransformFnParams | { value: unknown }) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value);

/** A form sends one value as a string and several as an array; none (or '') is an empty array. */
export const toArray = ({ value }: TransformFnParams | { value: unknown }) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value.filter((x) => x !== '') : [value]);

/**
 * A checkbox ("on" when ticked) or a JSON boolean, with the usual spellings in a form, a query or JSON
 * ('1'/'0', 'true'/'false', 'on'/'off'); '' or nothing is undefined (not sent); anything else is left for
 * @IsBoolean to refuse.
 */
export const toBooleanOptional = ({ value }: TransformFnParams | { value: unknown }) => {
  if (value === '' || value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['on', 'true', '1'].includes(v)) return true;
    if (['off', 'false', '0'].includes(v)) return false;
  }
  return value;
};
