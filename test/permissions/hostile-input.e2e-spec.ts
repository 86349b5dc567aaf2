import fc from 'fast-check';
import { ADMIN, bootApp, TestApp } from '../support/app';
import { createSessionFixture } from '../support/fixtures';
import { csrfFrom, login } from '../support/http';
import { POLICY } from './policy';

/**
 * Random and malicious values posted to every form and API route (as the
 * admin, who passes every role check, so the input reaches validation):
 * huge strings, wrong types, prototype-pollution keys, SQL/HTML/script
 * fragments, lone surrogates (invalid UTF-8 on the wire), NFD text. The app
 * must answer every one without a server error.
 */
const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '../../../../etc/passwd',
  '\u0000\u0001\u001f',
  '\ud800',
  'Nguyễn Thị Hà'.normalize('NFD'),
  'x'.repeat(100_000),
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  '2025-02-31',
  'null',
];

const value = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'), fc.string({ maxLength: 10 })),
);

const FIELD_NAMES = ['fullName', 'email', 'phone', 'role', 'password', 'title', 'q', 'name', 'text', 'status', 'date', 'startDate', 'endDate', 'capacity', 'reason', 'login', 'next', '__proto__', 'constructor'];

const body = fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 8 });

/** class-validator's English ("q must be a string", "property x should not exist") never reaches the user. */
function refusedInVietnamese(res: { status: number; text: string }, input: unknown): void {
  const english = res.status >= 400 && res.text.match(/\b\S+ (must|should) (not )?(be|exist|contain|match)\b[^"<]*/);
  if (english) throw new Error(`${res.status} in English for ${JSON.stringify(input).slice(0, 300)}: ${english[0].slice(0, 200)}`);
}

describe('hostile input on every route', () => {
  let t: TestApp;
  let agent: ReturnType<TestApp['agent']>;
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    t = await bootApp({ LOGIN_RATE_LIMIT: '10000' });
    sessionId = (await createSessionFixture(t)).session.id;
    agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    token = csrfFrom((await agent.get('/account')).text);
  });
  afterAll(async () => {
    await t.close();
  });

  const routes = Object.keys(POLICY)
    .map((k) => k.split(' ') as [string, string])
    .filter(([, path]) => !path.startsWith('/api/docs') && path !== '/logout');
  const fill = (path: string) => path.replace(/:(id|sessionId)\b/g, () => sessionId).replace(/:\w+/g, 'x');

  it.each(routes.filter(([m]) => m !== 'GET'))('%s %s never answers 500 to hostile forms or JSON', async (m, path) => {
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (fields, asJson) => {
        const req = agent[m.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](fill(path)).set('x-csrf-token', token);
        const res = asJson ? await req.set('content-type', 'application/json').send(JSON.stringify(fields)) : await req.type('form').send(fields as Record<string, string>);
        if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(fields).slice(0, 300)}: ${res.text.slice(0, 300)}`);
        refusedInVietnamese(res, fields);
      }),
      { numRuns: 12, seed: 20251125 },
    );
    // The session survived every attempt.
    expect((await agent.get('/api/v1/me')).status).toBe(200);
  });

  it.each(routes.filter(([m]) => m === 'GET'))('%s %s never answers 500 to hostile query strings', async (_m, path) => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('q', 'page', 'from', 'to', 'province', 'preset', 'role', 'district', 'limit', '__proto__'), fc.oneof(fc.constantFrom(...NASTY.filter((s) => s.length < 1000)), fc.string({ maxLength: 50 }))), async (query) => {
        const res = await agent.get(fill(path)).query(query).redirects(0);
        if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(query)}: ${res.text.slice(0, 300)}`);
        refusedInVietnamese(res, query);
      }),
      { numRuns: 8, seed: 20251125 },
    );
  });

  it('does not let prototype-pollution keys reach objects', async () => {
    await agent.post('/admin/users').set('x-csrf-token', token).set('content-type', 'application/json').send('{"__proto__":{"polluted":true},"fullName":"A","email":"p@x.vn","role":"organiser"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
