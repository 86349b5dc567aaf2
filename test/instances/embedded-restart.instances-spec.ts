import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieClient, startAppProcess } from '../support/processes';

/**
 * The quick start as a new user meets it: `npm start` with no DATABASE_URL
 * runs on the embedded database under DATA_DIR, loads the demo course, and a
 * restart finds everything still there.
 */
describe('embedded database: first start, demo course, restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taphuan-restart-'));
  const env = { DATABASE_URL: '', DATA_DIR: dataDir, SEED_DEMO: 'true', ADMIN_EMAIL: 'admin@restart.local', ADMIN_PASSWORD: 'restart-password' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the demo course and new data across a restart, and stops cleanly', async () => {
    const first = await startAppProcess(env, 120_000);
    let client = new CookieClient(first.url);
    expect((await client.postForm('/login', { login: 'admin@restart.local', password: 'restart-password' })).status).toBe(303);
    const home = await (await client.request('/')).text();
    expect(home).toContain('Lớp tập huấn về Chương trình mục tiêu quốc gia');
    expect((await client.postForm('/admin/users', { fullName: 'Người dùng bền', email: 'ben@restart.local', role: 'lecturer', password: 'lecturer-pass' }, '/admin/users/new')).status).toBe(303);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(true);

    const second = await startAppProcess(env, 120_000);
    try {
      expect(second.output()).not.toMatch(/Applied migrations/);
      expect(second.output()).not.toMatch(/Loaded the demo course/);
      client = new CookieClient(second.url);
      expect((await client.postForm('/login', { login: 'admin@restart.local', password: 'restart-password' })).status).toBe(303);
      const sessions = await (await client.request('/sessions')).text();
      expect(sessions.match(/Lớp tập huấn về Chương trình mục tiêu quốc gia/g)).toHaveLength(1);
      expect(await (await client.request('/admin/users?q=ben')).text()).toContain('ben@restart.local');
    } finally {
      await second.stop();
    }
  });
});
