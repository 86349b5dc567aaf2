import * as argon2 from 'argon2';

/** Argon2id hashing (OWASP parameters: 19 MiB, 2 passes). */
export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(hash: string | null, plain: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** A hash of nothing, verified against when the user does not exist (same timing). */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$WdMnmPyUjYy6N1u0Di4PKf8GJ1e7sCpTGcdDA4iZ1Jc';
