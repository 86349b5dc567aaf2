import { TestApp } from './app';
import { UsersService } from '../../src/users/users.service';
import { Role } from '../../src/users/user.entity';

let seq = 0;

/** Creates an account through the users service; returns its login and password. */
export async function createUser(t: TestApp, role: Role, extra: { fullName?: string; email?: string; phone?: string } = {}) {
  const n = ++seq;
  const email = extra.email ?? (extra.phone ? undefined : `${role}${n}.${Date.now().toString(36)}@test.local`);
  const password = `password-${role}-${n}`;
  const { user } = await t.app.get(UsersService).create({ fullName: extra.fullName ?? `Người dùng ${role} ${n}`, email, phone: extra.phone, role, password }, null);
  return { user, login: (email ?? extra.phone)!, password };
}
