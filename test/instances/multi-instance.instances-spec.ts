import { Client } from 'pg';
import { CookieClient, startAppProcess, AppProcess } from '../support/processes';
import { adminQuery, withDatabase } from '../support/db';

/**
 * Two app processes (as `npm start` runs them) on different ports against one
 * PostgreSQL database, started at the same moment.
 */
const ADMIN_URL = process.env.DATABASE_URL;
const describeOnPg = ADMIN_URL ? describe : describe.skip;

describeOnPg('several instances on one PostgreSQL', () => {
  const name = `instances_${process.pid}`;
  const url = ADMIN_URL ? withDatabase(ADMIN_URL, name) : '';
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    await adminQuery(ADMIN_URL!, `CREATE DATABASE "${name}"`);
    const env = { DATABASE_URL: url, ADMIN_EMAIL: 'admin@instances.local', ADMIN_PASSWORD: 'instances-password' };
    [a, b] = await Promise.all([startAppProcess(env), startAppProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await adminQuery(ADMIN_URL!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('migrate once when started together, and create one admin', async () => {
    const applied = [a, b].map((p) => /Applied migrations/.test(p.output()));
    expect(applied.filter(Boolean)).toHaveLength(1);
    const c = new Client({ connectionString: url });
    await c.connect();
    const { rows: migrations } = await c.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
    expect(migrations.every((m) => m.n === 1)).toBe(true);
    const { rows: admins } = await c.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
    expect(admins[0].n).toBe(1);
    await c.end();
  });

  it('accept a login made on one instance on the other', async () => {
    const client = new CookieClient(a.url);
    const res = await client.postForm('/login', { login: 'admin@instances.local', password: 'instances-password' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const onB = await client.use(b.url).request('/admin/users');
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain('admin@instances.local');
    // A form token issued by B is accepted by A (the session, with its token, is shared).
    const created = await client.postForm('/admin/users', { fullName: 'Tạo trên A', email: 'tao-tren-a@instances.local', role: 'organiser', password: 'organiser-pass' }, '/admin/users/new');
    expect(created.status).toBe(303);
    const listOnA = await client.use(a.url).request('/admin/users');
    expect(await listOnA.text()).toContain('tao-tren-a@instances.local');
  });

  it('share the login rate limit', async () => {
    const client = new CookieClient(a.url);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      client.use(i % 2 ? b.url : a.url);
      statuses.push((await client.postForm('/login', { login: 'victim@instances.local', password: `guess-${i}` })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
