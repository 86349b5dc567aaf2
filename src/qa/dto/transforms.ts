import type { TransformFnParams } from 'class-transformer';
import { cleanText } from '../../common/text/vietnamese';
import { cleanMultiline } from '../qa-text';

/** '' (an empty select or input) → undefined; other strings trimmed. */
export const emptyToUndefined = ({ value }: TransformFnParams) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value);

/** Multi-line text cleaned (NFC, line breaks kept). */
export const multiline = ({ value }: TransformFnParams) => (typeof value === 'string' ? cleanMultiline(value) : value);

/** One-line text cleaned (NFC, single spaces). */
export const oneLine = ({ value }: TransformFnParams) => (typeof value === 'string' ? cleanText(value) : value);

/** A checkbox ('1', 'on', 'true') or a JSON boolean. */
export const checkbox = ({ value }: TransformFnParams) => value === true || value === '1' || value === 'on' || value === 'true';
