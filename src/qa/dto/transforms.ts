import type { TransformFnParams } from 'class-transformer';
import { cleanMultiline } from '../qa-text';

export { emptyToUndefined, clean as oneLine } from '../../common/dto-transforms';

/** Multi-line text cleaned (NFC, line breaks kept). */
export const multiline = ({ value }: TransformFnParams) => (typeof value === 'string' ? cleanMultiline(value) : value);

/** A checkbox ('1', 'on', 'true') or a JSON boolean. */
export const checkbox = ({ value }: TransformFnParams) => value === true || value === '1' || value === 'on' || value === 'true';

/** '' (an empty select) → null, "none"; an absent field stays undefined, "unchanged". */
export const emptyToNull = ({ value }: TransformFnParams) => (typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value);

