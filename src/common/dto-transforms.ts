import type { TransformFnParams } from 'class-transformer';
import { cleanText } from './text/vietnamese';

/** One-line text from a form: NFC, trimmed, single spaces (never re-cased); '' stays ''. */
export const clean = ({ value }: TransformFnParams | { value: unknown }) => (typeof value === 'string' ? cleanText(value) : value);

/** '' (an empty select or input) → undefined; other strings trimmed. */
export const emptyToUndefined = ({ value }: TransformFnParams | { value: unknown }) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value);

/** A form sends one value as a string and several as an array; none (or '') is an empty array. */
export const toArray = ({ value }: TransformFnParams | { value: unknown }) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value.filter((x) => x !== '') : [value]);
