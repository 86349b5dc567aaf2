import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import { CookieClient, seedEnrolments, seedTodaysSitting, startAppProcess, AppProcess } from '../support/processes';
import { adminQuery, withDatabase } from '../support/db';

/**
 * PostgreSQL restarted in the middle of a run of check-ins: the app recovers
 * without a restart of its own, answers 503 (not 500) while the database is
 * away, and every check-in it acknowledged is in the database afterwards.
 * PostgreSQL stopped while a signed-in organiser browses: the session store
 * fails first, and that too is a 503 with Retry-After, not Express's 500.
 * Needs root and Debian's pg_ctlcluster (as on CI); skipped elsewhere.
 */
const ADMIN_URL = process.env.DATABASE_URL;
const version = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql')[0] : undefined;
const canRestart = !!ADMIN_URL && !!version && process.getuid?.() === 0;
const pgCtl = (...args: string[]) => promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', ...args]);
(canRestart ? describe : describe.skip)('faults: PostgreSQL restarted during check-ins', () => {
  const name = `faults_${process.pid}`;
  const url = ADMIN_URL ? withDatabase(ADMIN_URL, name) : '';
  let app: AppProcess;

  beforeAll(async () => {
    await adminQuery(ADMIN_URL!, `CREATE DATABASE "${name}"`);
    app = await startAppProcess({ DATABASE_URL: url, ADMIN_EMAIL: 'admin@faults.local', ADMIN_PASSWORD: 'faults-password', LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await app?.stop();
    await adminQuery(ADMIN_URL!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('recovers by itself and loses no acknowledged mark', async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    const { sessionId, sittingId } = await seedTodaysSitting(c, 'Lớp thử sự cố');
    const enrollments = await seedEnrolments(c, sessionId, 40);
    await c.end();

    // An organiser's API token (Bearer: no session store on the hot path).
    const client = new CookieClient(app.url);
    expect((await client.postForm('/login', { login: 'admin@faults.local', password: 'faults-password' })).status).toBe(303);
    const tokenPage = await client.postForm('/account/api-token', {}, '/account');
    const apiToken = (await tokenPage.text()).match(/id="api-token">([^<]+)</)![1];

    const acknowledged = new Set<string>();
    const statuses = new Map<number, number>();
    const scan = async (token: string) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const res = await fetch(`${app.url}/api/v1/attendance/scan`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token, sittingId: sittingId }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.ok) {
          acknowledged.add(token);
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    // The restart runs while the scans go on (asynchronously, so the scans keep hitting the app).
    const restart = new Promise((r) => setTimeout(r, 300)).then(() => pgCtl('restart', '-m', 'fast'));
    // Scan every trainee, and keep scanning (a repeat scan is harmless) until the restart is over.
    let restarted = false;
    void restart.then(() => (restarted = true));
    for (let round = 0; round === 0 || (!restarted && round < 50); round++) {
      for (const e of enrollments) await scan(e.checkin_token);
    }
    await restart;
    // The outage was met (answered 503 while the database was away), and not as a server error.
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);

    expect(statuses.get(500)).toBeUndefined();
    expect(acknowledged.size).toBe(enrollments.length);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const d = new Client({ connectionString: url });
    await d.connect();
    const { rows: [{ n }] } = await d.query(`SELECT count(*)::int AS n FROM attendance_marks WHERE sitting_id = $1`, [sittingId]);
    await d.end();
    expect(n).toBe(enrollments.length);
  });

  it('answers a signed-in page 503 (not 500) while the session store cannot reach PostgreSQL, and serves it again afterwards', async () => {
    const client = new CookieClient(app.url);
    expect((await client.postForm('/login', { login: 'admin@faults.local', password: 'faults-password' })).status).toBe(303);
    expect((await client.request('/sessions')).status).toBe(200);

    await pgCtl('stop', '-m', 'fast');
    let page: Response;
    let api: Response;
    try {
      // With a session cookie the first thing a request needs is the session store (connect-pg-simple).
      page = await client.request('/sessions', { headers: { accept: 'text/html' } });
      api = await client.request('/api/v1/sessions', { headers: { accept: 'application/json' } });
    } finally {
      await pgCtl('start');
    }
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Cơ sở dữ liệu tạm thời không khả dụng. Vui lòng thử lại sau ít phút.');
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await api.json()).toMatchObject({ statusCode: 503, message: 'Cơ sở dữ liệu tạm thời không khả dụng. Vui lòng thử lại sau ít phút.' });
    expect(app.output()).toMatch(/database unavailable/);

    // Back without restarting the app, and the same session is still signed in.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await client.request('/sessions')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 300));
    }
    expect(status).toBe(200);
  });
});
