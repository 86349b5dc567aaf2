import { randomBytes } from 'node:crypto';

/** An unguessable token for URLs and QR codes (192 bits, base64url). */
export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
