import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { login, pageText, submitForm } from './support/http';

/** An organiser in a provincial office preparing a course: lists, cloning, the enrolment list and portal accounts. */
describe('course preparation by an organiser', () => {
  let t: TestApp;
  let org: ReturnType<TestApp['agent']>;

  beforeAll(async () => {
    t = await bootApp();
    const organiser = await createUser(t, 'organiser');
    org = t.agent();
    await login(org, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the last page of the trainee directory and of the course list for a page number past the end, not an empty page', async () => {
    const commune = '03394';
    const names: string[] = [];
    for (let i = 0; i < 55; i++) names.push((await createTraineeFixture(t, { fullName: `Quàng Văn Trang ${String(i).padStart(2, '0')}`, communeCode: commune })).fullName);
    const directory = await org.get('/trainees?page=99999&q=quang van trang').expect(200);
    const text = pageText(directory.text);
    expect(text).not.toContain('Không có học viên nào phù hợp.');
    expect(text).toContain('Trang 2 / 2');
    expect(text).toContain('Quàng Văn Trang 54');
    expect(directory.text).toContain('href="?page=1&amp;q&#x3D;quang+van+trang"');

    for (let i = 0; i < 21; i++) await createSessionFixture(t, { title: `Lớp bồi dưỡng cán bộ xã đợt ${String(i).padStart(2, '0')}` });
    const sessions = await org.get('/sessions?page=500&q=boi duong can bo xa').expect(200);
    const listed = pageText(sessions.text);
    expect(listed).not.toContain('Chưa có lớp tập huấn nào.');
    expect(listed).toContain('Trang 2 / 2');
    expect(listed).toMatch(/Lớp bồi dưỡng cán bộ xã đợt \d\d/);
    // The links between the pages of a search keep the search.
    expect(sessions.text).toContain('href="?page=1&amp;q&#x3D;boi+duong+can+bo+xa"');
    const first = await org.get('/sessions?q=boi duong can bo xa').expect(200);
    expect(first.text).toContain('href="?page=2&amp;q&#x3D;boi+duong+can+bo+xa"');
  });

  it('shows the last page of the public programme, the accounts and the questions for a page number past the end; finds accounts without diacritics', async () => {
    const lastPage = (html: string, pages: number) => {
      const text = pageText(html);
      expect(text).toContain(`Trang ${pages} / ${pages}`);
      return text;
    };
    for (let i = 0; i < 21; i++) await createSessionFixture(t, { status: 'published', title: `Lớp công khai số ${String(i).padStart(2, '0')}` });
    const programme = lastPage((await t.agent().get('/programme?page=777&q=lop cong khai so').expect(200)).text, 2);
    expect(programme).toMatch(/Lớp công khai số \d\d/);

    const admin = await createUser(t, 'admin');
    const adminAgent = t.agent();
    await login(adminAgent, admin.login, admin.password);
    for (let i = 0; i < 51; i++) await createUser(t, 'lecturer', { fullName: `Báo cáo viên Lò Văn Mười ${String(i).padStart(2, '0')}` });
    const accounts = lastPage((await adminAgent.get('/admin/users?page=40&q=Lò Văn Mười').expect(200)).text, 2);
    expect(accounts).toMatch(/Báo cáo viên Lò Văn Mười \d\d/);
    // Searched like the trainee directory: without diacritics or case, or by a part of the email.
    await createUser(t, 'organiser', { fullName: 'Hoàng Thị Lan', email: 'btc.lan@laichau.gov.vn' });
    for (const q of ['hoang thi lan', 'HOÀNG THỊ', 'btc.lan@', 'LaiChau.gov']) {
      const found = pageText((await adminAgent.get(`/admin/users?q=${encodeURIComponent(q)}`).expect(200)).text);
      expect(found).toContain('Hoàng Thị Lan');
      expect(found).not.toContain('Lò Văn Mười');
    }
    // "%" is a character to look for, not a wildcard.
    expect(pageText((await adminAgent.get('/admin/users?q=%25').expect(200)).text)).not.toContain('Hoàng Thị Lan');

    const { session } = await createSessionFixture(t, { status: 'published', title: 'Lớp có nhiều câu hỏi' });
    for (let i = 0; i < 31; i++) {
      const res = await submitForm(org, `/sessions/${session.id}/questions`, `/sessions/${session.id}/questions`, { askerKind: 'province', provinceCode: '11', text: `Câu hỏi số ${i} về sắp xếp bộ máy cấp xã.` });
      expect(res.status).toBe(303);
    }
    const inCourse = lastPage((await org.get(`/sessions/${session.id}/questions?page=9`).expect(200)).text, 2);
    expect(inCourse).toMatch(/Câu hỏi số \d+ về sắp xếp/);
    const search = lastPage((await org.get(`/questions?page=9&sessionId=${session.id}`).expect(200)).text, 2);
    expect(search).toMatch(/Câu hỏi số \d+ về sắp xếp/);
    // The trainee's page of published answers.
    await t.query(`UPDATE questions SET status = 'published' WHERE session_id = $1`, [session.id]);
    const trainee = await createTraineeFixture(t);
    await enrollFixture(t, session.id, trainee.id);
    const account = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [trainee.id, account.user.id]);
    const traineeAgent = t.agent();
    await login(traineeAgent, account.login, account.password);
    const portal = lastPage((await traineeAgent.get(`/portal/sessions/${session.id}/questions?page=9`).expect(200)).text, 2);
    expect(portal).toMatch(/Câu hỏi số \d+ về sắp xếp/);
  });

  it('keeps what was typed in the clone form when the clone is refused (a lecturer already booked on the new date)', async () => {
    const lecturer = await createUser(t, 'lecturer', { fullName: 'Vàng A Sùng' });
    const { session, sittings } = await createSessionFixture(t, { status: 'published', title: 'Lớp tập huấn tại Lai Châu', startDate: '2026-04-06' });
    await createTopicFixture(t, session.id, { sittingId: sittings[0].id, startTime: '08:00', endTime: '09:30', lecturers: [lecturer.user] });
    const other = await createSessionFixture(t, { status: 'published', title: 'Lớp tập huấn tại Điện Biên', startDate: '2026-05-04' });
    await createTopicFixture(t, other.session.id, { sittingId: other.sittings[0].id, startTime: '08:00', endTime: '09:30', lecturers: [lecturer.user] });
    const before = await t.query(`SELECT count(*)::int AS n FROM training_sessions`);
    const res = await submitForm(org, `/sessions/${session.id}`, `/sessions/${session.id}/clone`, {
      title: 'Lớp tập huấn tại Sơn La',
      startDate: '2026-05-04',
      hostProvinceCode: '14',
      venue: 'Hội trường UBND tỉnh Sơn La',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${session.id}`);
    const back = await org.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Báo cáo viên Vàng A Sùng đã có lịch');
    const cloneForm = back.text.slice(back.text.indexOf(`action="/sessions/${session.id}/clone"`));
    expect(cloneForm).toContain('value="Lớp tập huấn tại Sơn La"');
    expect(cloneForm).toContain('value="2026-05-04"');
    expect(cloneForm).toContain('value="Hội trường UBND tỉnh Sơn La"');
    expect(cloneForm).toMatch(/<option value="14" selected>/);
    expect(await t.query(`SELECT count(*)::int AS n FROM training_sessions`)).toEqual(before);
  });

  it('refuses to confirm or cancel an enrolment once the course is cancelled or completed, and offers neither', async () => {
    const trainee = await createTraineeFixture(t, { fullName: 'Lò Thị Xuân' });
    for (const status of ['cancelled', 'completed'] as const) {
      const { session } = await createSessionFixture(t, { status });
      const e = await enrollFixture(t, session.id, trainee.id, 'registered');
      const page = `/sessions/${session.id}/enrollments`;
      const list = await org.get(page).expect(200);
      expect(list.text).not.toContain(`${page}/${e.id}/confirm`);
      expect(list.text).not.toContain(`${page}/${e.id}/cancel`);
      for (const action of ['confirm', 'cancel']) {
        const res = await submitForm(org, page, `${page}/${e.id}/${action}`, {});
        expect(res.status).toBe(303);
        const back = await org.get(res.headers.location).expect(200);
        expect(pageText(back.text)).toContain('Lớp đã kết thúc hoặc đã hủy, không thể thay đổi đăng ký.');
      }
      expect(await t.query(`SELECT status FROM enrollments WHERE id = $1`, [e.id])).toEqual([{ status: 'registered' }]);
      expect(await t.query(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [e.id])).toHaveLength(0);
    }
  });

  it('creates a portal account for a trainee with an email whose phone (a commune office number) is already another trainee\'s login', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const first = await createTraineeFixture(t, { fullName: 'Giàng A Páo', phone: '0912345601' });
    const second = await createTraineeFixture(t, { fullName: 'Sùng Thị Mỷ', phone: '0912345601', email: 'sung.thi.my@laichau.gov.vn' });
    const ea = await enrollFixture(t, session.id, first.id);
    const eb = await enrollFixture(t, session.id, second.id);
    const page = `/sessions/${session.id}/enrollments`;
    expect((await submitForm(org, page, `${page}/${ea.id}/account`, {})).status).toBe(303);
    const res = await submitForm(org, page, `${page}/${eb.id}/account`, {});
    expect(res.status).toBe(303);
    const text = pageText((await org.get(res.headers.location)).text);
    expect(text).toContain('Đã tạo tài khoản cho Sùng Thị Mỷ. Tên đăng nhập: sung.thi.my@laichau.gov.vn.');
    const accounts = await t.query<{ trainee_id: string; email: string | null; phone: string | null }>(`SELECT trainee_id, email, phone FROM users WHERE trainee_id = ANY($1) ORDER BY email NULLS FIRST`, [[first.id, second.id]]);
    expect(accounts).toEqual([
      { trainee_id: first.id, email: null, phone: expect.any(String) },
      { trainee_id: second.id, email: 'sung.thi.my@laichau.gov.vn', phone: null },
    ]);
  });
});
