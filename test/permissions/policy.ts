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

  // training sessions
  'GET /sessions': STAFF,
  'GET /sessions/:id': STAFF,

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
