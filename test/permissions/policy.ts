import type { Role } from '../../src/users/user.entity';

/**
 * Who may call each route. Keys are "METHOD /path" exactly as the router has
 * them. 'public': anyone, signed in or not; 'signed-in': any account; a list
 * of roles: those roles (admin always passes role checks). A route of the app
 * missing here fails the permissions test.
 *
 * `objectLevel`: the role may call the route, but only for records of its own
 * (its topics, its enrolments...): with someone else's record it gets 403 or
 * 404, which the matrix then accepts; the feature tests check those cases.
 */
export type Access = 'public' | 'signed-in' | Role[] | { roles: Role[]; objectLevel: true };

const STAFF: Role[] = ['organiser', 'lecturer'];
const ORG: Role[] = ['organiser'];
const ADMIN: Role[] = ['admin'];

export const POLICY: Record<string, Access> = {
  // API documentation (served by @nestjs/swagger)
  'GET /api/docs': 'public',
  'GET /api/docs/': 'public',
  'GET /api/docs/index.html': 'public',
  'GET /api/docs/LICENSE': 'public',
  'GET /api/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/openapi.json': 'public',
  'GET /api/docs-yaml': 'public',

  // foundation
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',
  'GET /health': 'public',
  'GET /': 'signed-in', // trainees are sent on to /portal
  'GET /account': 'signed-in',
  'POST /account/password': 'signed-in',
  'POST /account/api-token': 'signed-in',
  'GET /api/v1/me': 'signed-in',
  'GET /admin/users': ADMIN,
  'GET /admin/users/new': ADMIN,
  'POST /admin/users': ADMIN,
  'POST /admin/users/:id/role': ADMIN,
  'POST /admin/users/:id/disable': ADMIN,
  'POST /admin/users/:id/enable': ADMIN,

  // reference data (public facts)
  'GET /reference': 'public',
  'GET /reference/provinces/:code': 'public',
  'GET /reference/search': 'public',
  'GET /api/v1/reference/counts': 'public',
  'GET /api/v1/reference/provinces': 'public',
  'GET /api/v1/reference/provinces/:code/communes': 'public',
  'GET /api/v1/reference/communes': 'public',
  'GET /api/v1/reference/old-communes': 'public',
  'GET /api/v1/reference/old-provinces': 'public',
  'GET /api/v1/reference/ethnic-groups': 'public',
  'GET /api/v1/reference/conversion-issues': 'public',

  // training sessions, agenda, materials (trainees: only sessions they are enrolled in, checked by the service)
  'GET /sessions': STAFF,
  'GET /sessions/new': ORG,
  'POST /sessions': ORG,
  'GET /sessions/:id': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /sessions/:id/edit': ORG,
  'POST /sessions/:id': ORG,
  'POST /sessions/:id/status': ORG,
  'POST /sessions/:id/clone': ORG,
  'GET /sessions/:id/calendar.ics': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /sessions/:id/agenda.pdf': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /sessions/:id/offline.zip': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /sessions/:id/agenda': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /sessions/:id/sittings': STAFF,
  'POST /sessions/:id/sittings': ORG,
  'POST /sessions/:id/sittings/:sittingId': ORG,
  'POST /sessions/:id/sittings/:sittingId/delete': ORG,
  'GET /sessions/:id/topics/new': ORG,
  'POST /sessions/:id/topics': ORG,
  'GET /sessions/:id/topics/:topicId': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'POST /sessions/:id/topics/:topicId': ORG,
  'POST /sessions/:id/topics/:topicId/delete': ORG,
  'POST /sessions/:id/topics/:topicId/materials': { roles: STAFF, objectLevel: true },
  'GET /sessions/:id/materials/:materialId': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'GET /programme': 'public',
  'GET /programme/:id': 'public',
  'GET /api/v1/sessions': 'signed-in',
  'POST /api/v1/sessions': ORG,
  'GET /api/v1/sessions/:id': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'PATCH /api/v1/sessions/:id': ORG,
  'POST /api/v1/sessions/:id/status': ORG,
  'POST /api/v1/sessions/:id/clone': ORG,
  'GET /api/v1/sessions/:id/sittings': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'POST /api/v1/sessions/:id/sittings': ORG,
  'PATCH /api/v1/sittings/:sittingId': ORG,
  'DELETE /api/v1/sittings/:sittingId': ORG,
  'GET /api/v1/sessions/:id/topics': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'POST /api/v1/sessions/:id/topics': ORG,
  'GET /api/v1/topics/:topicId': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'PATCH /api/v1/topics/:topicId': ORG,
  'DELETE /api/v1/topics/:topicId': ORG,
  'GET /api/v1/topics/:topicId/materials': { roles: [...STAFF, 'trainee'], objectLevel: true },
  'POST /api/v1/topics/:topicId/materials': { roles: STAFF, objectLevel: true },
  'GET /api/v1/materials/:materialId/download': { roles: [...STAFF, 'trainee'], objectLevel: true },

  // trainees, enrolment, import, portal
  'GET /trainees': ORG,
  'GET /trainees/new': ORG,
  'POST /trainees': ORG,
  'GET /trainees/:id': ORG,
  'GET /trainees/:id/edit': ORG,
  'POST /trainees/:id': ORG,
  'POST /trainees/:id/merge': ORG,
  'GET /api/v1/trainees': ORG,
  'GET /api/v1/trainees/:id': ORG,
  'GET /sessions/:sessionId/enrollments': ORG,
  'POST /sessions/:sessionId/enrollments': ORG,
  'POST /sessions/:sessionId/enrollments/invitations': ORG,
  'POST /sessions/:sessionId/enrollments/:id/cancel': ORG,
  'POST /sessions/:sessionId/enrollments/:id/confirm': ORG,
  'POST /sessions/:sessionId/enrollments/:id/account': ORG,
  'POST /sessions/:sessionId/enrollments/:id/slip': ORG,
  'GET /sessions/:sessionId/import': ORG,
  'POST /sessions/:sessionId/import': ORG,
  'GET /import/:id/mapping': ORG,
  'POST /import/:id/mapping': ORG,
  'GET /import/:id/preview': ORG,
  'POST /import/:id/resolve': ORG,
  'POST /import/:id/commit': ORG,
  'GET /import/:id/errors.xlsx': ORG,
  'GET /portal': { roles: ['trainee'], objectLevel: true }, // an account not linked to a trainee record gets 403
  'GET /portal/sessions/:id': { roles: ['trainee'], objectLevel: true },
  'GET /portal/activate': 'public',
  'POST /portal/activate': 'public',

  // attendance
  'POST /api/v1/attendance/scan': ORG,
  'POST /api/v1/attendance/batch': ORG,
  'GET /api/v1/attendance/sessions/:sessionId/sittings/:sittingId/roster': ORG,
  'GET /api/v1/attendance/sessions/:sessionId/self-code': ORG,
  'POST /api/v1/attendance/self': { roles: ['trainee'], objectLevel: true },
  'GET /sessions/:id/attendance': STAFF,
  'GET /sessions/:id/sittings/:sittingId/roster': STAFF,
  'POST /sessions/:id/sittings/:sittingId/roster': ORG,
  'GET /sessions/:id/checkin': ORG,
  'GET /sessions/:id/self-checkin/display': ORG,
  'GET /sessions/:id/attendance/export.xlsx': STAFF,
  'GET /sessions/:id/attendance/export.csv': STAFF,
  'GET /sessions/:id/attendance/export.pdf': STAFF,
  'GET /sessions/:id/badges.pdf': ORG,
  'GET /sessions/:id/sittings/:sittingId/sign-in-sheet.pdf': ORG,
  'GET /attendance/me': { roles: ['trainee'], objectLevel: true }, // an account not linked to a trainee record gets 403
  'POST /attendance/me/self-checkin': { roles: ['trainee'], objectLevel: true },
  'GET /checkin/t/:token': 'public',
  'GET /checkin-sw.js': 'public',
  'GET /assets/vendor/:file': 'public',

  // reports
  'GET /sessions/:id/report': ORG,
  'GET /sessions/:id/report.xlsx': ORG,
  'GET /sessions/:id/report.pdf': ORG,
  'GET /sessions/:id/report/tables/:table.xlsx': ORG,
  'GET /sessions/:id/report/charts/:chart.svg': ORG,
  'GET /reports': ORG,
  'GET /reports/dashboard.xlsx': ORG,
  'GET /reports/dashboard.pdf': ORG,
  'GET /reports/tables/:table.xlsx': ORG,
  'GET /reports/charts/:chart.svg': ORG,
  'GET /api/v1/reports/sessions/:id': ORG,
  'GET /api/v1/reports/dashboard': ORG,
};
