import QRCode from 'qrcode';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { csrfFrom, login, pageText, submitForm } from './support/http';
import { pdfText } from './support/pdf';
import { UsersService } from '../src/users/users.service';

type Agent = ReturnType<TestApp['agent']>;

const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('trainee portal: accounts, one-time sign-in codes, slips, own sessions and QR', () => {
  let t: TestApp;
  let organiser: Agent;

  beforeAll(async () => {
    t = await bootApp({ PUBLIC_URL: 'https://taphuan.example.vn' });
    const o = await createUser(t, 'organiser');
    organiser = t.agent();
    await login(organiser, o.login, o.password);
  });
  afterAll(async () => {
    await t.close();
  });

  async function activate(agent: Agent, loginName: string, code: string, password: string) {
    return submitForm(agent, '/portal/activate', '/portal/activate', { login: loginName, code, password });
  }

  it('creates an account from the enrolment list; the trainee sets a password with the one-time code and sees only their sessions', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp bồi dưỡng kỹ năng số', status: 'published' });
    const { session: otherSession } = await createSessionFixture(t, { title: 'Lớp của người khác', status: 'published' });
    const { session: draft } = await createSessionFixture(t, { title: 'Lớp chưa công bố', status: 'draft' });
    const trainee = await createTraineeFixture(t, { fullName: 'Lò Thị Hoa', email: 'hoa.lo@example.vn', phone: '0915000111' });
    const stranger = await createTraineeFixture(t, { fullName: 'Người Khác' });
    const e = await enrollFixture(t, session.id, trainee.id, 'confirmed');
    await enrollFixture(t, draft.id, trainee.id, 'registered');
    await enrollFixture(t, otherSession.id, stranger.id, 'confirmed');

    const url = `/sessions/${session.id}/enrollments`;
    const res = await submitForm(organiser, url, `${url}/${e.id}/account`, {});
    expect(res.status).toBe(303);
    const page = await organiser.get(url).expect(200);
    const flashText = pageText(page.text);
    expect(flashText).toContain('Đã tạo tài khoản cho Lò Thị Hoa. Tên đăng nhập: hoa.lo@example.vn.');
    const code = flashText.match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    expect(pageText(page.text)).toContain('Cấp lại mã đăng nhập');
    const [user] = await t.query<{ id: string; role: string; trainee_id: string; sign_in_code_hash: string; password_hash: string }>(`SELECT * FROM users WHERE email = 'hoa.lo@example.vn'`);
    expect(user.role).toBe('trainee');
    expect(user.trainee_id).toBe(trainee.id);
    expect(user.sign_in_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(user.sign_in_code_hash).not.toContain(code);
    // No password until the trainee sets one with the code (none was made up, hashed and thrown away).
    expect(user.password_hash).toBeNull();

    // A wrong code, or the right code with another login, is refused.
    const anon = t.agent();
    let r = await activate(anon, 'hoa.lo@example.vn', 'AAAA-BBBB', 'mat-khau-moi-1');
    expect(r.headers.location).toBe('/portal/activate');
    expect(pageText((await anon.get('/portal/activate')).text)).toContain('mã đăng nhập không đúng');
    r = await activate(anon, 'someone@example.vn', code, 'mat-khau-moi-1');
    expect(r.headers.location).toBe('/portal/activate');

    // The right code (by phone, lower case, without the dash) sets the password and signs in.
    const hoa = t.agent();
    r = await activate(hoa, '0915 000 111', code.replace('-', '').toLowerCase(), 'mat-khau-moi-1');
    expect(r.headers.location).toBe('/portal');
    const home = await hoa.get('/portal').expect(200);
    const homeText = pageText(home.text);
    expect(homeText).toContain('Xin chào Lò Thị Hoa');
    expect(homeText).toContain('Lớp bồi dưỡng kỹ năng số');
    expect(homeText).not.toContain('Lớp chưa công bố');
    expect(homeText).not.toContain('Lớp của người khác');

    const sessionPage = await hoa.get(`/portal/sessions/${session.id}`).expect(200);
    expect(pageText(sessionPage.text)).toContain('Mã QR điểm danh');
    expect(pageText(sessionPage.text)).toContain('Đã xác nhận');
    expect(pageText(sessionPage.text)).toContain('Chương trình, tài liệu, hỏi đáp và chứng nhận');
    // The portal links lead to pages this trainee may open.
    for (const link of [`/sessions/${session.id}/agenda`, `/portal/sessions/${session.id}/questions`, '/portal/certificates']) {
      expect(sessionPage.text).toContain(`href="${link}"`);
      await hoa.get(link).expect(200);
    }
    // Self check-in is not switched on for this course: no link to it; once it is, the link shows and opens.
    expect(pageText(sessionPage.text)).not.toContain('Điểm danh bằng mã trên màn chiếu');
    await t.query(`UPDATE training_sessions SET self_checkin_enabled = true WHERE id = $1`, [session.id]);
    expect((await hoa.get(`/portal/sessions/${session.id}`).expect(200)).text).toContain('<a href="/attendance/me">Điểm danh bằng mã trên màn chiếu</a>');
    await hoa.get('/attendance/me').expect(200);
    await t.query(`UPDATE training_sessions SET self_checkin_enabled = false WHERE id = $1`, [session.id]);
    const dataUri = sessionPage.text.match(/<img src="data:image\/svg\+xml;base64,([^"]+)"/)![1];
    const expected = await QRCode.toString(`https://taphuan.example.vn/checkin/t/${e.checkinToken}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // Handlebars escapes the base64 padding (=) as an entity, which the browser decodes.
    expect(Buffer.from(dataUri.replace(/&#x3D;/g, '='), 'base64').toString('utf8')).toBe(expected);
    await hoa.get(`/portal/sessions/${otherSession.id}`).expect(404);
    await hoa.get(`/portal/sessions/${draft.id}`).expect(404);
    await hoa.get('/trainees').expect(403);

    // The code is used up; the new password works on the login page.
    r = await activate(t.agent(), 'hoa.lo@example.vn', code, 'mat-khau-khac-2');
    expect(r.headers.location).toBe('/portal/activate');
    await login(t.agent(), 'hoa.lo@example.vn', 'mat-khau-moi-1');
    const audit = await t.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [user.id]);
    // The used code tried again with another password is recorded as refused, under the account.
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.sign-in-code', 'user.activate', 'user.activate-failed', 'user.sign-in']);
    const [refused] = await t.query<{ new_value: Record<string, string> }>(`SELECT new_value FROM audit_log WHERE entity_id = $1 AND action = 'user.activate-failed'`, [user.id]);
    expect(refused.new_value).toMatchObject({ login: 'hoa.lo@example.vn', reason: 'code-used-or-expired' });
    // A wrong code for this login is recorded under the login typed, not under any account.
    expect(await t.query(`SELECT 1 FROM audit_log WHERE action = 'user.activate-failed' AND entity = 'login' AND entity_id = 'hoa.lo@example.vn'`)).not.toHaveLength(0);
    // The account's creation names the trainee record it belongs to.
    const [created] = await t.query<{ new_value: Record<string, unknown> }>(`SELECT new_value FROM audit_log WHERE entity_id = $1 AND action = 'user.create'`, [user.id]);
    expect(created.new_value).toMatchObject({ role: 'trainee', traineeId: user.trainee_id, fullName: expect.any(String) });
  });

  it('prints a sign-in slip (PDF) with a fresh code for a trainee without email; the earlier code stops working', async () => {
    const { session } = await createSessionFixture(t, { title: 'Hội nghị tập huấn chuyển đổi số', status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Thào A Chứ', email: null, phone: '0916000222' });
    const e = await enrollFixture(t, session.id, trainee.id, 'registered');
    const url = `/sessions/${session.id}/enrollments`;
    await submitForm(organiser, url, `${url}/${e.id}/account`, {});
    const first = pageText((await organiser.get(url)).text).match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];

    const page = await organiser.get(url).expect(200);
    const res = await organiser.post(`${url}/${e.id}/slip`).type('form').send({ _csrf: csrfFrom(page.text) }).buffer(true).parse(binary as never).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.body as Buffer);
    expect(text).toContain('PHIẾU ĐĂNG NHẬP HỆ THỐNG TẬP HUẤN');
    expect(text).toContain('Thào A Chứ');
    expect(text).toContain('Hội nghị tập huấn chuyển đổi số');
    expect(text).toContain('0916000222');
    expect(text).toContain('https://taphuan.example.vn/portal/activate');
    const code = text.match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    expect(code).not.toBe(first);

    let r = await activate(t.agent(), '0916000222', first, 'mat-khau-cu-123');
    expect(r.headers.location).toBe('/portal/activate');
    const chu = t.agent();
    r = await activate(chu, '0916000222', code, 'mat-khau-moi-123');
    expect(r.headers.location).toBe('/portal');
    expect(pageText((await chu.get('/portal')).text)).toContain('Hội nghị tập huấn chuyển đổi số');
  });

  it('signs in an activation retried after a lost response (same code, login and password) for a short while, and only that', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp thử gửi lại', status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Sùng Thị Gửi', email: null, phone: '0918000444' });
    const e = await enrollFixture(t, session.id, trainee.id);
    const url = `/sessions/${session.id}/enrollments`;
    await submitForm(organiser, url, `${url}/${e.id}/account`, {});
    const code = pageText((await organiser.get(url)).text).match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    const hash = async () => (await t.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE trainee_id = $1`, [trainee.id]))[0].password_hash;

    // The first request sets the password; its response never reaches the phone (no cookie kept).
    expect((await activate(t.agent(), '0918000444', code, 'mat-khau-gui-1')).headers.location).toBe('/portal');
    const set = await hash();
    // The phone sends the same form again (the login written another way): signed in, nothing changed.
    const phone = t.agent();
    const retry = await activate(phone, '+84 918 000 444', code, 'mat-khau-gui-1');
    expect(retry.headers.location).toBe('/portal');
    expect(pageText((await phone.get('/portal').expect(200)).text)).toContain('Lớp thử gửi lại');
    expect(await hash()).toBe(set);
    // In the audit trail the retry is a sign-in, said as such.
    const signIns = await t.query<{ note: string }>(`SELECT a.note FROM audit_log a JOIN users u ON a.entity_id = u.id::text WHERE u.trainee_id = $1 AND a.action = 'user.sign-in'`, [trainee.id]);
    expect(signIns).toEqual([{ note: 'Kích hoạt gửi lại sau khi mất phản hồi' }]);
    // The same code with another password, or for another login, is still refused: the code is used.
    expect((await activate(t.agent(), '0918000444', code, 'mat-khau-khac-9')).headers.location).toBe('/portal/activate');
    expect((await activate(t.agent(), 'hoa.lo@example.vn', code, 'mat-khau-gui-1')).headers.location).toBe('/portal/activate');
    expect(await hash()).toBe(set);
    const audit = await t.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = (SELECT id::text FROM users WHERE trainee_id = $1) AND action = 'user.activate'`, [trainee.id]);
    expect(audit).toHaveLength(1);
    // Past the window, the retry is refused like any used code.
    await t.query(`UPDATE users SET sign_in_code_used_at = now() - interval '16 minutes' WHERE trainee_id = $1`, [trainee.id]);
    const late = t.agent();
    expect((await activate(late, '0918000444', code, 'mat-khau-gui-1')).headers.location).toBe('/portal/activate');
    expect(pageText((await late.get('/portal/activate')).text)).toContain('mã đăng nhập không đúng');
  });

  it('uses a code once when two activations race, and a new code signs the account out of its earlier sessions', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Vàng A Đua', email: 'dua@example.vn' });
    const e = await enrollFixture(t, session.id, trainee.id);
    const url = `/sessions/${session.id}/enrollments`;
    const newCode = async () => {
      await submitForm(organiser, url, `${url}/${e.id}/account`, {});
      return pageText((await organiser.get(url)).text).match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    };
    const code = await newCode();
    const [a, b] = [t.agent(), t.agent()];
    const [pa, pb] = await Promise.all([a.get('/portal/activate'), b.get('/portal/activate')]);
    const post = (agent: Agent, token: string, password: string) =>
      agent.post('/portal/activate').set('Referer', '/portal/activate').type('form').send({ login: 'dua@example.vn', code, password, _csrf: token });
    const results = await Promise.all([post(a, csrfFrom(pa.text), 'mat-khau-dua-A'), post(b, csrfFrom(pb.text), 'mat-khau-dua-B')]);
    const winners = results.map((r) => r.headers.location).filter((l) => l === '/portal');
    expect(winners).toHaveLength(1);
    const winner = results[0].headers.location === '/portal' ? 'mat-khau-dua-A' : 'mat-khau-dua-B';
    const loser = winner === 'mat-khau-dua-A' ? 'mat-khau-dua-B' : 'mat-khau-dua-A';
    await login(t.agent(), 'dua@example.vn', winner);
    await expect(login(t.agent(), 'dua@example.vn', loser)).rejects.toThrow();

    // The phone with the open session is lost; the organiser hands out a new code; activating with it ends that session.
    const lost = t.agent();
    await login(lost, 'dua@example.vn', winner);
    await lost.get('/portal').expect(200);
    const second = await newCode();
    const fresh = t.agent();
    expect((await activate(fresh, 'dua@example.vn', second, 'mat-khau-dua-moi')).headers.location).toBe('/portal');
    await fresh.get('/portal').expect(200);
    const out = await lost.get('/portal');
    expect(out.status).toBe(303);
    expect(out.headers.location).toMatch(/^\/login/);
  });

  it('rate-limits activation: codes cannot be guessed one after another (429 in Vietnamese), however the phone is written', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Giàng A Đoán', email: null, phone: '0917000333' });
    const e = await enrollFixture(t, session.id, trainee.id);
    const url = `/sessions/${session.id}/enrollments`;
    await submitForm(organiser, url, `${url}/${e.id}/account`, {});
    const code = pageText((await organiser.get(url)).text).match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    const spellings = ['0917000333', '0917 000 333', '+84917000333', '84 917 000 333'];
    const guesser = t.agent();
    const statuses: number[] = [];
    for (let i = 0; i < t.config.loginRateLimit.limit; i++) statuses.push((await activate(guesser, spellings[i % spellings.length], `AAAA-${String(1000 + i).slice(-4)}`, 'mat-khau-doan-1')).status);
    expect(statuses.every((s) => s === 303)).toBe(true);
    // Past the limit even the right code waits: the guesser could not tell which one was right.
    const limited = await activate(guesser, '+84 917 000 333', code, 'mat-khau-doan-1');
    expect(limited.status).toBe(429);
    expect(pageText(limited.text)).toContain('Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const [row] = await t.query<{ sign_in_code_hash: string | null }>(`SELECT sign_in_code_hash FROM users WHERE trainee_id = $1`, [trainee.id]);
    expect(row.sign_in_code_hash).not.toBeNull(); // still unused
    await expect(login(t.agent(), '0917000333', 'mat-khau-doan-1')).rejects.toThrow();
  });

  it('refuses an account for a trainee with neither email nor phone, and an expired code', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const nobody = await createTraineeFixture(t, { fullName: 'Vừ A Không', email: null, phone: null });
    const e = await enrollFixture(t, session.id, nobody.id);
    const url = `/sessions/${session.id}/enrollments`;
    await submitForm(organiser, url, `${url}/${e.id}/account`, {});
    expect(pageText((await organiser.get(url)).text)).toContain('Học viên Vừ A Không chưa có email hoặc số điện thoại để làm tên đăng nhập.');
    expect(await t.query(`SELECT 1 FROM users WHERE trainee_id = $1`, [nobody.id])).toHaveLength(0);

    const late = await createTraineeFixture(t, { fullName: 'Mùa A Muộn', email: 'muon@example.vn' });
    const e2 = await enrollFixture(t, session.id, late.id);
    await submitForm(organiser, url, `${url}/${e2.id}/account`, {});
    const code = pageText((await organiser.get(url)).text).match(/Mã đăng nhập: ([A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
    await t.query(`UPDATE users SET sign_in_code_expires_at = now() - interval '1 minute' WHERE trainee_id = $1`, [late.id]);
    const r = await activate(t.agent(), 'muon@example.vn', code, 'mat-khau-moi-1');
    expect(r.headers.location).toBe('/portal/activate');
  });

  it('tells a trainee that their course was cancelled, with the reason, instead of dropping it from the portal', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp tập huấn bị hủy', status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Vàng Thị Chờ', phone: '0915000444' });
    await enrollFixture(t, session.id, trainee.id, 'confirmed');
    await t.app.get(UsersService).create({ fullName: trainee.fullName, phone: '0915000444', role: 'trainee', password: 'mat-khau-cho-1' }, null, undefined, trainee.id);
    const cho = t.agent();
    await login(cho, '0915000444', 'mat-khau-cho-1');
    expect(pageText((await cho.get('/portal').expect(200)).text)).toContain('Lớp tập huấn bị hủy');

    const res = await submitForm(organiser, `/sessions/${session.id}`, `/sessions/${session.id}/status`, { status: 'cancelled', reason: 'Hoãn do mưa lũ, sạt lở đường lên huyện.' });
    expect(res.status).toBe(303);
    const home = pageText((await cho.get('/portal').expect(200)).text);
    expect(home).toContain('Lớp tập huấn bị hủy');
    expect(home).toContain('Đã hủy');
    expect(home).toContain('Hoãn do mưa lũ, sạt lở đường lên huyện.');
    const page = await cho.get(`/portal/sessions/${session.id}`).expect(200);
    expect(pageText(page.text)).toContain('Lớp tập huấn này đã bị hủy. Lý do: Hoãn do mưa lũ, sạt lở đường lên huyện.');
    // Nothing to check in with, nothing to download.
    expect(page.text).not.toContain('Mã QR điểm danh');
    expect(page.text).not.toContain('data:image/svg+xml');
    expect(page.text).not.toContain(`/sessions/${session.id}/offline.zip`);
    await cho.get(`/sessions/${session.id}/agenda`).expect(404);
  });

  it('leaves out a course cancelled while still a draft (never announced), but not one published, put back to draft, then cancelled', async () => {
    const trainee = await createTraineeFixture(t, { fullName: 'Lù Thị Nháp', phone: '0915000555' });
    await t.app.get(UsersService).create({ fullName: trainee.fullName, phone: '0915000555', role: 'trainee', password: 'mat-khau-nhap-1' }, null, undefined, trainee.id);
    const agent = t.agent();
    await login(agent, '0915000555', 'mat-khau-nhap-1');
    const setStatus = async (id: string, status: string, reason?: string) =>
      expect((await submitForm(organiser, `/sessions/${id}`, `/sessions/${id}/status`, { status, ...(reason ? { reason } : {}) })).status).toBe(303);
    const draft = (await createSessionFixture(t, { title: 'Lớp nháp chưa công bố', status: 'draft' })).session;
    const announced = (await createSessionFixture(t, { title: 'Lớp đã công bố rồi rút lại', status: 'draft' })).session;
    for (const s of [draft, announced]) await enrollFixture(t, s.id, trainee.id, 'confirmed');
    await setStatus(announced.id, 'published');
    expect(pageText((await agent.get('/portal').expect(200)).text)).toContain('Lớp đã công bố rồi rút lại');
    await setStatus(announced.id, 'draft');
    for (const s of [draft, announced]) await setStatus(s.id, 'cancelled', 'Không đủ kinh phí tổ chức.');
    const home = pageText((await agent.get('/portal').expect(200)).text);
    expect(home).not.toContain('Lớp nháp chưa công bố');
    expect(home).toContain('Lớp đã công bố rồi rút lại');
    expect(home).toContain('Không đủ kinh phí tổ chức.');
    await agent.get(`/portal/sessions/${draft.id}`).expect(404);
    await agent.get(`/portal/sessions/${announced.id}`).expect(200);
  });
});
