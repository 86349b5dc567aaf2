import { ForbiddenException } from '@nestjs/common';
import type { AuthUser } from '../common/request-context';

/** Organisers and admins manage the whole Q&A log. */
export function managesQa(user: AuthUser): boolean {
  return user.role === 'admin' || user.role === 'organiser';
}

export function isStaff(user: AuthUser): boolean {
  return managesQa(user) || user.role === 'lecturer';
}

export function mustManage(user: AuthUser, message = 'Chỉ ban tổ chức được thực hiện thao tác này.'): void {
  if (!managesQa(user)) throw new ForbiddenException(message);
}

/** The trainee record behind a trainee account (403 when the account is not linked to one). */
export function traineeOf(user: AuthUser): string {
  if (user.role !== 'trainee' || !user.traineeId) throw new ForbiddenException('Tài khoản của bạn chưa được gắn với hồ sơ học viên.');
  return user.traineeId;
}
