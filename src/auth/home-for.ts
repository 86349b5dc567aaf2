import type { Role } from '../users/user.entity';

/** Where a user lands after signing in. */
export function homeFor(role: Role): string {
  return role === 'trainee' ? '/portal' : '/';
}
