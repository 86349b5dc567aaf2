import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { ADMIN, bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture } from './support/fixtures';
import { csrfFrom, login } from './support/http';

describe('cookies behind a TLS-terminating proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ TRUST_PROXY: 'true', PUBLIC_URL: 'https://taphuan.example.vn' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks the session cookie Secure when the proxy says the request came over HTTPS', async () => {
    const agent = t.agent();
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const first = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('taphuan.sid='))!;
    expect(first).toMatch(/; Secure/i);
    // The test client speaks plain HTTP to the app, so it hands the Secure cookie back by hand, as the proxy would.
    const res = await agent
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', first.split(';')[0])
      .type('form')
      .send({ login: ADMIN.email, password: ADMIN.password, _csrf: csrfFrom(page.text) })
      .expect(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('taphuan.sid='))!;
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('does not mark it Secure over plain HTTP (a venue LAN without TLS)', async () => {
    const page = await t.agent().get('/login').expect(200);
    const cookie = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('taphuan.sid='))!;
    expect(cookie).not.toMatch(/; Secure/i);
  });
});

describe('a message shown after a redirect', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // Holds a row lock from a second connection: the embedded database serves one connection (see isEmbeddedUrl).
  (process.env.DATABASE_URL ? it : it.skip)('is saved before the redirect is sent: a browser follows a redirect as soon as its headers arrive', async () => {
    const organiser = await createUser(t, 'organiser');
    const agent = t.agent();
    await login(agent, organiser.login, organiser.password);
    const { session } = await createSessionFixture(t);
    const page = await agent.get(`/sessions/${session.id}/import`).expect(200);
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const cookieHeader = cookieOf(agent);
    const sid = decodeURIComponent(cookieHeader.split('=')[1]).slice(2).split('.')[0];
    // Hold the session row: the upload's session save waits until we let go.
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT sid FROM http_sessions WHERE sid = $1 FOR UPDATE', [sid]);
      const boundary = 'taphuan-test-boundary';
      const body = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="danh-sach.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\nnot a spreadsheet\r\n--${boundary}--\r\n`,
      );
      const headersAt = new Promise<{ at: number; status: number; location: string }>((resolve, reject) => {
        const req = request(
          { port, host: '127.0.0.1', method: 'POST', path: `/sessions/${session.id}/import?_csrf=${encodeURIComponent(csrfFrom(page.text))}`, headers: { cookie: cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length, accept: 'text/html' } },
          (res) => {
            resolve({ at: Date.now(), status: res.statusCode!, location: res.headers.location! });
            res.resume();
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      await new Promise((r) => setTimeout(r, 400));
      const released = Date.now();
      await holder.query('COMMIT');
      const head = await headersAt;
      expect(head.status).toBe(303);
      expect(head.at).toBeGreaterThanOrEqual(released);
      const next = await agent.get(head.location).expect(200);
      expect(next.text).toContain('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ');
    } finally {
      await holder.end();
      await new Promise((r) => server.close(r));
    }
  });
});

/** The session cookie the agent holds, as a Cookie header. */
function cookieOf(agent: ReturnType<TestApp['agent']>): string {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { name: string; value: string } | undefined } }).jar;
  const c = jar.getCookie('taphuan.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false });
  if (!c) throw new Error('no session cookie');
  return `${c.name}=${c.value}`;
}
