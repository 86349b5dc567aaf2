import { ADMIN, bootApp, TestApp } from './support/app';
import { csrfFrom } from './support/http';

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
