import * as ical from 'node-ical';
import { ADMIN, bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { csrfToken, login, pageText, submitForm } from './support/http';
import { UsersService } from '../src/users/users.service';
import { User } from '../src/users/user.entity';

const SESSION_FIELDS = {
  title: 'Lớp tập huấn cán bộ, công chức cấp xã về Chương trình mục tiêu quốc gia',
  programme: 'Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi',
  organisingUnit: 'Bộ Nội vụ',
  hostProvinceCode: '12',
  hostCommuneCode: '',
  venue: 'Hội trường tỉnh Lai Châu',
  startDate: '2026-03-10',
  endDate: '2026-03-11',
  capacity: '300',
  description: 'Dành cho cán bộ, công chức cấp xã.',
};

describe('training sessions: sessions, sittings, agenda, status, clone, calendar, API', () => {
  let t: TestApp;
  let organiser: Awaited<ReturnType<typeof createUser>>;
  let lecturer: Awaited<ReturnType<typeof createUser>>;
  let lecturer2: Awaited<ReturnType<typeof createUser>>;
  let org: ReturnType<TestApp['agent']>;
  let sessionId: string;
  let sittings: { id: string; date: string; part: string; starts_at: string; ends_at: string }[];

  beforeAll(async () => {
    t = await bootApp();
    organiser = await createUser(t, 'organiser', { fullName: 'Phạm Minh Đức' });
    lecturer = await createUser(t, 'lecturer', { fullName: 'Nguyễn Văn Thành' });
    lecturer2 = await createUser(t, 'lecturer', { fullName: 'Hoàng Thị Lan' });
    org = t.agent();
    await login(org, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const sittingsOf = (id: string) =>
    t.query<{ id: string; date: string; part: string; starts_at: string; ends_at: string }>(
      `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, part, starts_at::text, ends_at::text FROM sittings WHERE session_id = $1 ORDER BY date, starts_at`,
      [id],
    );

  it('lets an organiser create a session; morning and afternoon sittings are generated from the dates', async () => {
    const res = await submitForm(org, '/sessions/new', '/sessions', SESSION_FIELDS);
    expect(res.status).toBe(303);
    const [row] = await t.query<{ id: string; status: string; title: string; title_search: string; capacity: number; created_by_id: string }>(
      `SELECT id, status, title, title_search, capacity, created_by_id FROM training_sessions WHERE title = $1`,
      [SESSION_FIELDS.title],
    );
    expect(row).toMatchObject({ status: 'draft', capacity: 300, created_by_id: organiser.user.id });
    expect(row.title_search).toContain('lop tap huan can bo');
    sessionId = row.id;
    expect(res.headers.location).toBe(`/sessions/${sessionId}`);
    sittings = await sittingsOf(sessionId);
    expect(sittings.map((s) => [s.date, s.part, s.starts_at, s.ends_at])).toEqual([
      ['2026-03-10', 'morning', '07:30:00', '11:30:00'],
      ['2026-03-10', 'afternoon', '13:30:00', '17:00:00'],
      ['2026-03-11', 'morning', '07:30:00', '11:30:00'],
      ['2026-03-11', 'afternoon', '13:30:00', '17:00:00'],
    ]);
    // The sittings the app made from the dates are in the audit trail, each under its own id, by the organiser.
    const made = await t.query<{ entity_id: string; actor_id: string; note: string }>(`SELECT entity_id, actor_id, note FROM audit_log WHERE action = 'sitting.create' AND new_value->>'sessionId' = $1`, [sessionId]);
    expect(made.map((x) => x.entity_id).sort()).toEqual(sittings.map((x) => x.id).sort());
    expect(made.every((x) => x.actor_id === organiser.user.id && x.note === 'Tạo theo ngày của lớp')).toBe(true);
    const page = await org.get(res.headers.location).expect(200);
    const text = pageText(page.text);
    expect(text).toContain(SESSION_FIELDS.title);
    expect(text).toContain('Bản nháp');
    expect(text).toContain('10/03/2026 – 11/03/2026');
    expect(page.text).toContain(`href="/sessions/${sessionId}/agenda"`);
    const audit = await t.query(`SELECT 1 FROM audit_log WHERE action = 'session.create' AND entity_id = $1`, [sessionId]);
    expect(audit).toHaveLength(1);
  });

  it('refuses an end date before the start date with a message, creating nothing', async () => {
    const before = await t.query(`SELECT count(*)::int AS n FROM training_sessions`);
    const res = await submitForm(org, '/sessions/new', '/sessions', { ...SESSION_FIELDS, title: 'Lớp ngày sai', startDate: '2026-03-12', endDate: '2026-03-10' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sessions/new');
    const back = await org.get('/sessions/new').expect(200);
    expect(pageText(back.text)).toContain('Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.');
    expect(back.text).toContain('value="Lớp ngày sai"');
    expect(await t.query(`SELECT count(*)::int AS n FROM training_sessions`)).toEqual(before);
  });

  it('refuses a lecturer or a trainee creating a session (403)', async () => {
    const lec = t.agent();
    await login(lec, lecturer.login, lecturer.password);
    expect((await lec.get('/sessions/new')).status).toBe(403);
    const token = await csrfToken(lec);
    const res = await lec.post('/api/v1/sessions').set('x-csrf-token', token).send({ ...SESSION_FIELDS, hostCommuneCode: undefined, capacity: 10 });
    expect(res.status).toBe(403);
  });

  it('lists and searches sessions without diacritics', async () => {
    const found = await org.get('/sessions?q=can bo cong chuc cap xa').expect(200);
    expect(pageText(found.text)).toContain(SESSION_FIELDS.title);
    const none = await org.get('/sessions?q=khong co lop nao').expect(200);
    expect(pageText(none.text)).not.toContain(SESSION_FIELDS.title);
  });

  it('edits a session; new days get default sittings; a sitting outside the new dates is refused', async () => {
    const res = await submitForm(org, `/sessions/${sessionId}/edit`, `/sessions/${sessionId}`, { ...SESSION_FIELDS, venue: 'Hội trường UBND tỉnh Lai Châu', endDate: '2026-03-12' });
    expect(res.status).toBe(303);
    const [row] = await t.query<{ venue: string; end_date: string }>(`SELECT venue, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM training_sessions WHERE id = $1`, [sessionId]);
    expect(row).toEqual({ venue: 'Hội trường UBND tỉnh Lai Châu', end_date: '2026-03-12' });
    expect(await sittingsOf(sessionId)).toHaveLength(6);

    const shrink = await submitForm(org, `/sessions/${sessionId}/edit`, `/sessions/${sessionId}`, { ...SESSION_FIELDS, startDate: '2026-03-11', endDate: '2026-03-12' });
    expect(shrink.status).toBe(303);
    const back = await org.get(shrink.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Còn buổi học ngày 10/03/2026 nằm ngoài thời gian mới');
    const [unchanged] = await t.query<{ start_date: string }>(`SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date FROM training_sessions WHERE id = $1`, [sessionId]);
    expect(unchanged.start_date).toBe('2026-03-10');
  });

  it('adds, edits and removes sittings; refuses a sitting outside the session', async () => {
    const add = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings`, { date: '2026-03-10', part: 'evening', startsAt: '19:00', endsAt: '21:00' });
    expect(add.status).toBe(303);
    let all = await sittingsOf(sessionId);
    const evening = all.find((s) => s.part === 'evening')!;
    expect(evening).toMatchObject({ date: '2026-03-10', starts_at: '19:00:00', ends_at: '21:00:00' });

    const outside = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings`, { date: '2026-04-01', part: 'morning', startsAt: '07:30', endsAt: '11:30' });
    expect(outside.status).toBe(303);
    const page = await org.get(`/sessions/${sessionId}/sittings`).expect(200);
    expect(pageText(page.text)).toContain('Buổi học phải nằm trong thời gian của lớp (10/03/2026 – 12/03/2026).');
    expect(await sittingsOf(sessionId)).toHaveLength(7);

    const dup = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings`, { date: '2026-03-10', part: 'morning', startsAt: '07:00', endsAt: '11:00' });
    expect(dup.status).toBe(303);
    expect(pageText((await org.get(`/sessions/${sessionId}/sittings`)).text)).toContain('Đã có buổi sáng ngày 10/03/2026.');

    const badTimes = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings/${evening.id}`, { startsAt: '21:00', endsAt: '19:00' });
    expect(badTimes.status).toBe(303);
    expect(pageText((await org.get(`/sessions/${sessionId}/sittings`)).text)).toContain('Giờ kết thúc phải sau giờ bắt đầu.');

    const edit = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings/${evening.id}`, { startsAt: '18:30', endsAt: '20:30' });
    expect(edit.status).toBe(303);
    all = await sittingsOf(sessionId);
    expect(all.find((s) => s.id === evening.id)).toMatchObject({ starts_at: '18:30:00', ends_at: '20:30:00' });

    const del = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings/${evening.id}/delete`, {});
    expect(del.status).toBe(303);
    expect(await sittingsOf(sessionId)).toHaveLength(6);
    sittings = await sittingsOf(sessionId);
  });

  it('shows each role only the sections of a session it may open, and each of them opens', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const trainee = await createTraineeFixture(t);
    await enrollFixture(t, session.id, trainee.id);
    const traineeUser = await createUser(t, 'trainee');
    await t.query(`UPDATE users SET trainee_id = $1 WHERE id = $2`, [trainee.id, traineeUser.user.id]);
    await createTopicFixture(t, session.id, { lecturers: [lecturer.user] });
    const asTrainee = t.agent();
    await login(asTrainee, traineeUser.login, traineeUser.password);
    const asLecturer = t.agent();
    await login(asLecturer, lecturer.login, lecturer.password);
    const cases: [ReturnType<TestApp['agent']>, string[]][] = [
      [org, ['Tổng quan', 'Chương trình', 'Học viên', 'Điểm danh', 'Hỏi đáp', 'Chứng nhận', 'Báo cáo']],
      [asLecturer, ['Tổng quan', 'Chương trình', 'Điểm danh', 'Hỏi đáp']],
      [asTrainee, ['Tổng quan', 'Chương trình', 'Hỏi đáp']],
    ];
    const tabsOf = (html: string) => {
      const nav = /<nav class="session-tabs"[\s\S]*?<\/nav>/.exec(html)?.[0];
      if (!nav) return null;
      return [...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({ href: m[1], label: m[2] }));
    };
    // Each tab opens, and shows the same tabs (every page knows whether a lecturer teaches there).
    const expectTabs = async (agent: ReturnType<TestApp['agent']>, sessionId: string, labels: string[]) => {
      const tabs = tabsOf((await agent.get(`/sessions/${sessionId}`).expect(200)).text)!;
      expect(tabs.map((x) => x.label)).toEqual(labels);
      for (const tab of tabs) expect([tab.href, tabsOf((await agent.get(tab.href).expect(200)).text)?.map((x) => x.label)]).toEqual([tab.href, labels]);
    };
    for (const [agent, labels] of cases) await expectTabs(agent, session.id, labels);
    // A session where the lecturer teaches nothing: its attendance would answer 403, so it has no tab.
    const { session: other } = await createSessionFixture(t, { status: 'published' });
    await createTopicFixture(t, other.id);
    await expectTabs(asLecturer, other.id, ['Tổng quan', 'Chương trình', 'Hỏi đáp']);
    await asLecturer.get(`/sessions/${other.id}/attendance`).expect(403);
    const traineeNav = /<nav class="session-tabs"[\s\S]*?<\/nav>/.exec((await asTrainee.get(`/sessions/${session.id}`)).text)![0];
    expect(traineeNav).toContain(`href="/portal/sessions/${session.id}/questions"`);
  });

  it('refuses a capacity below the trainees already enrolled (cancelled ones do not count)', async () => {
    const { session } = await createSessionFixture(t, { capacity: 10, status: 'draft' });
    for (const status of ['confirmed', 'registered', 'registered', 'cancelled'] as const) await enrollFixture(t, session.id, (await createTraineeFixture(t)).id, status);
    const fields = { ...SESSION_FIELDS, startDate: session.startDate, endDate: session.endDate };
    const low = await submitForm(org, `/sessions/${session.id}/edit`, `/sessions/${session.id}`, { ...fields, capacity: '2' });
    expect(low.status).toBe(303);
    expect(pageText((await org.get(low.headers.location)).text)).toContain('Lớp đã có 3 học viên đăng ký, không thể đặt sức chứa 2.');
    const capacity = async () => (await t.query<{ capacity: number }>(`SELECT capacity FROM training_sessions WHERE id = $1`, [session.id]))[0].capacity;
    expect(await capacity()).toBe(10);
    expect((await submitForm(org, `/sessions/${session.id}/edit`, `/sessions/${session.id}`, { ...fields, capacity: '3' })).status).toBe(303);
    expect(await capacity()).toBe(3);
  });

  it('refuses sittings that overlap or are out of order on their day, and a day that does not exist', async () => {
    const before = await sittingsOf(sessionId);
    const morning = before.find((s) => s.date === '2026-03-10' && s.part === 'morning')!;
    const evening = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings`, { date: '2026-03-10', part: 'evening', startsAt: '08:00', endsAt: '10:00' });
    expect(evening.status).toBe(303);
    expect(pageText((await org.get(`/sessions/${sessionId}/sittings`)).text)).toContain('Giờ buổi tối trùng hoặc không theo thứ tự với buổi sáng ngày 10/03/2026 (07:30–11:30).');
    const longer = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings/${morning.id}`, { startsAt: '07:30', endsAt: '16:00' });
    expect(longer.status).toBe(303);
    expect(pageText((await org.get(`/sessions/${sessionId}/sittings`)).text)).toContain('Giờ buổi sáng trùng hoặc không theo thứ tự với buổi chiều ngày 10/03/2026 (13:30–17:00).');
    const noSuchDay = await submitForm(org, `/sessions/${sessionId}/sittings`, `/sessions/${sessionId}/sittings`, { date: '2026-02-30', part: 'evening', startsAt: '19:00', endsAt: '21:00' });
    expect(noSuchDay.status).toBe(303);
    expect(pageText((await org.get(`/sessions/${sessionId}/sittings`)).text)).toContain('Ngày không hợp lệ.');
    expect(await sittingsOf(sessionId)).toEqual(before);
  });

  it('builds the agenda: topics with lecturers and non-topic items, shown day by day', async () => {
    const morning1 = sittings[0].id;
    const afternoon1 = sittings[1].id;
    const opening = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'opening',
      title: 'Khai mạc; phát biểu chào mừng của lãnh đạo UBND tỉnh Lai Châu',
      sittingId: morning1,
      startTime: '07:30',
      endTime: '08:00',
    });
    expect(opening.status).toBe(303);
    const topic = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Hệ thống thông tin quản lý Chương trình mục tiêu quốc gia',
      summary: 'Những vấn đề cần quan tâm thực hiện.',
      sittingId: morning1,
      startTime: '08:00',
      endTime: '11:30',
      lecturerIds: [lecturer.user.id, lecturer2.user.id],
    });
    expect(topic.status).toBe(303);
    const brk = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, { kind: 'break', title: 'Giải lao', sittingId: afternoon1, startTime: '15:00', endTime: '15:15' });
    expect(brk.status).toBe(303);
    const rows = await t.query<{ kind: string; title: string; lecturers: number }>(
      `SELECT t.kind, t.title, (SELECT count(*)::int FROM topic_lecturers tl WHERE tl.topic_id = t.id) AS lecturers FROM topics t WHERE session_id = $1 ORDER BY position`,
      [sessionId],
    );
    expect(rows.map((r) => [r.kind, r.lecturers])).toEqual([
      ['opening', 0],
      ['topic', 2],
      ['break', 0],
    ]);
    const agenda = await org.get(`/sessions/${sessionId}/agenda`).expect(200);
    const text = pageText(agenda.text);
    expect(text).toContain('Ngày thứ 1: Thứ Ba, 10/03/2026');
    expect(text).toContain('Ngày thứ 3: Thứ Năm, 12/03/2026');
    expect(text).toMatch(/07:30 – 08:00 Khai mạc Khai mạc; phát biểu chào mừng.*08:00 – 11:30 Hệ thống thông tin quản lý/);
    expect(text).toContain('Báo cáo viên: Hoàng Thị Lan, Nguyễn Văn Thành');
    expect(text).toContain('15:00 – 15:15 Giải lao Giải lao');
  });

  it('refuses times outside the sitting and overlapping items, changing nothing', async () => {
    const before = await t.query(`SELECT count(*)::int AS n FROM topics WHERE session_id = $1`, [sessionId]);
    const outside = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Chuyên đề ngoài giờ',
      sittingId: sittings[1].id,
      startTime: '16:00',
      endTime: '17:30',
    });
    expect(outside.status).toBe(303);
    let back = await org.get(outside.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Thời gian 16:00–17:30 nằm ngoài buổi chiều ngày 10/03/2026 (13:30–17:00).');
    expect(back.text).toContain('value="Chuyên đề ngoài giờ"');

    const overlap = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Chuyên đề trùng giờ',
      sittingId: sittings[0].id,
      startTime: '10:00',
      endTime: '11:00',
    });
    expect(overlap.status).toBe(303);
    back = await org.get(overlap.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Trùng giờ với "Hệ thống thông tin quản lý Chương trình mục tiêu quốc gia" (08:00–11:30 ngày 10/03/2026).');
    expect(await t.query(`SELECT count(*)::int AS n FROM topics WHERE session_id = $1`, [sessionId])).toEqual(before);
  });

  it('refuses a lecturer booked at the same time in another session, naming the clash', async () => {
    const other = await createSessionFixture(t, { title: 'Lớp tập huấn tại tỉnh Sơn La', startDate: '2026-03-11', days: 1, hostProvinceCode: '14' });
    await createTopicFixture(t, other.session.id, { title: 'Chuyên đề về công tác dân tộc', sittingId: other.sittings[0].id, startTime: '08:00:00', endTime: '10:00:00', lecturers: [{ id: lecturer2.user.id } as User] });
    const res = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Chuyên đề ngày thứ hai',
      sittingId: sittings[2].id,
      startTime: '09:00',
      endTime: '11:00',
      lecturerIds: lecturer2.user.id,
    });
    expect(res.status).toBe(303);
    const back = await org.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain(
      'Báo cáo viên Hoàng Thị Lan đã có lịch 08:00–10:00 ngày 11/03/2026 ở lớp "Lớp tập huấn tại tỉnh Sơn La" (chuyên đề "Chuyên đề về công tác dân tộc").',
    );
    expect(back.text).toContain(`value="${lecturer2.user.id}" checked`); // the ticked lecturer is kept
    expect(await t.query(`SELECT 1 FROM topics WHERE title = 'Chuyên đề ngày thứ hai'`)).toHaveLength(0);
    // The same item after the other session's booking is accepted.
    const ok = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Chuyên đề ngày thứ hai',
      sittingId: sittings[2].id,
      startTime: '10:00',
      endTime: '11:30',
      lecturerIds: lecturer2.user.id,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/sessions/${sessionId}/agenda`);
    expect(await t.query(`SELECT 1 FROM topics WHERE title = 'Chuyên đề ngày thứ hai'`)).toHaveLength(1);
  });

  it('refuses a non-lecturer account as lecturer', async () => {
    const res = await submitForm(org, `/sessions/${sessionId}/topics/new`, `/sessions/${sessionId}/topics`, {
      kind: 'topic',
      title: 'Chuyên đề có người không phải báo cáo viên',
      lecturerIds: organiser.user.id,
    });
    expect(res.status).toBe(303);
    expect(pageText((await org.get(res.headers.location)).text)).toContain('Báo cáo viên phải là tài khoản có vai trò báo cáo viên.');
  });

  it('exports the agenda as iCalendar in Asia/Ho_Chi_Minh that parses back', async () => {
    const res = await org.get(`/sessions/${sessionId}/calendar.ics`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const text = res.text;
    expect(text).toContain('BEGIN:VTIMEZONE');
    expect(text).toContain('TZID:Asia/Ho_Chi_Minh');
    expect(text).toMatch(/DTSTART;TZID=Asia\/Ho_Chi_Minh:20260310T073000/);
    const parsed = ical.sync.parseICS(text);
    const events = Object.values(parsed).filter((e) => e?.type === 'VEVENT') as ical.VEvent[];
    expect(events).toHaveLength(4);
    const opening = events.find((e) => String(e.summary).startsWith('Khai mạc'))!;
    expect(new Date(opening.start as Date).toISOString()).toBe('2026-03-10T00:30:00.000Z');
    expect(new Date(opening.end as Date).toISOString()).toBe('2026-03-10T01:00:00.000Z');
    const topic = events.find((e) => String(e.summary).startsWith('Hệ thống thông tin'))!;
    expect(new Date(topic.end as Date).toISOString()).toBe('2026-03-10T04:30:00.000Z');
    expect(String(topic.description)).toContain('Báo cáo viên: Hoàng Thị Lan, Nguyễn Văn Thành');
    expect(String(topic.location)).toBe('Hội trường UBND tỉnh Lai Châu');
  });

  it('hides a draft from trainees and the public programme; publishing shows it to enrolled trainees only', async () => {
    const traineeRecord = await createTraineeFixture(t);
    const traineeUser = await t.app.get(UsersService).create({ fullName: traineeRecord.fullName, phone: '0912000111', role: 'trainee', password: 'trainee-password' }, null, undefined, traineeRecord.id);
    const outsider = await createUser(t, 'trainee');
    const tr = t.agent();
    await login(tr, '0912000111', 'trainee-password');
    expect(traineeUser.user.traineeId).toBe(traineeRecord.id);
    expect((await tr.get(`/sessions/${sessionId}/agenda`)).status).toBe(404);
    expect((await t.agent().get(`/programme/${sessionId}`)).status).toBe(404);
    expect(pageText((await t.agent().get('/programme')).text)).not.toContain(SESSION_FIELDS.title);

    const pub = await submitForm(org, `/sessions/${sessionId}`, `/sessions/${sessionId}/status`, { status: 'published' });
    expect(pub.status).toBe(303);
    expect((await t.query<{ status: string }>(`SELECT status FROM training_sessions WHERE id = $1`, [sessionId]))[0].status).toBe('published');

    const publicList = await t.agent().get('/programme').expect(200);
    expect(pageText(publicList.text)).toContain(SESSION_FIELDS.title);
    // A link shared in a Zalo group or on Facebook comes back with their parameters: the page still opens (and still checks its own).
    const shared = await t.agent().get('/programme?zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&fbclid=IwAR0x').expect(200);
    expect(pageText(shared.text)).toContain(SESSION_FIELDS.title);
    expect((await t.agent().get('/programme?page=0&zarsrc=30').expect(400)).text).toContain('Trang không hợp lệ.');
    const publicPage = await t.agent().get(`/programme/${sessionId}`).expect(200);
    expect(pageText(publicPage.text)).toContain('Hệ thống thông tin quản lý Chương trình mục tiêu quốc gia');
    expect(publicPage.text).not.toContain('/materials/');

    expect((await tr.get(`/sessions/${sessionId}/agenda`)).status).toBe(404); // not enrolled yet
    await enrollFixture(t, sessionId, traineeRecord.id);
    const agenda = await tr.get(`/sessions/${sessionId}/agenda`).expect(200);
    expect(pageText(agenda.text)).toContain('Khai mạc');
    const api = await tr.get('/api/v1/sessions').expect(200);
    expect(api.body.items.map((s: { id: string }) => s.id)).toEqual([sessionId]);

    const out = t.agent();
    await login(out, outsider.login, outsider.password);
    expect((await out.get(`/sessions/${sessionId}/agenda`)).status).toBe(404);
    expect((await out.get('/api/v1/sessions').expect(200)).body.items).toEqual([]);
  });

  it('refuses an impossible status change', async () => {
    const res = await submitForm(org, `/sessions/${sessionId}`, `/sessions/${sessionId}/status`, { status: 'completed' });
    expect(res.status).toBe(303);
    expect(pageText((await org.get(res.headers.location)).text)).toContain('Không thể chuyển lớp từ trạng thái "Đã công bố" sang "Đã kết thúc".');
    expect((await t.query<{ status: string }>(`SELECT status FROM training_sessions WHERE id = $1`, [sessionId]))[0].status).toBe('published');
  });

  let cloneId: string;
  it('clones a session with its agenda, topics and lecturers to new dates and place', async () => {
    // A topic the certificate rule requires stays required in the copy.
    await t.query(`UPDATE topics SET required_for_certificate = true WHERE session_id = $1 AND title = 'Chuyên đề ngày thứ hai'`, [sessionId]);
    const res = await submitForm(org, `/sessions/${sessionId}`, `/sessions/${sessionId}/clone`, { title: '', startDate: '2026-04-20', hostProvinceCode: '14', venue: 'Hội trường tỉnh Sơn La' });
    expect(res.status).toBe(303);
    cloneId = res.headers.location.split('/').pop()!;
    expect(cloneId).not.toBe(sessionId);
    const [c] = await t.query<{ title: string; status: string; start_date: string; end_date: string; host_province_code: string; venue: string }>(
      `SELECT title, status, to_char(start_date,'YYYY-MM-DD') AS start_date, to_char(end_date,'YYYY-MM-DD') AS end_date, host_province_code, venue FROM training_sessions WHERE id = $1`,
      [cloneId],
    );
    expect(c).toEqual({ title: SESSION_FIELDS.title, status: 'draft', start_date: '2026-04-20', end_date: '2026-04-22', host_province_code: '14', venue: 'Hội trường tỉnh Sơn La' });
    expect((await sittingsOf(cloneId)).map((s) => s.date)).toEqual(['2026-04-20', '2026-04-20', '2026-04-21', '2026-04-21', '2026-04-22', '2026-04-22']);
    const topics = await t.query<{ title: string; date: string | null; start_time: string | null; lecturers: string[] }>(
      `SELECT t.title, to_char(si.date,'YYYY-MM-DD') AS date, t.start_time::text,
              coalesce(array_agg(u.full_name ORDER BY u.full_name) FILTER (WHERE u.id IS NOT NULL), '{}') AS lecturers
         FROM topics t LEFT JOIN sittings si ON si.id = t.sitting_id LEFT JOIN topic_lecturers tl ON tl.topic_id = t.id LEFT JOIN users u ON u.id = tl.user_id
        WHERE t.session_id = $1 GROUP BY t.id, si.date ORDER BY t.position`,
      [cloneId],
    );
    expect(topics.length).toBe(4);
    expect(topics.find((x) => x.title.startsWith('Hệ thống thông tin'))).toEqual({ title: 'Hệ thống thông tin quản lý Chương trình mục tiêu quốc gia', date: '2026-04-20', start_time: '08:00:00', lecturers: ['Hoàng Thị Lan', 'Nguyễn Văn Thành'] });
    expect(topics.find((x) => x.title === 'Chuyên đề ngày thứ hai')).toMatchObject({ date: '2026-04-21', start_time: '10:00:00' });
    const required = await t.query<{ title: string }>(`SELECT title FROM topics WHERE session_id = $1 AND required_for_certificate`, [cloneId]);
    expect(required.map((r) => r.title)).toEqual(['Chuyên đề ngày thứ hai']);
    // In the audit trail: the clone with where it came from and what it copied, and each sitting it made.
    const [cloned] = await t.query<{ new_value: Record<string, unknown> }>(`SELECT new_value FROM audit_log WHERE action = 'session.clone' AND entity_id = $1`, [cloneId]);
    expect(cloned.new_value).toEqual({ from: sessionId, title: SESSION_FIELDS.title, startDate: '2026-04-20', endDate: '2026-04-22', hostProvinceCode: '14', venue: 'Hội trường tỉnh Sơn La', sittings: 6, topics: 4 });
    const made = await t.query<{ entity_id: string; note: string; session_id: string }>(`SELECT entity_id, note, new_value->>'sessionId' AS session_id FROM audit_log WHERE action = 'sitting.create' AND new_value->>'sessionId' = $1`, [cloneId]);
    expect(made.map((x) => x.entity_id).sort()).toEqual((await sittingsOf(cloneId)).map((x) => x.id).sort());
    expect(made.every((x) => x.note === 'Sao chép từ lớp gốc')).toBe(true);
  });

  it('refuses a clone that would double-book a lecturer', async () => {
    // The clone above put Hoàng Thị Lan on 21/04 10:00–11:30; a second clone onto the same dates clashes.
    const res = await submitForm(org, `/sessions/${sessionId}`, `/sessions/${sessionId}/clone`, { title: 'Lớp trùng lịch', startDate: '2026-04-20', hostProvinceCode: '11', venue: 'Điện Biên' });
    expect(res.status).toBe(303);
    const back = await org.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toMatch(/Báo cáo viên (Hoàng Thị Lan|Nguyễn Văn Thành) đã có lịch/);
    expect(await t.query(`SELECT 1 FROM training_sessions WHERE title = 'Lớp trùng lịch'`)).toHaveLength(0);
  });

  it('cancels only with a reason, then refuses every edit of the cancelled session', async () => {
    const noReason = await submitForm(org, `/sessions/${cloneId}`, `/sessions/${cloneId}/status`, { status: 'cancelled', reason: '' });
    expect(noReason.status).toBe(303);
    expect(pageText((await org.get(noReason.headers.location)).text)).toContain('Vui lòng nhập lý do hủy lớp.');
    expect((await t.query<{ status: string }>(`SELECT status FROM training_sessions WHERE id = $1`, [cloneId]))[0].status).toBe('draft');

    const cancel = await submitForm(org, `/sessions/${cloneId}`, `/sessions/${cloneId}/status`, { status: 'cancelled', reason: 'Tỉnh đề nghị lùi lịch do mưa lũ.' });
    expect(cancel.status).toBe(303);
    const [row] = await t.query<{ status: string; cancel_reason: string }>(`SELECT status, cancel_reason FROM training_sessions WHERE id = $1`, [cloneId]);
    expect(row).toEqual({ status: 'cancelled', cancel_reason: 'Tỉnh đề nghị lùi lịch do mưa lũ.' });
    const page = await org.get(`/sessions/${cloneId}`).expect(200);
    expect(pageText(page.text)).toContain('Lý do hủy: Tỉnh đề nghị lùi lịch do mưa lũ.');

    const edit = await submitForm(org, `/sessions/${cloneId}`, `/sessions/${cloneId}`, { ...SESSION_FIELDS, title: 'Sửa lớp đã hủy' });
    expect(edit.status).toBe(303);
    expect(pageText((await org.get(edit.headers.location)).text)).toContain('Lớp tập huấn đã bị hủy, không thể chỉnh sửa.');
    expect((await org.get(`/sessions/${cloneId}/edit`)).status).toBe(409);
    const token = await csrfToken(org);
    const api = await org.patch(`/api/v1/sessions/${cloneId}`).set('x-csrf-token', token).send({ ...SESSION_FIELDS, hostCommuneCode: undefined, capacity: 10, title: 'Sửa lớp đã hủy' });
    expect(api.status).toBe(409);
    expect(api.body).toMatchObject({ statusCode: 409, message: 'Lớp tập huấn đã bị hủy, không thể chỉnh sửa.' });
    const [sit] = await sittingsOf(cloneId);
    const topicApi = await org.post(`/api/v1/sessions/${cloneId}/topics`).set('x-csrf-token', token).send({ kind: 'topic', title: 'Mới', sittingId: sit.id, startTime: '07:30', endTime: '08:00' });
    expect(topicApi.status).toBe(409);
    const sittingApi = await org.patch(`/api/v1/sittings/${sit.id}`).set('x-csrf-token', token).send({ startsAt: '08:00', endsAt: '11:00' });
    expect(sittingApi.status).toBe(409);
    expect(await t.query(`SELECT 1 FROM training_sessions WHERE title = 'Sửa lớp đã hủy'`)).toHaveLength(0);
    expect((await t.agent().get(`/programme/${cloneId}`)).status).toBe(404);
  });

  it('serves the JSON API with a personal token, with Vietnamese 4xx errors and OpenAPI docs', async () => {
    const token = await t.app.get(UsersService).issueApiToken(organiser.user.id);
    const auth = { Authorization: `Bearer ${token}` };
    const created = await t.agent().post('/api/v1/sessions').set(auth).send({ ...SESSION_FIELDS, hostCommuneCode: '03388', capacity: 120, title: 'Lớp tạo qua API' }).expect(201);
    expect(created.body).toMatchObject({ title: 'Lớp tạo qua API', status: 'draft', hostCommuneCode: '03388', capacity: 120 });
    expect(created.body.titleSearch).toBeUndefined();
    const id = created.body.id;
    const sits = await t.agent().get(`/api/v1/sessions/${id}/sittings`).set(auth).expect(200);
    expect(sits.body).toHaveLength(4);
    const topic = await t
      .agent()
      .post(`/api/v1/sessions/${id}/topics`)
      .set(auth)
      .send({ kind: 'topic', title: 'Chuyên đề qua API', sittingId: sits.body[1].id, startTime: '13:30', endTime: '15:00', lecturerIds: [lecturer.user.id] })
      .expect(201);
    expect(topic.body.lecturers).toEqual([{ id: lecturer.user.id, fullName: 'Nguyễn Văn Thành', title: null }]);
    const list = await t.agent().get(`/api/v1/sessions/${id}/topics`).set(auth).expect(200);
    expect(list.body.map((x: { title: string }) => x.title)).toEqual(['Chuyên đề qua API']);
    const bad = await t.agent().post('/api/v1/sessions').set(auth).send({ ...SESSION_FIELDS, hostCommuneCode: undefined, capacity: 1, startDate: '2026-05-02', endDate: '2026-05-01' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, message: 'Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.', details: { endDate: [expect.any(String)] } });
    const wrongCommune = await t.agent().post('/api/v1/sessions').set(auth).send({ ...SESSION_FIELDS, hostCommuneCode: '00004', capacity: 1 });
    expect(wrongCommune.status).toBe(400);
    expect(wrongCommune.body.message).toBe('Xã, phường không thuộc tỉnh đã chọn.');
    const moved = await t.agent().patch(`/api/v1/sittings/${sits.body[1].id}`).set(auth).send({ startsAt: '14:00', endsAt: '17:00' });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toContain('"Chuyên đề qua API" (13:30–15:00) sẽ nằm ngoài buổi học');
    // PATCH is partial: only the fields sent change; null clears an optional one; a required one cannot be emptied.
    const renamed = await t.agent().patch(`/api/v1/sessions/${id}`).set(auth).send({ title: '  Lớp   đổi tên qua API ', capacity: null }).expect(200);
    expect(renamed.body).toMatchObject({ title: 'Lớp đổi tên qua API', capacity: null, hostCommuneCode: '03388', venue: SESSION_FIELDS.venue, startDate: SESSION_FIELDS.startDate });
    const emptied = await t.agent().patch(`/api/v1/sessions/${id}`).set(auth).send({ venue: null });
    expect(emptied.status).toBe(400);
    expect(emptied.body).toMatchObject({ message: 'Không được để trống: Địa điểm.', details: { venue: [expect.any(String)] } });
    const badPatch = await t.agent().patch(`/api/v1/sessions/${id}`).set(auth).send({ capacity: 0 });
    expect(badPatch.status).toBe(400);
    const [row] = await t.query(`SELECT title, capacity, venue FROM training_sessions WHERE id = $1`, [id]);
    expect(row).toEqual({ title: 'Lớp đổi tên qua API', capacity: null, venue: SESSION_FIELDS.venue });
    const pub = await t.agent().post(`/api/v1/sessions/${id}/status`).set(auth).send({ status: 'published' }).expect(200);
    expect(pub.body.status).toBe('published');
    expect((await t.agent().get(`/api/v1/sessions/${id}`)).status).toBe(401);

    const doc = await t.agent().get('/api/docs/openapi.json').expect(200);
    for (const p of ['/api/v1/sessions', '/api/v1/sessions/{id}/sittings', '/api/v1/sessions/{id}/topics', '/api/v1/topics/{topicId}/materials', '/api/v1/materials/{materialId}/download']) {
      expect(doc.body.paths[p]).toBeDefined();
    }
    expect(Object.keys(doc.body.paths).some((p: string) => p.startsWith('/sessions'))).toBe(false);
  });

  it('lets the admin manage sessions like an organiser', async () => {
    const admin = t.agent();
    await login(admin, ADMIN.email, ADMIN.password);
    expect((await admin.get('/sessions/new')).status).toBe(200);
  });
});
