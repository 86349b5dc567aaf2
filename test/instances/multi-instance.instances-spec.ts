import { Client } from 'pg';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieClient, seedTodaysSitting, startAppProcess, AppProcess } from '../support/processes';
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
  const dirs = [mkdtempSync(join(tmpdir(), 'taphuan-a-')), mkdtempSync(join(tmpdir(), 'taphuan-b-'))];

  beforeAll(async () => {
    await adminQuery(ADMIN_URL!, `CREATE DATABASE "${name}"`);
    const env = { DATABASE_URL: url, ADMIN_EMAIL: 'admin@instances.local', ADMIN_PASSWORD: 'instances-password', PUBLIC_URL: 'https://taphuan.example.vn' };
    [a, b] = await Promise.all([startAppProcess({ ...env, DATA_DIR: dirs[0] }), startAppProcess({ ...env, DATA_DIR: dirs[1] })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await adminQuery(ADMIN_URL!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
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

  it('send a queued invitation once, and see on one instance a check-in made on the other', async () => {
    // Today's sitting around the current time in Vietnam, a trainee with an address.
    const c = new Client({ connectionString: url });
    await c.connect();
    const { sessionId, sittingId } = await seedTodaysSitting(c, 'Lớp hai máy chủ');
    const { rows: [trainee] } = await c.query(
      `INSERT INTO trainees (full_name, name_search, gender, commune_code, province_code, email)
       VALUES ('Lò Thị Hai Máy', 'lo thi hai may', 'female', '03394', '12', 'hai.may@example.vn') RETURNING id`,
    );

    const client = new CookieClient(a.url);
    expect((await client.postForm('/login', { login: 'admin@instances.local', password: 'instances-password' })).status).toBe(303);
    const enrol = await client.postForm(`/sessions/${sessionId}/enrollments`, { traineeIds: trainee.id });
    expect(enrol.status).toBe(303);

    // Both instances work the queue; the invitation goes out once.
    const mails = () => dirs.flatMap((d) => (existsSync(join(d, 'mail')) ? readdirSync(join(d, 'mail')).map((f) => readFileSync(join(d, 'mail', f), 'utf8')) : []));
    for (let i = 0; i < 100 && mails().length === 0; i++) await new Promise((r) => setTimeout(r, 300));
    await new Promise((r) => setTimeout(r, 3000));
    expect(mails().filter((m) => m.includes('hai.may@example.vn'))).toHaveLength(1);

    // A scan on A, then the same QR on B: B answers that it was already checked in.
    const { rows: [enrollment] } = await c.query(`SELECT checkin_token FROM enrollments WHERE session_id = $1`, [sessionId]);
    const token = await client.csrf('/account');
    const scan = (base: string) =>
      client.use(base).request('/api/v1/attendance/scan', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ token: `https://taphuan.example.vn/checkin/t/${enrollment.checkin_token}`, sittingId: sittingId }),
      });
    const first = await scan(a.url);
    expect(first.status).toBeLessThan(300);
    expect((await first.json()).outcome).toBe('recorded');
    const second = await scan(b.url);
    expect(second.status).toBeLessThan(300);
    expect((await second.json()).outcome).toBe('already');
    const { rows: marks } = await c.query(`SELECT count(*)::int AS n FROM attendance_marks WHERE sitting_id = $1`, [sittingId]);
    expect(marks[0].n).toBe(1);
    await c.end();
  });
});
