import { randomBytes } from 'node:crypto';

/** An unguessable token for URLs and QR codes (192 bits, base64url). */
export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** `count` tokens from one read of the random source (a bulk enrolment asks for thousands at once). */
export function newTokens(count: number, bytes = 24): string[] {
  const pool = randomBytes(count * bytes);
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = pool.subarray(i * bytes, (i + 1) * bytes).toString('base64url');
  return out;
}
