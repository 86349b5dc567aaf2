import { ADMIN, bootApp, TestApp } from './support/app';
import { waitsForLock } from './support/locks';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture } from './support/fixtures';
import { csrfFrom, csrfToken, login, pageText, submitForm } from './support/http';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/users/users.service';
import { poolOf } from '../src/database/prepared-query';

describe('foundation: accounts, roles, sessions, CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the login page in Vietnamese and redirects anonymous users to it', async () => {
    const page = await t.agent().get('/login').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(pageText(page.text)).toContain('Đăng nhập');
    expect(pageText(page.text)).toContain('Email hoặc số điện thoại');
    const home = await t.agent().get('/admin/users').expect(303);
    expect(home.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
  });

  it('answers API calls without a user with 401 JSON', async () => {
    const res = await t.agent().get('/api/v1/me').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: expect.any(String) });
  });

  it('lets the first-start admin sign in, with a new session id on login', async () => {
    const agent = t.agent();
    const first = await agent.get('/login').expect(200);
    const before = (first.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('taphuan.sid='))!.split(';')[0];
    const res = await agent.post('/login').type('form').send({ login: ADMIN.email, password: ADMIN.password, _csrf: csrfFrom(first.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('taphuan.sid='))!;
    expect(cookie.split(';')[0]).not.toBe(before); // session rotated on login
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await agent.get('/').expect(200);
    expect(pageText(home.text)).toContain('Quản trị hệ thống');
    const users = await agent.get('/admin/users').expect(200);
    expect(pageText(users.text)).toContain(ADMIN.email);
  });

  it('answers malformed input with a 4xx, never a 500: a body nested too deep, lone UTF-16 surrogates, NUL characters, a clone past year 9999', async () => {
    const agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    const token = await csrfToken(agent, '/admin/users');
    // A JSON body 5,000 levels deep (10 KB): refused before anything walks it, on a signed-in route and on /login.
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const nested = await agent.post('/api/v1/sessions').set('x-csrf-token', token).set('Content-Type', 'application/json').send(deep).expect(400);
    expect(nested.body.message).toBe('Dữ liệu gửi lên lồng nhau quá nhiều tầng nên không đọc được.');
    const anonymous = t.agent();
    const loginPage = await anonymous.get('/login').expect(200);
    await anonymous.post('/login').set('Accept', 'application/json').set('Content-Type', 'application/json').send(`{"_csrf":"${csrfFrom(loginPage.text)}","login":"x@y.z","password":"p","a":${'['.repeat(5000)}${']'.repeat(5000)}}`).expect(400);
    // A lone surrogate (JSON only can carry one) is stored as U+FFFD, as a text column would, audit entry included.
    const body = `{"title":"L\\ud800p tập huấn","programme":"Chương trình","organisingUnit":"Bộ Nội vụ","hostProvinceCode":"12","venue":"Hội trường","startDate":"2026-03-10","endDate":"2026-03-11"}`;
    const created = await agent.post('/api/v1/sessions').set('x-csrf-token', token).set('Content-Type', 'application/json').send(body).expect(201);
    expect(created.body.title).toBe('L\uFFFDp tập huấn');
    const [entry] = await t.query<{ new_value: { title: string } }>(`SELECT new_value FROM audit_log WHERE action = 'session.create' AND entity_id = $1`, [created.body.id]);
    expect(entry.new_value.title).toBe('L\uFFFDp tập huấn');
    // In an email it is simply not an email; in the sign-in's "next" it is harmless.
    const badEmail = await agent.post('/admin/users').set('x-csrf-token', token).set('Accept', 'application/json').set('Content-Type', 'application/json').send('{"fullName":"Lò Văn A","email":"a\\ud800b@x.vn","role":"lecturer"}').expect(400);
    expect(badEmail.body.details.email).toEqual(['Email không hợp lệ.']);
    const page = await anonymous.get('/login').expect(200);
    const wrong = await anonymous.post('/login').set('Content-Type', 'application/json').send(`{"_csrf":"${csrfFrom(page.text)}","login":"x@y.z","password":"sai-mat-khau","next":"/a\\ud800b"}`);
    expect(wrong.status).toBe(303);
    // A NUL character in a search or filter is dropped, not sent to PostgreSQL (which cannot hold one).
    await agent.get('/admin/users?q=%00').expect(200);
    await agent.get('/audit?entityId=a%00b').expect(200);
    const csv = await agent.get('/audit/export.csv?entityId=a%00b').expect(200);
    expect(csv.text.split('\n')[0]).toContain('Thời gian');
    // A clone whose shifted last day would pass 31/12/9999.
    const { session } = await createSessionFixture(t, { days: 2 });
    const clone = await agent.post(`/api/v1/sessions/${session.id}/clone`).set('x-csrf-token', token).send({ startDate: '9999-12-31', hostProvinceCode: '12', venue: 'Hội trường' });
    expect(clone.status).toBe(400);
    expect(clone.body.message).toContain('Ngày bắt đầu quá xa');
  });

  it('refuses a state-changing POST without a CSRF token: 403 to an API client, back to the form (input kept) for a page', async () => {
    const agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    const api = await agent.post('/admin/users').set('Accept', 'application/json').type('form').send({ fullName: 'Không có token', email: 'x@test.local', role: 'organiser' });
    expect(api.status).toBe(403);
    expect(api.body.message).toContain('mã bảo mật (CSRF) không hợp lệ');
    const page = await agent.post('/admin/users').set('Referer', 'http://127.0.0.1/admin/users/new').type('form').send({ fullName: 'Sai token', email: 'y@test.local', role: 'organiser', _csrf: 'abc' });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/users/new');
    expect(pageText((await agent.get('/admin/users/new').expect(200)).text)).toContain('mã bảo mật hết hạn');
    expect(await t.query(`SELECT id FROM users WHERE email IN ('x@test.local', 'y@test.local')`)).toHaveLength(0);
  });

  it('makes no trainee account on /admin/users: a trainee account belongs to a trainee record, made from the course list', async () => {
    const agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    const form = await agent.get('/admin/users/new').expect(200);
    expect(form.text).not.toContain('<option value="trainee"');
    expect(pageText(form.text)).toContain('Tài khoản học viên được tạo từ danh sách học viên của lớp');
    // A hand-made POST is refused, with the way to do it, and nothing is created.
    const res = await submitForm(agent, '/admin/users/new', '/admin/users', { fullName: 'Lò Thị Không Hồ Sơ', email: 'khong.ho.so@test.local', role: 'trainee' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users/new');
    expect(pageText((await agent.get('/admin/users/new').expect(200)).text)).toContain('để gắn với hồ sơ của học viên đó');
    expect(await t.query(`SELECT id FROM users WHERE email = 'khong.ho.so@test.local'`)).toHaveLength(0);
    // A staff account cannot become a trainee account either; one linked to a trainee record can.
    const lecturer = await createUser(t, 'lecturer', { fullName: 'Giàng A Giảng' });
    const roleSelect = async (name: string) => {
      const html = (await agent.get(`/admin/users?q=${encodeURIComponent(name)}`).expect(200)).text;
      return /<select name="role" aria-label="Vai trò của ([^"]+)">[\s\S]*?<\/select>/.exec(html)!;
    };
    const lecturerRoles = await roleSelect('giang a giang');
    expect(lecturerRoles[1]).toBe('Giàng A Giảng');
    expect(lecturerRoles[0]).toContain('<option value="organiser"');
    expect(lecturerRoles[0]).not.toContain('<option value="trainee"');
    const refused = await submitForm(agent, '/admin/users', `/admin/users/${lecturer.user.id}/role`, { role: 'trainee' });
    expect(refused.status).toBe(303);
    expect(pageText((await agent.get(refused.headers.location).expect(200)).text)).toContain('Giàng A Giảng không gắn với hồ sơ học viên nào');
    expect((await t.query<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [lecturer.user.id]))[0].role).toBe('lecturer');
    const trainee = await createTraineeFixture(t, { fullName: 'Sùng Thị Học' });
    const account = await createUser(t, 'organiser', { fullName: 'Sùng Thị Học' });
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [trainee.id, account.user.id]);
    expect((await roleSelect('sung thi hoc'))[0]).toContain('<option value="trainee"');
    expect((await submitForm(agent, '/admin/users', `/admin/users/${account.user.id}/role`, { role: 'trainee' })).status).toBe(303);
    expect((await t.query<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [account.user.id]))[0].role).toBe('trainee');
  });

  it('rate-limits repeated wrong passwords (429)', async () => {
    const agent = t.agent();
    const statuses: number[] = [];
    for (let i = 0; i < t.config.loginRateLimit.limit + 1; i++) {
      const res = await submitForm(agent, '/login', '/login', { login: 'someone@test.local', password: `wrong-${i}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, t.config.loginRateLimit.limit).every((s) => s === 303)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Counted in PostgreSQL, so every instance sees the same attempts.
    const [row] = await t.query<{ hits: number }>(`SELECT max(hits)::int AS hits FROM rate_limits WHERE key LIKE 'login:%'`);
    expect(row.hits).toBe(t.config.loginRateLimit.limit + 1);
  });

  it('counts one phone however it is written, and says so in Vietnamese with Retry-After', async () => {
    const trainee = await createUser(t, 'trainee', { phone: '0912345601' });
    const spellings = ['0912345601', '0912 345 601', '+84912345601', '84912345601', '0912.345.601', ' 0912-345-601 ', '+84 912 345 601', '(091) 2345601'];
    const agent = t.agent();
    const statuses: number[] = [];
    for (let i = 0; i < t.config.loginRateLimit.limit + 1; i++) {
      statuses.push((await submitForm(agent, '/login', '/login', { login: spellings[i % spellings.length], password: `wrong-${i}` })).status);
    }
    expect(statuses.slice(0, t.config.loginRateLimit.limit).every((s) => s === 303)).toBe(true);
    const page = await submitForm(agent, '/login', '/login', { login: '+84 912 345 601', password: trainee.password });
    expect(page.status).toBe(429);
    expect(pageText(page.text)).toContain('Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.');
    expect(page.text).not.toMatch(/ThrottlerException|Too Many Requests/);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    const json = await agent.post('/login').set('Accept', 'application/json').set('x-csrf-token', csrfFrom((await agent.get('/login')).text)).send({ login: '0912 345 601', password: 'x' });
    expect(json.status).toBe(429);
    expect(json.body).toEqual({ statusCode: 429, error: 'Quá nhiều yêu cầu', message: 'Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.' });
    // Another account from the same address is not held up by this one.
    await login(t.agent(), ADMIN.email, ADMIN.password);
  });

  describe('per client address, whatever the login', () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await bootApp({ LOGIN_ADDRESS_RATE_LIMIT: '12' });
    });
    afterAll(async () => {
      await small.close();
    });

    it('refuses the attempt past LOGIN_ADDRESS_RATE_LIMIT from one address, even for a new name each time', async () => {
      const agent = small.agent();
      const statuses: number[] = [];
      for (let i = 0; i < 13; i++) statuses.push((await submitForm(agent, '/login', '/login', { login: `nobody${i}@test.local`, password: 'wrong-password' })).status);
      expect(statuses.slice(0, 12).every((s) => s === 303)).toBe(true);
      expect(statuses[12]).toBe(429);
      const [row] = await small.query<{ hits: number }>(`SELECT max(hits)::int AS hits FROM rate_limits WHERE key LIKE 'login-address:%'`);
      expect(row.hits).toBe(13);
    });
  });

  it('says a wrong password in Vietnamese and keeps the login name', async () => {
    const agent = t.agent();
    const res = await submitForm(agent, '/login', '/login', { login: 'nobody@test.local', password: 'nope-nope' });
    expect(res.status).toBe(303);
    const page = await agent.get(res.headers.location).expect(200);
    expect(pageText(page.text)).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(page.text).toContain('value="nobody@test.local"');
  });

  it('gives a trainee 403 on admin pages', async () => {
    const trainee = await createUser(t, 'trainee');
    const agent = t.agent();
    await login(agent, trainee.login, trainee.password);
    const res = await agent.get('/admin/users');
    expect(res.status).toBe(403);
    expect(pageText(res.text)).toContain('Không có quyền truy cập');
  });

  it('lets the admin create users, refuse duplicates, change roles and disable accounts', async () => {
    const agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    const created = await submitForm(agent, '/admin/users/new', '/admin/users', {
      fullName: 'Nguyễn Thị Hà',
      email: 'Ha.Nguyen@Test.Local',
      role: 'lecturer',
      password: 'lecturer-password',
    });
    expect(created.status).toBe(303);
    const [row] = await t.query<{ id: string; email: string; role: string; full_name: string }>(`SELECT id, email, role, full_name FROM users WHERE email = 'ha.nguyen@test.local'`);
    expect(row).toMatchObject({ role: 'lecturer', full_name: 'Nguyễn Thị Hà' });

    const dup = await submitForm(agent, '/admin/users/new', '/admin/users', { fullName: 'Trùng', email: 'ha.nguyen@test.local', role: 'organiser' });
    expect(dup.status).toBe(303);
    const back = await agent.get(dup.headers.location).expect(200);
    expect(pageText(back.text)).toContain('đã được dùng cho tài khoản khác');
    expect(back.text).toContain('value="Trùng"');
    expect(await t.query(`SELECT id FROM users WHERE email = 'ha.nguyen@test.local'`)).toHaveLength(1);

    const invalid = await submitForm(agent, '/admin/users/new', '/admin/users', { fullName: '', email: 'không-phải-email', role: 'boss' });
    expect(invalid.status).toBe(303);
    const invalidPage = await agent.get(invalid.headers.location).expect(200);
    expect(pageText(invalidPage.text)).toMatch(/Vui lòng nhập họ và tên|Email không hợp lệ|Vai trò không hợp lệ/);

    const role = await submitForm(agent, '/admin/users', `/admin/users/${row.id}/role`, { role: 'organiser' });
    expect(role.status).toBe(303);
    expect((await t.query<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [row.id]))[0].role).toBe('organiser');
    const audit = await t.query<{ old_value: { role: string }; new_value: { role: string } }>(`SELECT old_value, new_value FROM audit_log WHERE action = 'user.role' AND entity_id = $1`, [row.id]);
    expect(audit[0]).toMatchObject({ old_value: { role: 'lecturer' }, new_value: { role: 'organiser' } });

    const disable = await submitForm(agent, '/admin/users', `/admin/users/${row.id}/disable`, {});
    expect(disable.status).toBe(303);
    const other = t.agent();
    const attempt = await submitForm(other, '/login', '/login', { login: 'ha.nguyen@test.local', password: 'lecturer-password' });
    expect(attempt.headers.location).toMatch(/^\/login/);
  });

  (process.env.DATABASE_URL ? it : it.skip)('never leaves the app without an administrator when two admins demote each other at once', async () => {
    const [first] = await t.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [ADMIN.email]);
    const second = await createUser(t, 'admin');
    const asSecond = t.agent();
    await login(asSecond, second.login, second.password);
    const page = await asSecond.get('/admin/users').expect(200);
    // The first admin's change is under way: it holds the administrators and has demoted the second one.
    const runner = t.ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    let demoting: Promise<import('supertest').Response> | undefined;
    try {
      await runner.query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`);
      await runner.query(`UPDATE users SET role = 'organiser' WHERE id = $1`, [second.user.id]);
      // Meanwhile the second admin demotes the first.
      demoting = asSecond
        .post(`/admin/users/${first.id}/role`)
        .set('Referer', '/admin/users')
        .type('form')
        .send({ role: 'organiser', _csrf: csrfFrom(page.text) })
        .then((r) => r);
      expect(await waitsForLock(t, '%FROM users WHERE role%', demoting)).toBe(true);
    } finally {
      await runner.commitTransaction();
      await runner.release();
    }
    const res = await demoting!;
    expect(res.status).toBe(303);
    expect(pageText((await asSecond.get(res.headers.location)).text)).toContain('Không thể đổi vai trò của quản trị viên cuối cùng.');
    expect((await t.query<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [first.id]))[0].role).toBe('admin');
  });

  it('does not let a disabled user keep an open session', async () => {
    const org = await createUser(t, 'organiser');
    const agent = t.agent();
    await login(agent, org.login, org.password);
    await agent.get('/sessions').expect(200);
    await t.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [org.user.id]);
    const res = await agent.get('/sessions');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('pushes a session\'s expiry forward at most every few minutes, not on every request (no write per page)', async () => {
    const org = await createUser(t, 'organiser');
    const agent = t.agent();
    await login(agent, org.login, org.password);
    const expiry = async () => (await t.query<{ e: string }>(`SELECT expire::text AS e FROM http_sessions WHERE sess->>'userId' = $1`, [org.user.id]))[0].e;
    await agent.get('/sessions').expect(200); // the first request of this session here: the expiry rolls forward
    const first = await expiry();
    await new Promise((r) => setTimeout(r, 1100)); // a later touch would store a later second
    await agent.get('/sessions').expect(200);
    await agent.get('/').expect(200);
    expect(await expiry()).toBe(first);
    // The session is still the same signed-in one.
    expect(pageText((await agent.get('/').expect(200)).text)).toContain(org.user.fullName);
  });

  it('ends the account\'s other sessions and its API token when the password is changed, keeping this one', async () => {
    const org = await createUser(t, 'organiser');
    const here = t.agent();
    const lostPhone = t.agent();
    const bystander = t.agent(); // someone else's session stays
    await login(here, org.login, org.password);
    await login(lostPhone, org.login, org.password);
    await login(bystander, ADMIN.email, ADMIN.password);
    const issued = await submitForm(lostPhone, '/account', '/account/api-token', {});
    const token = issued.text.match(/id="api-token">([^<]+)</)![1];
    await t.agent().get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    const sessions = async () => Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM http_sessions WHERE sess->>'userId' = $1`, [org.user.id]))[0].n);
    expect(await sessions()).toBe(2);

    const wrong = await submitForm(here, '/account', '/account/password', { currentPassword: 'not-my-password', newPassword: 'mat-khau-moi-2025' });
    expect(pageText((await here.get(wrong.headers.location)).text)).toContain('Mật khẩu hiện tại không đúng.');
    await lostPhone.get('/account').expect(200); // nothing ended by a wrong attempt

    const res = await submitForm(here, '/account', '/account/password', { currentPassword: org.password, newPassword: 'mat-khau-moi-2025' });
    expect(res.status).toBe(303);
    const page = pageText((await here.get('/account').expect(200)).text);
    expect(page).toContain('Đã đổi mật khẩu. Tài khoản đã được đăng xuất khỏi các thiết bị khác. Mã API cũ đã bị thu hồi');
    expect(await sessions()).toBe(1);
    const gone = await lostPhone.get('/account');
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toMatch(/^\/login/);
    expect((await t.agent().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    await bystander.get('/admin/users').expect(200);
    await login(t.agent(), org.login, 'mat-khau-moi-2025');
    const [audit] = await t.query<{ new_value: unknown }>(`SELECT new_value FROM audit_log WHERE action = 'user.password' AND entity_id = $1`, [org.user.id]);
    expect(audit.new_value).toEqual({ otherSessionsEnded: 1, apiTokenRevoked: true });
  });

  it('does not bring back a session ended while one of its requests was still running', async () => {
    const org = await createUser(t, 'organiser');
    const { session } = await createSessionFixture(t);
    const here = t.agent();
    const lostPhone = t.agent();
    await login(here, org.login, org.password);
    await login(lostPhone, org.login, org.password);
    const form = await lostPhone.get(`/sessions/${session.id}/import`).expect(200);
    // The lost phone starts uploading a list on a slow link: its session is read as the request begins.
    const boundary = 'taphuan-slow-upload';
    const upload = lostPhone.post(`/sessions/${session.id}/import?_csrf=${encodeURIComponent(csrfFrom(form.text))}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`);
    upload.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ds.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 500));
    // Meanwhile the owner changes the password, which ends every other session of the account.
    const changed = await submitForm(here, '/account', '/account/password', { currentPassword: org.password, newPassword: 'mat-khau-moi-2025' });
    expect(changed.status).toBe(303);
    // The upload ends, refused with a message, which the request saves into its (now ended) session.
    upload.write(`not a workbook\r\n--${boundary}--\r\n`);
    const refused = await upload;
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toBe(`/sessions/${session.id}/import`);
    const gone = await lostPhone.get('/account');
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toMatch(/^\/login/);
    expect(Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM http_sessions WHERE sess->>'userId' = $1`, [org.user.id]))[0].n)).toBe(1);
    await here.get('/account').expect(200);
  });

  it('invalidates the session on logout', async () => {
    const agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
    const page = await agent.get('/').expect(200);
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(out.status).toBe(303);
    const after = await agent.get('/admin/users');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
  });

  it('accepts a personal API token as Bearer and refuses a bad one', async () => {
    const org = await createUser(t, 'organiser');
    const agent = t.agent();
    await login(agent, org.login, org.password);
    const res = await submitForm(agent, '/account', '/account/api-token', {});
    expect(res.status).toBe(201);
    const token = res.text.match(/id="api-token">([^<]+)</)![1];
    const ok = await t.agent().get('/api/v1/reference/counts').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.body.provinces).toBe(34);
    await t.agent().get('/api/v1/reference/counts').set('Authorization', 'Bearer not-a-real-token-123456789').expect(401);
  });

  it('documents in OpenAPI the query parameters the list and search endpoints take, and /api/v1/me', async () => {
    const doc = (await t.agent().get('/api/docs/openapi.json').expect(200)).body;
    const params = (path: string) => Object.fromEntries(((doc.paths[path]?.get?.parameters ?? []) as { in: string; name: string; required?: boolean }[]).filter((p) => p.in === 'query').map((p) => [p.name, !!p.required]));
    expect(params('/api/v1/sessions')).toEqual({ page: false, q: false });
    expect(params('/api/v1/trainees')).toEqual({ page: false, q: false, province: false, commune: false, ethnic: false, gender: false });
    expect(params('/api/v1/reference/communes')).toEqual({ q: true, province: false, limit: false });
    expect(params('/api/v1/reference/old-communes')).toEqual({ q: true, district: false, province: false });
    expect(params('/api/v1/reference/old-provinces')).toEqual({ q: true });
    expect(params('/api/v1/reports/dashboard')).toEqual({ from: false, to: false, preset: false, province: false });
    expect(doc.paths['/api/v1/me']?.get).toBeDefined();
    // Every operation says how it refuses, with the body the app sends.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>>)) {
      for (const op of Object.values(item)) {
        expect([path, op.responses['4XX']?.content?.['application/json'].schema.$ref]).toEqual([path, '#/components/schemas/Error']);
        expect(op.responses['503']).toBeDefined();
      }
    }
    const errorSchema = doc.components.schemas.Error;
    expect(errorSchema.required).toEqual(['statusCode', 'error', 'message']);
    // What is documented is what is taken: the documented filters work, a required one left out is a 400 in Vietnamese.
    const org = await createUser(t, 'organiser');
    const agent = t.agent();
    await login(agent, org.login, org.password);
    expect((await agent.get('/api/v1/reference/communes?q=muong%20te&province=12&limit=1').expect(200)).body).toHaveLength(1);
    const missing = await agent.get('/api/v1/reference/communes').expect(400);
    // The refusal has the documented shape.
    for (const key of errorSchema.required as string[]) expect(missing.body).toHaveProperty(key);
    expect(Object.keys(missing.body).every((k) => k in errorSchema.properties)).toBe(true);
    expect(Object.values(missing.body.details as Record<string, unknown>).every((v) => Array.isArray(v))).toBe(true);
    expect(missing.body).toMatchObject({ statusCode: 400, message: 'Vui lòng nhập tên xã, phường.' });
  });

  it('tells apart API tokens checked in the same turn: each request gets its own user, a disabled one none', async () => {
    const users = t.app.get(UsersService);
    const [a, b, c] = await Promise.all([createUser(t, 'organiser'), createUser(t, 'lecturer'), createUser(t, 'organiser')]);
    const [ta, tb, tc] = await Promise.all([users.issueApiToken(a.user.id), users.issueApiToken(b.user.id), users.issueApiToken(c.user.id)]);
    await t.query('UPDATE users SET disabled_at = now() WHERE id = $1', [c.user.id]);
    const me = (token: string) => t.agent().get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    const responses = await Promise.all([me(ta), me(tb), me(tc), me('not-a-real-token-123456789'), me(ta)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 401, 200]);
    expect([responses[0].body.id, responses[1].body.id, responses[4].body.id]).toEqual([a.user.id, b.user.id, a.user.id]);
    expect(responses[1].body.role).toBe('lecturer');

    const pool = poolOf(t.app.get(DataSource));
    const query = jest.spyOn(pool, 'query');
    try {
      const found = await Promise.all([users.findActiveByApiToken(tb), users.findActiveByApiToken(tc), users.findActiveByApiToken(ta), users.findActiveAuthUser(b.user.id)]);
      expect(found.map((u) => u?.id ?? null)).toEqual([b.user.id, null, a.user.id, b.user.id]);
      expect(query.mock.calls.filter(([q]) => (q as { name?: string }).name === 'users.active-auth-by-token')).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
  });

  it('reports health with the database reachable', async () => {
    const res = await t.agent().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
  });

  it('sends security headers (CSP without inline script)', async () => {
    const res = await t.agent().get('/login').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('serves its own CSS and keeps the login page light', async () => {
    const page = await t.agent().get('/login').set('Accept-Encoding', 'gzip').expect(200);
    const css = await t.agent().get('/assets/css/app.css').set('Accept-Encoding', 'gzip').expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(page.text).not.toMatch(/https?:\/\/(?!localhost)[^"']+\.(css|js|woff2?)/);
    const total = Buffer.byteLength(page.text) + Buffer.byteLength(css.text);
    expect(total).toBeLessThan(200 * 1024);
  });
});
