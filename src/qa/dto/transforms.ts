import type { TransformFnParams } from 'class-transformer';
import { cleanMultiline } from '../qa-text';

export { emptyToUndefined, clean as oneLine } from '../../common/dto-transforms';

/** Multi-line text cleaned (NFC, line breaks kept). */
export const multiline = ({ value }: TransformFnParams) => (typeof value === 'string' ? cleanMultiline(value) : value);

/** A checkbox ('1', 'on', 'true') or a JSON boolean. */
export const checkbox = ({ value }: TransformFnParams) => value === true || value === '1' || value === 'on' || value === 'true';

/** '' (an empty select) → null, "none"; an absent field stays undefined, "unchanged". */
export const emptyToNull = ({ value }: TransformFnParams) => (typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value);

/** A JSON boolean, or its usual spellings in a form or query; anything else is left for @IsBoolean to refuse. */
export const strictBoolean = ({ value }: TransformFnParams) => {
  if (value === '1' || value === 'true' || value === 'on') return true;
  if (value === '0' || value === 'false' || value === 'off') return false;
  return value;
};
