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
