import type { Role } from '../users/user.entity';

interface NavItem {
  href: string;
  label: string;
  active: boolean;
}

const ITEMS: { href: string; label: string; roles: Role[] }[] = [
  { href: '/', label: 'Trang chủ', roles: ['admin', 'organiser', 'lecturer'] },
  { href: '/sessions', label: 'Lớp tập huấn', roles: ['admin', 'organiser', 'lecturer'] },
  { href: '/portal', label: 'Lớp của tôi', roles: ['trainee'] },
  { href: '/reports', label: 'Báo cáo', roles: ['admin', 'organiser'] },
  { href: '/attendance/me', label: 'Điểm danh', roles: ['trainee'] },
  { href: '/trainees', label: 'Học viên', roles: ['admin', 'organiser'] },
  { href: '/questions', label: 'Hỏi đáp', roles: ['admin', 'organiser', 'lecturer'] },
  { href: '/reference', label: 'Danh mục', roles: ['admin', 'organiser'] },
  { href: '/audit', label: 'Nhật ký', roles: ['admin', 'organiser'] },
  { href: '/admin/users', label: 'Tài khoản', roles: ['admin'] },
];

/** The navigation of a role, with the current section marked. */
export function navFor(role: Role | undefined, path: string): NavItem[] {
  if (!role) return [];
  return ITEMS.filter((i) => i.roles.includes(role)).map((i) => ({
    href: i.href,
    label: i.label,
    active: i.href === '/' ? path === '/' : path === i.href || path.startsWith(i.href + '/'),
  }));
}

const STAFF: Role[] = ['admin', 'organiser', 'lecturer'];
const ORGANISERS: Role[] = ['admin', 'organiser'];

/** A session's sections; `:id` is the session. A trainee's questions are on the portal. */
/** `teachingOnly`: a lecturer sees the tab only in sessions where they teach a topic (it answers 403 elsewhere). */
const SESSION_TABS: { key: string; label: string; path: string; roles: Role[]; teachingOnly?: boolean }[] = [
  { key: 'overview', label: 'Tổng quan', path: '/sessions/:id', roles: [...STAFF, 'trainee'] },
  { key: 'agenda', label: 'Chương trình', path: '/sessions/:id/agenda', roles: [...STAFF, 'trainee'] },
  { key: 'enrollments', label: 'Học viên', path: '/sessions/:id/enrollments', roles: ORGANISERS },
  { key: 'attendance', label: 'Điểm danh', path: '/sessions/:id/attendance', roles: STAFF, teachingOnly: true },
  { key: 'questions', label: 'Hỏi đáp', path: '/sessions/:id/questions', roles: STAFF },
  { key: 'questions', label: 'Hỏi đáp', path: '/portal/sessions/:id/questions', roles: ['trainee'] },
  { key: 'certificates', label: 'Chứng nhận', path: '/sessions/:id/certificates', roles: ORGANISERS },
  { key: 'report', label: 'Báo cáo', path: '/sessions/:id/report', roles: ORGANISERS },
];

/**
 * The sections of a session page that a role may open (the others answer 403), with their addresses.
 * `teaching`: the viewer, a lecturer, teaches a topic of this session.
 */
export function sessionTabsFor(role: Role | undefined, sessionId: string, active: string, teaching = false): (NavItem & { key: string })[] {
  if (!role) return [];
  return SESSION_TABS.filter((t) => t.roles.includes(role) && !(t.teachingOnly && role === 'lecturer' && !teaching)).map((t) => ({ key: t.key, label: t.label, href: t.path.replace(':id', sessionId), active: t.key === active }));
}
