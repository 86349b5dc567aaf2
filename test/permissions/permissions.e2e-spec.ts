import { randomUUID } from 'node:crypto';
import { ADMIN, bootApp, TestApp } from '../support/app';
import { createUser } from '../support/factories';
import { createSessionFixture } from '../support/fixtures';
import { csrfFrom, login } from '../support/http';
import { Role } from '../../src/users/user.entity';
import { Access, POLICY } from './policy';

type Actor = 'anonymous' | Role;
const ACTORS: Actor[] = ['anonymous', 'trainee', 'lecturer', 'organiser', 'admin'];

interface Route {
  method: string;
  path: string;
}

/** Every route the running app serves, read from the Express router Nest built. */
function routesOf(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance();
  const stack = (express.router ?? express._router).stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  return stack
    .filter((l) => l.route)
    .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })));
}

function allows(access: Access, actor: Actor): boolean {
  if (access === 'public') return true;
  if (actor === 'anonymous') return false;
  if (access === 'signed-in') return true;
  const roles = Array.isArray(access) ? access : access.roles;
  return actor === 'admin' || roles.includes(actor);
}

describe('permissions matrix (every route × anonymous, trainee, lecturer, organiser, admin)', () => {
  let t: TestApp;
  let sessionId: string;
  const agents = new Map<Actor, ReturnType<TestApp['agent']>>();
  const tokens = new Map<Actor, string>();

  beforeAll(async () => {
    t = await bootApp({ LOGIN_RATE_LIMIT: '1000' });
    sessionId = (await createSessionFixture(t)).session.id;
    for (const actor of ACTORS) {
      const agent = t.agent();
      if (actor === 'admin') await login(agent, ADMIN.email, ADMIN.password);
      else if (actor !== 'anonymous') {
        const u = await createUser(t, actor);
        await login(agent, u.login, u.password);
      }
      const page = await agent.get(actor === 'anonymous' ? '/login' : '/account');
      tokens.set(actor, csrfFrom(page.text));
      agents.set(actor, agent);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('declares a policy for every route, and no policy for a route that does not exist', () => {
    const routes = routesOf(t).map((r) => `${r.method} ${r.path}`);
    const undeclared = routes.filter((r) => !(r in POLICY));
    expect(undeclared).toEqual([]);
    const stale = Object.keys(POLICY).filter((k) => !routes.includes(k));
    expect(stale).toEqual([]);
  });

  it('enforces the policy for each actor, and never answers 500', async () => {
    const failures: string[] = [];
    for (const route of routesOf(t)) {
      const access = POLICY[`${route.method} ${route.path}`];
      if (!access) continue;
      const path = route.path
        .replace(/:sessionId\b/g, sessionId)
        .replace(/:id\b/g, route.path.startsWith('/sessions/:id') ? sessionId : randomUUID())
        .replace(/:code\b/g, '12')
        .replace(/:table\b/g, 'gender')
        .replace(/:chart\b/g, 'gender')
        .replace(/:(\w+)/g, randomUUID());
      for (const actor of ACTORS) {
        if (route.path === '/logout' || route.path === '/login') continue; // would end the actor's session; covered in foundation tests
        const agent = agents.get(actor)!;
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const req = method === 'get' ? agent.get(path) : agent[method](path).set('x-csrf-token', tokens.get(actor)!).type('form').send({});
        const res = await req.redirects(0);
        const toLogin = res.status === 303 && String(res.headers.location).startsWith('/login');
        const refused = res.status === 401 || res.status === 403 || toLogin;
        const label = `${route.method} ${path.replace(sessionId, ':session')} as ${actor}: ${res.status}`;
        if (res.status >= 500) failures.push(`${label} (server error)`);
        else if (allows(access, actor)) {
          const objectLevel = typeof access === 'object' && !Array.isArray(access);
          if (refused && !(objectLevel && res.status === 403)) failures.push(`${label} (should be allowed)`);
        } else if (actor === 'anonymous') {
          if (!(res.status === 401 || toLogin)) failures.push(`${label} (anonymous should be sent to log in)`);
        } else if (res.status !== 403) failures.push(`${label} (should be 403)`);
      }
    }
    expect(failures).toEqual([]);
  });
});
