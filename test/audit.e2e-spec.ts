import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { ADMIN, bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { csrfFrom, csrfToken, login, pageText, submitForm } from './support/http';
import { createEnrolledSessionFixture } from './support/fixtures';
import { changesOf } from '../src/audit/audit-log.service';
import { todayInVietnam } from '../src/certificates/certificate-rules';
import { QUESTION_STATUS_LABELS } from '../src/qa/question.entity';

type Agent = ReturnType<typeof request.agent>;

describe('audit log: who changed what, when, old → new', () => {
  let t: TestApp;
  let organiser: Agent;
  let fx: Awaited<ReturnType<typeof createEnrolledSessionFixture>>;

  beforeAll(async () => {
    t = await bootApp();
    const org = await createUser(t, 'organiser', { fullName: 'Đặng Thị Kiểm Tra' });
    organiser = t.agent();
    await login(organiser, org.login, org.password);
    fx = await createEnrolledSessionFixture(t, 3, { title: 'Lớp để kiểm tra nhật ký' });
    // Two changes made through the product: the roster marks a trainee late, then present.
    const roster = `/sessions/${fx.session.id}/sittings/${fx.sittings[0].id}/roster`;
    for (const status of ['late', 'present']) {
      expect((await submitForm(organiser, roster, roster, { status, scope: 'selected', enrollmentIds: fx.enrollments[0].id })).status).toBe(303);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the changes newest first with the actor, the action in Vietnamese and old → new, filtered by action, actor, object and dates', async () => {
    const allHtml = (await organiser.get('/audit').expect(200)).text;
    expect(pageText(allHtml)).toContain('Nhật ký thao tác');
    const marks = pageText((await organiser.get('/audit?action=attendance.mark').expect(200)).text);
    expect(marks).toContain('2 mục');
    expect(marks).toContain('Đặng Thị Kiểm Tra');
    expect(marks).toContain('trạng thái: Đến muộn → Có mặt');
    // Newest first: the change, then the first mark (listed with its new values only).
    expect(marks.search(/cách ghi: danh sách trạng thái: Đến muộn thời điểm/)).toBeGreaterThan(marks.indexOf('trạng thái: Đến muộn → Có mặt'));
    // The actor found without diacritics; nobody else's entries.
    expect(pageText((await organiser.get('/audit?action=attendance.mark&actor=dang%20thi%20kiem').expect(200)).text)).toContain('2 mục');
    expect(pageText((await organiser.get('/audit?action=attendance.mark&actor=khong%20co%20ai').expect(200)).text)).toContain('0 mục');
    // By object: the mark's id.
    const [{ id }] = await t.query<{ id: string }>(`SELECT id FROM attendance_marks WHERE enrollment_id = $1`, [fx.enrollments[0].id]);
    expect(pageText((await organiser.get(`/audit?entityId=${id}`).expect(200)).text)).toContain('2 mục');
    // Dates are local (Asia/Ho_Chi_Minh) days.
    const today = todayInVietnam();
    expect(pageText((await organiser.get(`/audit?action=attendance.mark&from=${today}&to=${today}`).expect(200)).text)).toContain('2 mục');
    expect(pageText((await organiser.get('/audit?action=attendance.mark&from=2020-01-01&to=2020-01-31').expect(200)).text)).toContain('0 mục');
    // An object with a page of its own is linked: the session edited through the API.
    const token = await csrfToken(organiser);
    await organiser.patch(`/api/v1/sessions/${fx.session.id}`).set('x-csrf-token', token).send({ venue: 'Hội trường mới' }).expect(200);
    const edited = (await organiser.get('/audit?action=session.update').expect(200)).text;
    expect(edited).toContain(`href="/sessions/${fx.session.id}"`);
    expect(pageText(edited)).toContain('Sửa thông tin lớp');
    expect(pageText(edited)).toContain('địa điểm: Hội trường tỉnh Lai Châu → Hội trường mới');
  });

  it('names objects, fields and stored codes in Vietnamese words (no raw field names or codes on the page)', async () => {
    // A category of questions created and renumbered on its page; a sitting's times and the session's check-in settings edited through the API.
    expect((await submitForm(organiser, '/qa/categories', '/qa/categories', { name: 'Lĩnh vực để kiểm tra nhật ký', position: '7' })).status).toBe(303);
    const [category] = await t.query<{ id: string }>(`SELECT id FROM question_categories WHERE name = $1`, ['Lĩnh vực để kiểm tra nhật ký']);
    expect((await submitForm(organiser, '/qa/categories', `/qa/categories/${category.id}`, { name: 'Lĩnh vực để kiểm tra nhật ký', position: '8' })).status).toBe(303);
    const token = await csrfToken(organiser);
    const moved = await organiser.patch(`/api/v1/sittings/${fx.sittings[1].id}`).set('x-csrf-token', token).send({ startsAt: '14:00', endsAt: '16:30' });
    expect([moved.status, moved.text]).toEqual([200, expect.any(String)]);
    await organiser.patch(`/api/v1/sessions/${fx.session.id}`).set('x-csrf-token', token).send({ selfCheckinEnabled: true, lateGraceMinutes: 10 }).expect(200);

    const category_ = pageText((await organiser.get(`/audit?entityId=${category.id}`).expect(200)).text);
    expect(category_).toContain('Sửa nhóm câu hỏi');
    expect(category_).toContain('thứ tự: 7 → 8');
    expect(category_).not.toContain('question_category');
    expect(category_).not.toContain('chức vụ');
    const sitting = pageText((await organiser.get(`/audit?entityId=${fx.sittings[1].id}`).expect(200)).text);
    expect(sitting).toContain('Buổi học');
    expect(sitting).toMatch(/giờ bắt đầu: 13:30(:00)? → 14:00/);
    expect(sitting).not.toMatch(/startsAt|endsAt/);
    const session = pageText((await organiser.get(`/audit?action=session.update&entityId=${fx.session.id}`).expect(200)).text);
    expect(session).toContain('tự điểm danh: không → có');
    expect(session).toMatch(/số phút tính đến muộn: ∅ → 10/);
    expect(session).not.toMatch(/selfCheckinEnabled|lateGraceMinutes|\btrue\b|\bfalse\b/);
  });

  it('says whose account an administrator disabled, enabled or changed, with old → new', async () => {
    const admin = t.agent();
    await login(admin, ADMIN.email, ADMIN.password);
    expect((await submitForm(admin, '/admin/users/new', '/admin/users', { fullName: 'Phạm Văn Bị Khóa', email: 'bi.khoa@test.local', role: 'lecturer' })).status).toBe(303);
    const [account] = await t.query<{ id: string }>(`SELECT id FROM users WHERE email = 'bi.khoa@test.local'`);
    expect((await submitForm(admin, '/admin/users', `/admin/users/${account.id}/role`, { role: 'organiser' })).status).toBe(303);
    expect((await submitForm(admin, '/admin/users', `/admin/users/${account.id}/disable`, {})).status).toBe(303);
    expect((await submitForm(admin, '/admin/users', `/admin/users/${account.id}/enable`, {})).status).toBe(303);

    const lines = pageText((await admin.get(`/audit?entityId=${account.id}`).expect(200)).text);
    expect(lines).toContain('4 mục');
    for (const said of ['Mở khóa tài khoản', 'Khóa tài khoản', 'Đổi vai trò', 'Tạo tài khoản']) expect(lines).toContain(said);
    expect(lines).toContain('khóa: không → có');
    expect(lines).toContain('khóa: có → không');
    expect(lines).toContain('vai trò: Báo cáo viên → Ban tổ chức');
    // Whose account: the name is on every line, not only an id.
    expect(lines.split('Phạm Văn Bị Khóa').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('gathers everything about one trainee, wherever it is filed (marks, enrolments, the course entries naming them, their account), and nothing about others', async () => {
    const own = await createEnrolledSessionFixture(t, 2, { title: 'Lớp để tra nhật ký một học viên' });
    const [a, b] = own.enrollments;
    const trainee = own.trainees[0];
    await t.query(`UPDATE trainees SET phone = '0915000777' WHERE id = $1`, [trainee.id]);
    const enrollments = `/sessions/${own.session.id}/enrollments`;
    // Through the product: a mark, the enrolment cancelled and added back, a portal account, a mark for someone else.
    const roster = `/sessions/${own.session.id}/sittings/${own.sittings[0].id}/roster`;
    expect((await submitForm(organiser, roster, roster, { status: 'present', scope: 'selected', enrollmentIds: a.id })).status).toBe(303);
    expect((await submitForm(organiser, roster, roster, { status: 'present', scope: 'selected', enrollmentIds: b.id })).status).toBe(303);
    expect((await submitForm(organiser, enrollments, `${enrollments}/${a.id}/cancel`, {})).status).toBe(303);
    expect((await submitForm(organiser, enrollments, enrollments, { traineeIds: [trainee.id] })).status).toBe(303);
    expect((await submitForm(organiser, enrollments, `${enrollments}/${a.id}/account`, {})).status).toBe(303);

    const page = pageText((await organiser.get(`/audit?trainee=${trainee.id}`).expect(200)).text);
    expect(page).toContain(`Nhật ký về học viên ${trainee.fullName}`);
    expect(page).toContain('6 mục');
    const csvOf = async (query: string) => parse((await organiser.get(`/audit/export.csv?${query}`).expect(200)).text, { bom: true, columns: true }) as Record<string, string>[];
    const rows = await csvOf(`trainee=${trainee.id}`);
    expect(rows.map((r) => r['Mã thao tác']).sort()).toEqual(['attendance.mark', 'enrollment.add', 'enrollment.cancel', 'enrollment.reactivate', 'user.create', 'user.sign-in-code'].sort());
    // The enrolment's own history goes on from "cancelled": cancelled, then registered again.
    const ownHistory = await t.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'enrollment' AND entity_id = $1 ORDER BY id`, [a.id]);
    expect(ownHistory.map((h) => h.action)).toEqual(['enrollment.cancel', 'enrollment.reactivate']);
    // The other trainee's mark is not there; it is under their own name.
    expect((await csvOf(`trainee=${own.trainees[1].id}`)).map((r) => r['Mã thao tác'])).toEqual(['attendance.mark']);
    // The trainee's page leads there.
    expect((await organiser.get(`/trainees/${trainee.id}`).expect(200)).text).toContain(`href="/audit?trainee=${trainee.id}"`);
    // An unknown trainee is a 404, a malformed id a 400.
    await organiser.get('/audit?trainee=00000000-0000-4000-8000-000000000000').expect(404);
    expect((await organiser.get('/audit?trainee=abc').set('Accept', 'application/json').expect(400)).body.message).toBe('Mã học viên không hợp lệ.');
  });

  it('records every sign-in, refused sign-in and sign-out, with where it came from, and never what was typed as a password', async () => {
    const account = await createUser(t, 'lecturer', { fullName: 'Hà Văn Đăng Nhập' });
    const locked = await createUser(t, 'lecturer', { fullName: 'Hà Thị Bị Khóa' });
    await t.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [locked.user.id]);
    const attempt = async (login: string, password: string) => {
      const phone = t.agent();
      const page = await phone.get('/login').expect(200);
      await phone.post('/login').set('User-Agent', 'Mozilla/5.0 (Linux; Android 10; Redmi 9A)').type('form').send({ login, password, _csrf: csrfFrom(page.text) }).expect(303);
    };
    await attempt(account.login, 'sai-mat-khau-1');
    await attempt(locked.login, locked.password);
    await attempt('khong.co@test.local', 'bat-ky-1');
    await attempt('mat-khau-go-nham-o-day', 'x');
    await attempt('Laichau@2025', 'x'); // a password with an "@" typed in the login field

    const agent = t.agent();
    await login(agent, account.login, account.password);
    expect((await submitForm(agent, '/account', '/logout', {})).status).toBe(303);

    const rows = await t.query<{ action: string; actor_id: string | null; entity: string; entity_id: string; new_value: Record<string, string> }>(
      `SELECT action, actor_id, entity, entity_id, new_value FROM audit_log WHERE action LIKE 'user.sign-%' AND (entity_id IN ($1, $2) OR entity = 'login') ORDER BY id`,
      [account.user.id, locked.user.id],
    );
    expect(rows.map((r) => [r.action, r.entity, r.entity_id, r.actor_id, r.new_value.reason ?? null])).toEqual([
      ['user.sign-in-failed', 'user', account.user.id, null, 'wrong-password'],
      ['user.sign-in-failed', 'user', locked.user.id, null, 'disabled'],
      ['user.sign-in-failed', 'login', 'khong.co@test.local', null, 'unknown-login'],
      ['user.sign-in-failed', 'login', '(không phải email hay số điện thoại)', null, 'unknown-login'],
      ['user.sign-in-failed', 'login', '(không phải email hay số điện thoại)', null, 'unknown-login'],
      ['user.sign-in', 'user', account.user.id, account.user.id, null],
      ['user.sign-out', 'user', account.user.id, account.user.id, null],
    ]);
    expect(rows[0].new_value).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: 'Mozilla/5.0 (Linux; Android 10; Redmi 9A)' });
    expect(JSON.stringify(rows)).not.toContain('mat-khau-go-nham-o-day');
    expect(JSON.stringify(rows).toLowerCase()).not.toContain('laichau@2025');
    expect(JSON.stringify(rows)).not.toContain('sai-mat-khau-1');
    const page = pageText((await organiser.get(`/audit?entityId=${account.user.id}`).expect(200)).text);
    expect(page).toContain('Đăng nhập không thành công');
    expect(page).toContain('lý do: sai mật khẩu');
    expect(page).toContain('Đăng xuất');
  });

  it('exports what the filters select as CSV (UTF-8 with BOM) with the JSON of old and new values', async () => {
    const [{ id: markId }] = await t.query<{ id: string }>(`SELECT id FROM attendance_marks WHERE enrollment_id = $1`, [fx.enrollments[0].id]);
    const res = await organiser
      .get(`/audit/export.csv?action=attendance.mark&entityId=${markId}`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // The export itself is recorded: who took the log's personal data out, with which filters.
    const [exported] = await t.query<{ actor_id: string; new_value: unknown }>(`SELECT actor_id, new_value FROM audit_log WHERE action = 'audit.export' ORDER BY id DESC LIMIT 1`);
    expect(exported.new_value).toEqual({ filters: { action: 'attendance.mark', entityId: markId } });
    expect(exported.actor_id).toBe((await t.query<{ id: string }>(`SELECT id FROM users WHERE full_name = 'Đặng Thị Kiểm Tra'`))[0].id);
    const rows: string[][] = parse(body.toString('utf8'), { bom: true });
    expect(rows[0]).toEqual(['Thời gian', 'Người thực hiện', 'Email', 'Thao tác', 'Mã thao tác', 'Đối tượng', 'Mã đối tượng', 'Thay đổi', 'Giá trị cũ (JSON)', 'Giá trị mới (JSON)', 'Ghi chú']);
    expect(rows).toHaveLength(3);
    const [latest, first] = rows.slice(1);
    expect(latest.slice(1, 5)).toEqual(['Đặng Thị Kiểm Tra', expect.stringContaining('@'), 'Điểm danh', 'attendance.mark']);
    expect(JSON.parse(latest[8]).status).toBe('late');
    expect(JSON.parse(latest[9]).status).toBe('present');
    expect(first[8]).toBe('');
    expect(JSON.parse(first[9]).status).toBe('late');
    expect(latest[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // Named after the day in Vietnam (from 00:00 to 07:00 there, UTC still says yesterday).
    expect(res.headers['content-disposition']).toContain(`nhat-ky-${todayInVietnam()}.csv`);
  });

  it('is for organisers and admins only, and answers bad filters with a message', async () => {
    for (const role of ['lecturer', 'trainee'] as const) {
      const u = await createUser(t, role);
      const a = t.agent();
      await login(a, u.login, u.password);
      expect((await a.get('/audit')).status).toBe(403);
      expect((await a.get('/audit/export.csv')).status).toBe(403);
    }
    expect((await t.agent().get('/audit')).status).toBe(303);
    const bad = await organiser.get('/audit?from=2025-09-30&to=2025-09-01');
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain('Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.');
    expect((await organiser.get('/audit?action=DROP%20TABLE')).status).toBe(400);
  });

  it('cannot be changed or emptied through the app’s database connection (append-only in the database)', async () => {
    const [{ n }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
    expect(n).toBeGreaterThan(0);
    await expect(t.query(`UPDATE audit_log SET note = 'sửa lịch sử'`)).rejects.toThrow('audit_log is append-only: UPDATE is not allowed');
    await expect(t.query(`DELETE FROM audit_log`)).rejects.toThrow('audit_log is append-only: DELETE is not allowed');
    await expect(t.query(`TRUNCATE audit_log`)).rejects.toThrow('audit_log is append-only: TRUNCATE is not allowed');
    expect((await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`))[0].n).toBe(n);
    expect(await t.query(`SELECT 1 FROM audit_log WHERE note = 'sửa lịch sử'`)).toHaveLength(0);
  });

  it('summarises a change field by field', () => {
    expect(changesOf({ status: 'absent', reason: null }, { status: 'present', reason: null })).toEqual(['trạng thái: Vắng → Có mặt']);
    expect(changesOf(null, { title: 'Lớp A', capacity: 30, hostCommuneCode: '03388' })).toEqual(['tên: Lớp A', 'số học viên tối đa: 30', 'mã xã đăng cai: 03388']);
    // A status in the words of its object; an unknown field is still shown as stored.
    expect(changesOf({ status: 'published' }, { status: 'answered' }, 'question')).toEqual([`trạng thái: ${QUESTION_STATUS_LABELS.published} → ${QUESTION_STATUS_LABELS.answered}`]);
    expect(changesOf(null, { somethingNew: true })).toEqual(['somethingNew: có']);
    expect(changesOf({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
