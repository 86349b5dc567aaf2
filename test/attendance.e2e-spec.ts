import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { csrfToken, login, pageText, submitForm } from './support/http';
import { createEnrolledSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { pdfPageCount, pdfText } from './support/pdf';
import { binaryParser } from './support/zip';
import { DataSource } from 'typeorm';
import { Clock } from '../src/attendance/clock';
import { AttendanceRepository } from '../src/attendance/attendance.repository';
import { poolOf } from '../src/database/prepared-query';
import { sittingLabel } from '../src/attendance/attendance-rules';

type Agent = ReturnType<typeof request.agent>;

/** Reads a binary response body into a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('attendance: marks, QR check-in, offline batches, roster', () => {
  let t: TestApp;
  let clock: Clock;
  let organiser: Agent;
  let organiserCsrf: string;
  let organiserId: string;
  let lecturer: Agent;
  let lecturerCsrf: string;
  let lecturerUser: Awaited<ReturnType<typeof createUser>>['user'];

  const at = (local: string, date = '2025-09-25') => `${date}T${local}+07:00`;

  beforeAll(async () => {
    t = await bootApp({ PUBLIC_URL: 'https://taphuan.test' });
    clock = t.app.get(Clock);
    const org = await createUser(t, 'organiser', { fullName: 'Nguyễn Thị Tổ Chức' });
    organiserId = org.user.id;
    organiser = t.agent();
    await login(organiser, org.login, org.password);
    organiserCsrf = await csrfToken(organiser);
    const lec = await createUser(t, 'lecturer');
    lecturerUser = lec.user;
    lecturer = t.agent();
    await login(lecturer, lec.login, lec.password);
    lecturerCsrf = await csrfToken(lecturer);
  });
  afterAll(async () => {
    clock.set(null);
    await t.close();
  });

  /** Session settings as an organiser changes them: the API's partial edit (the edit form is tested on its own). */
  const setSession = (sessionId: string, body: Record<string, unknown>) => organiser.patch(`/api/v1/sessions/${sessionId}`).set('x-csrf-token', organiserCsrf).send(body).expect(200);
  const sendBatch = (entries: unknown[]) => organiser.post('/api/v1/attendance/batch').set('x-csrf-token', organiserCsrf).send({ entries });
  const scan = (agent: Agent, csrf: string, body: Record<string, unknown>) => agent.post('/api/v1/attendance/scan').set('x-csrf-token', csrf).send(body);
  const marks = (sittingId: string) =>
    t.query<{ enrollment_id: string; status: string; method: string; marked_at: Date; marked_by_id: string | null; reason: string | null }>(
      'SELECT enrollment_id, status, method, marked_at, marked_by_id, reason FROM attendance_marks WHERE sitting_id = $1 ORDER BY marked_at',
      [sittingId],
    );

  it('checks a trainee in from the printed QR URL, then answers a second scan with the first time and changes nothing', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const [morning] = fx.sittings;
    const e = fx.enrollments[0];
    clock.set(at('07:58:00'));
    const first = await scan(organiser, organiserCsrf, { token: `https://taphuan.test/checkin/t/${e.checkinToken}`, sittingId: morning.id }).expect(200);
    expect(first.body).toMatchObject({ outcome: 'recorded', status: 'late', markedAtLocal: '07:58', trainee: { fullName: fx.trainees[0].fullName, communeName: 'Xã Sin Suối Hồ', provinceName: 'Tỉnh Lai Châu' } });

    clock.set(at('08:20:00'));
    const second = await scan(organiser, organiserCsrf, { token: e.checkinToken, sittingId: morning.id }).expect(200);
    expect(second.body.outcome).toBe('already');
    expect(second.body.message).toContain('đã điểm danh lúc 07:58');

    const rows = await marks(morning.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ enrollment_id: e.id, status: 'late', method: 'qr', marked_by_id: organiserId });
    expect(new Date(rows[0].marked_at).toISOString()).toBe('2025-09-25T00:58:00.000Z');
    const audit = await t.query<{ actor_id: string; old_value: unknown; new_value: { status: string } }>(
      `SELECT actor_id, old_value, new_value FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'enrollmentId' = $1`,
      [e.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: organiserId, old_value: null, new_value: { status: 'late', method: 'qr' } });
  });

  it('marks late after the grace time (session setting over the default)', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const [morning] = fx.sittings;
    clock.set(at('07:46:00'));
    const late = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).expect(200);
    expect(late.body.status).toBe('late');
    // The organiser sets 30 minutes on the session's edit form.
    const editUrl = `/sessions/${fx.session.id}/edit`;
    const edit = await organiser.get(editUrl).expect(200);
    expect(pageText(edit.text)).toContain('Để trống để dùng mức chung của hệ thống (15 phút)');
    const s = fx.session;
    const fields = { title: s.title, organisingUnit: s.organisingUnit, hostProvinceCode: s.hostProvinceCode, venue: s.venue, startDate: s.startDate, endDate: s.endDate };
    const tooLong = await submitForm(organiser, editUrl, `/sessions/${s.id}`, { ...fields, lateGraceMinutes: '90' });
    expect(tooLong.status).toBe(303);
    const refusedPage = (await organiser.get(tooLong.headers.location).expect(200)).text;
    expect(pageText(refusedPage)).toContain('Số phút được phép đến muộn từ 0 đến 60.');
    expect(refusedPage).toMatch(/id="lateGraceMinutes" name="lateGraceMinutes"[^>]*value="90"/);
    const saved = await submitForm(organiser, editUrl, `/sessions/${s.id}`, { ...fields, lateGraceMinutes: '30', selfCheckinEnabled: 'on' });
    expect(saved.headers.location).toBe(`/sessions/${s.id}`);
    const show = pageText((await organiser.get(saved.headers.location).expect(200)).text);
    expect(show).toContain('Tự điểm danh Có (mã trên màn chiếu)');
    expect(show).toContain('Được phép đến muộn 30 phút sau giờ bắt đầu buổi');
    const [row] = await t.query<{ late_grace_minutes: number; self_checkin_enabled: boolean }>('SELECT late_grace_minutes, self_checkin_enabled FROM training_sessions WHERE id = $1', [s.id]);
    expect(row).toEqual({ late_grace_minutes: 30, self_checkin_enabled: true });
    const [audit] = await t.query<{ old_value: Record<string, unknown>; new_value: Record<string, unknown> }>(
      `SELECT old_value, new_value FROM audit_log WHERE action = 'session.update' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [s.id],
    );
    expect(audit.old_value).toMatchObject({ lateGraceMinutes: null, selfCheckinEnabled: false });
    expect(audit.new_value).toMatchObject({ lateGraceMinutes: 30, selfCheckinEnabled: true });
    const onTime = await scan(organiser, organiserCsrf, { token: fx.enrollments[1].checkinToken, sittingId: morning.id }).expect(200);
    expect(onTime.body.status).toBe('present');
  });

  it('turns 100 concurrent scans of one token into exactly one mark', async () => {
    const fx = await createEnrolledSessionFixture(t, 1);
    const [morning] = fx.sittings;
    clock.set(at('07:40:00'));
    const token = fx.enrollments[0].checkinToken;
    const responses = await Promise.all(Array.from({ length: 100 }, () => scan(organiser, organiserCsrf, { token, sittingId: morning.id })));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(responses.filter((r) => r.body.outcome === 'recorded')).toHaveLength(1);
    expect(responses.filter((r) => r.body.outcome === 'already')).toHaveLength(99);
    expect(await marks(morning.id)).toHaveLength(1);
    const [{ n }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'enrollmentId' = $1`, [fx.enrollments[0].id]);
    expect(n).toBe(1);
  });

  it('answers scans that arrive together each with its own trainee: a mix of good and bad tokens over two sittings', async () => {
    const fx = await createEnrolledSessionFixture(t, 6);
    const other = await createEnrolledSessionFixture(t, 1);
    const [morning, afternoon] = fx.sittings;
    clock.set(at('07:40:00'));
    await scan(organiser, organiserCsrf, { token: fx.enrollments[5].checkinToken, sittingId: morning.id }).expect(200);
    const sent = [
      ...fx.enrollments.slice(0, 5).map((e) => ({ token: e.checkinToken, sittingId: morning.id })),
      { token: fx.enrollments[5].checkinToken, sittingId: morning.id },
      { token: 'y'.repeat(40), sittingId: morning.id },
      { token: other.enrollments[0].checkinToken, sittingId: morning.id },
      { token: fx.enrollments[0].checkinToken, sittingId: afternoon.id },
      { token: fx.enrollments[1].checkinToken, sittingId: '00000000-0000-4000-8000-000000000000' },
    ];
    const responses = await Promise.all(sent.map((body) => scan(organiser, organiserCsrf, body)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 404, 422, 422, 404]);
    responses.slice(0, 5).forEach((r, i) => expect(r.body).toMatchObject({ outcome: 'recorded', trainee: { enrollmentId: fx.enrollments[i].id, fullName: fx.trainees[i].fullName } }));
    expect(responses[5].body).toMatchObject({ outcome: 'already', trainee: { enrollmentId: fx.enrollments[5].id } });
    expect(responses[6].body.message).toContain('không tìm thấy học viên');
    expect(responses[7].body.message).toContain(`Mã QR của ${other.trainees[0].fullName} thuộc lớp khác`);
    expect(responses[8].body.message).toContain('chưa đến giờ điểm danh');
    expect(responses[9].body.message).toBe('Không tìm thấy buổi học.');
    expect((await marks(morning.id)).map((m) => m.enrollment_id).sort()).toEqual(fx.enrollments.map((e) => e.id).sort());
    expect(await marks(afternoon.id)).toHaveLength(0);
  });

  it('reads the contexts of scans made in the same turn in one query, each matched to its own scan', async () => {
    const fx = await createEnrolledSessionFixture(t, 3);
    const [morning, afternoon] = fx.sittings;
    const repo = t.app.get(AttendanceRepository);
    const pool = poolOf(t.app.get(DataSource));
    const query = jest.spyOn(pool, 'query');
    try {
      const contexts = await Promise.all([
        repo.checkinContext(morning.id, fx.enrollments[2].checkinToken),
        repo.checkinContext(afternoon.id, fx.enrollments[0].checkinToken),
        repo.checkinContext(morning.id, 'z'.repeat(40)),
        repo.checkinContext('00000000-0000-4000-8000-000000000000', fx.enrollments[1].checkinToken),
        repo.checkinContext(morning.id, fx.enrollments[1].checkinToken),
      ]);
      expect(query.mock.calls.filter(([q]) => (q as { name?: string }).name === 'attendance.checkin-context')).toHaveLength(1);
      expect(contexts.map((c) => c && [c.sitting.id, c.enrollment?.enrollmentId ?? null])).toEqual([
        [morning.id, fx.enrollments[2].id],
        [afternoon.id, fx.enrollments[0].id],
        [morning.id, null],
        null,
        [morning.id, fx.enrollments[1].id],
      ]);
    } finally {
      query.mockRestore();
    }
  });

  it('refuses unknown, cancelled and other sessions’ tokens, and scans outside the window, with clear messages', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const other = await createEnrolledSessionFixture(t, 1);
    const [morning] = fx.sittings;
    await t.query(`UPDATE enrollments SET status = 'cancelled' WHERE id = $1`, [fx.enrollments[1].id]);
    clock.set(at('07:35:00'));
    const unknown = await scan(organiser, organiserCsrf, { token: 'x'.repeat(32), sittingId: morning.id }).expect(404);
    expect(unknown.body.message).toContain('không tìm thấy học viên');
    const garbage = await scan(organiser, organiserCsrf, { token: 'https://example.com/hello', sittingId: morning.id }).expect(404);
    expect(garbage.body.message).toContain('Mã QR không hợp lệ');
    const cancelled = await scan(organiser, organiserCsrf, { token: fx.enrollments[1].checkinToken, sittingId: morning.id }).expect(409);
    expect(cancelled.body.message).toContain('đã hủy đăng ký');
    const foreign = await scan(organiser, organiserCsrf, { token: other.enrollments[0].checkinToken, sittingId: morning.id }).expect(422);
    expect(foreign.body.message).toContain('thuộc lớp khác');

    clock.set(at('06:00:00'));
    const early = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).expect(422);
    expect(early.body.message).toContain('chưa đến giờ điểm danh (bắt đầu lúc 07:30 ngày 25/09/2025)');
    clock.set(at('12:10:00'));
    const ended = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).expect(422);
    expect(ended.body.message).toContain('đã kết thúc lúc 11:30');

    clock.set(at('07:35:00'));
    await t.query(`UPDATE training_sessions SET status = 'cancelled' WHERE id = $1`, [fx.session.id]);
    const cancelledSession = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).expect(409);
    expect(cancelledSession.body.message).toContain('Lớp đã bị hủy');
    const bad = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: 'not-a-uuid' }).expect(400);
    expect(bad.body.message).toBe('Buổi học không hợp lệ.');
    expect(await marks(morning.id)).toHaveLength(0);
  });

  it('gives a lecturer 403 on every way of changing a mark', async () => {
    const fx = await createEnrolledSessionFixture(t, 1);
    const [morning] = fx.sittings;
    clock.set(at('07:35:00'));
    await scan(lecturer, lecturerCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).expect(403);
    await lecturer
      .post('/api/v1/attendance/batch')
      .set('x-csrf-token', lecturerCsrf)
      .send({ entries: [{ clientScanId: 'lecturer-scan-1', token: fx.enrollments[0].checkinToken, sittingId: morning.id, scannedAt: at('07:31:00') }] })
      .expect(403);
    const rosterUrl = `/sessions/${fx.session.id}/sittings/${morning.id}/roster`;
    await createTopicFixture(t, fx.session.id, { sittingId: morning.id, lecturers: [lecturerUser] });
    const page = await lecturer.get(rosterUrl).expect(200); // teaches here: may look
    expect(page.text).not.toContain('name="enrollmentIds"');
    const res = await lecturer.post(rosterUrl).type('form').send({ _csrf: lecturerCsrf, scope: 'selected', status: 'absent', enrollmentIds: fx.enrollments[0].id });
    expect(res.status).toBe(403);
    expect(await marks(morning.id)).toHaveLength(0);
  });

  it('shows a session’s attendance and trainee list to a lecturer only where they teach a topic', async () => {
    const fx = await createEnrolledSessionFixture(t, 1);
    const [morning] = fx.sittings;
    const urls = [
      `/sessions/${fx.session.id}/attendance`,
      `/sessions/${fx.session.id}/sittings/${morning.id}/roster`,
      `/sessions/${fx.session.id}/attendance/export.csv`,
      `/sessions/${fx.session.id}/attendance/export.xlsx`,
      `/sessions/${fx.session.id}/attendance/export.pdf`,
    ];
    // Another lecturer's topic is not enough.
    const other = await createUser(t, 'lecturer');
    await createTopicFixture(t, fx.session.id, { sittingId: morning.id, lecturers: [other.user] });
    for (const url of urls) {
      const res = await lecturer.get(url);
      expect([url, res.status]).toEqual([url, 403]);
      expect(res.text).not.toContain(fx.trainees[0].fullName);
    }
    expect(pageText((await lecturer.get(urls[0])).text)).toContain('Báo cáo viên chỉ xem được điểm danh của lớp có chuyên đề mình giảng dạy.');
    await createTopicFixture(t, fx.session.id, { sittingId: fx.sittings[1].id, lecturers: [lecturerUser] });
    for (const url of urls) expect([url, (await lecturer.get(url)).status]).toEqual([url, 200]);
    expect(pageText((await lecturer.get(urls[1])).text)).toContain(fx.trainees[0].fullName);
  });

  it('accepts an offline batch idempotently: the retry creates nothing, scan times are kept, bad entries are answered one by one', async () => {
    const fx = await createEnrolledSessionFixture(t, 4);
    const [morning] = fx.sittings;
    clock.set(at('09:30:00')); // the phone syncs long after the scans
    const entries = [
      { clientScanId: 'scan-0001-aaaa', token: fx.enrollments[0].checkinToken, sittingId: morning.id, scannedAt: at('07:41:10') },
      { clientScanId: 'scan-0002-bbbb', token: `https://taphuan.test/checkin/t/${fx.enrollments[1].checkinToken}`, sittingId: morning.id, scannedAt: at('07:52:00') },
      { clientScanId: 'scan-0003-cccc', sittingId: morning.id, scannedAt: at('07:50:00') },
      'not an object',
      { clientScanId: 'scan-0005-eeee', token: fx.enrollments[2].checkinToken, sittingId: morning.id, scannedAt: 'yesterday' },
      { clientScanId: 'scan-0006-ffff', token: 'y'.repeat(32), sittingId: morning.id, scannedAt: at('07:45:00') },
      { clientScanId: 'scan-0007-gggg', token: fx.enrollments[3].checkinToken, sittingId: morning.id, scannedAt: at('11:00:00', '2025-09-26') },
      { clientScanId: 'scan-0008-hhhh', token: fx.enrollments[0].checkinToken, sittingId: morning.id, scannedAt: at('07:43:00') },
      { clientScanId: 'scan-0009-iiii', token: fx.enrollments[3].checkinToken, sittingId: morning.id, scannedAt: at('10:00:00') },
    ];
    const send = () => organiser.post('/api/v1/attendance/batch').set('x-csrf-token', organiserCsrf).send({ entries }).expect(200);
    const first = await send();
    expect(first.body).toMatchObject({ recorded: 2, already: 1, failed: 6 });
    const r = first.body.results;
    expect(r[0]).toMatchObject({ index: 0, ok: true, result: { outcome: 'recorded', status: 'present', markedAtLocal: '07:41' } });
    expect(r[1]).toMatchObject({ index: 1, ok: true, result: { outcome: 'recorded', status: 'late', markedAtLocal: '07:52' } });
    expect(r[2]).toMatchObject({ index: 2, ok: false, statusCode: 400, message: 'Thiếu mã QR.' });
    expect(r[3]).toMatchObject({ index: 3, ok: false, statusCode: 400 });
    expect(r[4]).toMatchObject({ index: 4, ok: false, statusCode: 400, message: 'Thời điểm quét không hợp lệ.' });
    expect(r[5]).toMatchObject({ index: 5, ok: false, statusCode: 404 });
    expect(r[5].reason).toBeUndefined();
    // Refused for its time (the phone's clock, as often as not): the phone keeps it in sight instead of dropping it.
    expect(r[6]).toMatchObject({ index: 6, ok: false, statusCode: 422, reason: 'scan-time' });
    expect(r[7]).toMatchObject({ index: 7, ok: true, result: { outcome: 'already', markedAtLocal: '07:41' } });
    expect(r[8]).toMatchObject({ index: 8, ok: false, statusCode: 422, reason: 'scan-time', message: 'Thời điểm quét ở tương lai: kiểm tra lại đồng hồ của điện thoại.' });

    const retry = await send();
    expect(retry.body).toMatchObject({ recorded: 2, already: 1, failed: 6 });
    const rows = await marks(morning.id);
    expect(rows).toHaveLength(2);
    expect(rows.map((m) => new Date(m.marked_at).toISOString())).toEqual(['2025-09-25T00:41:10.000Z', '2025-09-25T00:52:00.000Z']);
    const [{ n }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'sittingId' = $1`, [morning.id]);
    expect(n).toBe(2);

    const notArray = await organiser.post('/api/v1/attendance/batch').set('x-csrf-token', organiserCsrf).send({ entries: 'x' }).expect(400);
    expect(notArray.body.message).toBe('Danh sách lượt quét phải là một mảng.');
    expect(notArray.body.details).toEqual({ entries: ['Danh sách lượt quét phải là một mảng.'] });
    // A client that names the list wrongly is told which field is unknown and which is missing, nothing else.
    const misnamed = await organiser.post('/api/v1/attendance/batch').set('x-csrf-token', organiserCsrf).send({ scans: [] }).expect(400);
    expect(misnamed.body.details).toEqual({ scans: ['Trường không được phép: scans.'], entries: ['Thiếu danh sách lượt quét (entries).'] });
  });

  it('lets an earlier on-time scan synced from an offline phone replace a later "late" scan, audited, but never a mark set by hand', async () => {
    const fx = await createEnrolledSessionFixture(t, 3);
    const [morning] = fx.sittings;
    const [scanned, handMarked, bothLate] = fx.enrollments;
    // Phone B is online: the trainees are scanned at 07:50 (late after 07:45).
    clock.set(at('07:50:00'));
    for (const e of [scanned, bothLate]) expect((await scan(organiser, organiserCsrf, { token: e.checkinToken, sittingId: morning.id }).expect(200)).body.status).toBe('late');
    // An organiser marks the second trainee late by hand on the roster.
    const url = `/sessions/${fx.session.id}/sittings/${morning.id}/roster`;
    expect((await submitForm(organiser, url, url, { scope: 'selected', status: 'late', enrollmentIds: [handMarked.id] })).status).toBe(303);
    // Phone A was offline and scanned them on time at 07:40 (the third one at 07:47, late anyway); it syncs at 08:10.
    clock.set(at('08:10:00'));
    const entries = [
      { clientScanId: 'offline-a-0001', token: scanned.checkinToken, sittingId: morning.id, scannedAt: at('07:40:00') },
      { clientScanId: 'offline-a-0002', token: handMarked.checkinToken, sittingId: morning.id, scannedAt: at('07:40:30') },
      { clientScanId: 'offline-a-0003', token: bothLate.checkinToken, sittingId: morning.id, scannedAt: at('07:47:00') },
    ];
    const sync = () => sendBatch(entries).expect(200);
    const first = await sync();
    expect(first.body.results.map((r: { result: { outcome: string; status: string; markedAtLocal: string } }) => [r.result.outcome, r.result.status, r.result.markedAtLocal])).toEqual([
      ['recorded', 'present', '07:40'],
      ['already', 'late', '07:50'],
      ['already', 'late', '07:50'],
    ]);
    const again = await sync(); // a retried batch answers the same and changes nothing
    expect(again.body.results.map((r: { result: { outcome: string } }) => r.result.outcome)).toEqual(['recorded', 'already', 'already']);
    const rows = Object.fromEntries((await marks(morning.id)).map((m) => [m.enrollment_id, m]));
    expect(rows[scanned.id]).toMatchObject({ status: 'present', method: 'qr' });
    expect(new Date(rows[scanned.id].marked_at).toISOString()).toBe('2025-09-25T00:40:00.000Z');
    expect(rows[handMarked.id]).toMatchObject({ status: 'late', method: 'roster' });
    expect(rows[bothLate.id]).toMatchObject({ status: 'late', method: 'qr' });
    expect(new Date(rows[bothLate.id].marked_at).toISOString()).toBe('2025-09-25T00:50:00.000Z');
    const trail = await t.query<{ old_value: { status: string; markedAt: string } | null; new_value: { status: string; markedAt: string } }>(
      `SELECT old_value, new_value FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'enrollmentId' = $1 ORDER BY id`,
      [scanned.id],
    );
    expect(trail.map((x) => [x.old_value?.status ?? null, x.old_value?.markedAt ?? null, x.new_value.status, x.new_value.markedAt])).toEqual([
      [null, null, 'late', '2025-09-25T00:50:00.000Z'],
      ['late', '2025-09-25T00:50:00.000Z', 'present', '2025-09-25T00:40:00.000Z'],
    ]);
  });

  it('reads a queued scan time without a UTC offset as Vietnam time, and refuses one without a time of day', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const [morning] = fx.sittings;
    clock.set(at('09:00:00'));
    const res = await sendBatch([
      { clientScanId: 'local-time-0001', token: fx.enrollments[0].checkinToken, sittingId: morning.id, scannedAt: '2025-09-25T07:40:00' },
      { clientScanId: 'local-time-0002', token: fx.enrollments[1].checkinToken, sittingId: morning.id, scannedAt: '2025-09-25' },
    ]).expect(200);
    expect(res.body.results[0]).toMatchObject({ ok: true, result: { outcome: 'recorded', status: 'present', markedAtLocal: '07:40' } });
    expect(res.body.results[1]).toMatchObject({ ok: false, statusCode: 400, message: 'Thời điểm quét phải có cả ngày và giờ (ví dụ 2025-09-25T07:40:00+07:00).' });
    const rows = await marks(morning.id);
    expect(rows.map((m) => [m.enrollment_id, new Date(m.marked_at).toISOString()])).toEqual([[fx.enrollments[0].id, '2025-09-25T00:40:00.000Z']]);
  });

  it('compresses the phone’s roster and a large batch answer, not the short scan answer, and sends the security headers on each', async () => {
    const fx = await createEnrolledSessionFixture(t, 12);
    const [morning] = fx.sittings;
    clock.set(at('07:35:00'));
    const answer = await scan(organiser, organiserCsrf, { token: fx.enrollments[0].checkinToken, sittingId: morning.id }).set('Accept-Encoding', 'gzip').expect(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.outcome).toBe('recorded');
    const entries = fx.enrollments.map((e, i) => ({ clientScanId: `gzip-check-${i}`, token: e.checkinToken, sittingId: morning.id, scannedAt: at('07:31:00') }));
    const batch = await organiser.post('/api/v1/attendance/batch').set('x-csrf-token', organiserCsrf).set('Accept-Encoding', 'gzip').send({ entries }).expect(200);
    expect(batch.headers['content-encoding']).toBe('gzip');
    expect(batch.body.results).toHaveLength(12);
    const roster = await organiser.get(`/api/v1/attendance/sessions/${fx.session.id}/sittings/${morning.id}/roster`).set('Accept-Encoding', 'gzip').expect(200);
    expect(roster.headers['content-encoding']).toBe('gzip');
    expect(roster.body.trainees).toHaveLength(12);
    for (const res of [answer, batch, roster]) expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a scan time in the future and keeps the phone’s roster cache complete', async () => {
    const fx = await createEnrolledSessionFixture(t, 3);
    const [morning] = fx.sittings;
    clock.set(at('07:35:00'));
    const res = await organiser
      .post('/api/v1/attendance/batch')
      .set('x-csrf-token', organiserCsrf)
      .send({ entries: [{ clientScanId: 'future-scan-1', token: fx.enrollments[0].checkinToken, sittingId: morning.id, scannedAt: at('09:00:00') }] })
      .expect(200);
    expect(res.body.results[0]).toMatchObject({ ok: false, statusCode: 422 });
    await scan(organiser, organiserCsrf, { token: fx.enrollments[1].checkinToken, sittingId: morning.id }).expect(200);
    const roster = await organiser.get(`/api/v1/attendance/sessions/${fx.session.id}/sittings/${morning.id}/roster`).expect(200);
    expect(roster.body.trainees).toHaveLength(3);
    const marked = roster.body.trainees.find((x: { token: string }) => x.token === fx.enrollments[1].checkinToken);
    expect(marked).toMatchObject({ fullName: fx.trainees[1].fullName, status: 'present', markedAtLocal: '07:35', communeName: 'Xã Sin Suối Hồ' });
    await lecturer.get(`/api/v1/attendance/sessions/${fx.session.id}/sittings/${morning.id}/roster`).expect(403);
  });

  it('roster page: sorts, marks selected trainees, all remaining present, and audits every change old → new', async () => {
    const fx = await createEnrolledSessionFixture(t, 0);
    const [morning] = fx.sittings;
    const a = await createTraineeFixture(t, { fullName: 'Vàng A Dơ', communeCode: '03394' });
    const b = await createTraineeFixture(t, { fullName: 'Lò Thị Ánh', communeCode: '03394' });
    const c = await createTraineeFixture(t, { fullName: 'Hà Văn Bình', communeCode: '03394' });
    const [ea, eb, ec] = [await enrollFixture(t, fx.session.id, a.id), await enrollFixture(t, fx.session.id, b.id), await enrollFixture(t, fx.session.id, c.id)];
    clock.set(at('08:00:00'));
    const url = `/sessions/${fx.session.id}/sittings/${morning.id}/roster`;
    const byName = pageText((await organiser.get(`${url}?sort=name`).expect(200)).text);
    expect(byName.indexOf('Lò Thị Ánh')).toBeLessThan(byName.indexOf('Hà Văn Bình'));
    expect(byName.indexOf('Hà Văn Bình')).toBeLessThan(byName.indexOf('Vàng A Dơ'));
    expect(byName).toContain('Chưa điểm danh: 3 / 3');

    let res = await submitForm(organiser, url, url, { scope: 'selected', status: 'absent', enrollmentIds: [ea.id, eb.id] });
    expect(res.status).toBe(303);
    let page = pageText((await organiser.get(res.headers.location).expect(200)).text);
    expect(page).toContain('Đã ghi "Vắng" cho 2 học viên');

    res = await submitForm(organiser, url, url, { scope: 'selected', status: 'excused', enrollmentIds: [ea.id] });
    expect(res.status).toBe(303);
    page = pageText((await organiser.get(res.headers.location).expect(200)).text);
    expect(page).toContain('Vui lòng ghi lý do vắng có phép.');
    res = await submitForm(organiser, url, url, { scope: 'selected', status: 'excused', reason: 'Ốm, có giấy của trạm y tế xã', enrollmentIds: [ea.id] });
    res = await submitForm(organiser, url, url, { scope: 'remaining', status: 'present' });
    page = pageText((await organiser.get(res.headers.location).expect(200)).text);
    expect(page).toContain('Đã ghi "Có mặt" cho 1 học viên');
    expect(page).toContain('Ốm, có giấy của trạm y tế xã');

    const rows = await marks(morning.id);
    const byEnrollment = Object.fromEntries(rows.map((m) => [m.enrollment_id, m]));
    expect(byEnrollment[ea.id]).toMatchObject({ status: 'excused', method: 'roster', reason: 'Ốm, có giấy của trạm y tế xã' });
    expect(byEnrollment[eb.id]).toMatchObject({ status: 'absent', method: 'roster' });
    expect(byEnrollment[ec.id]).toMatchObject({ status: 'present', method: 'roster' });
    const trail = await t.query<{ old_value: { status: string } | null; new_value: { status: string; reason: string | null } }>(
      `SELECT old_value, new_value FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'enrollmentId' = $1 ORDER BY id`,
      [ea.id],
    );
    expect(trail.map((x) => [x.old_value?.status ?? null, x.new_value.status])).toEqual([
      [null, 'absent'],
      ['absent', 'excused'],
    ]);

    // A trainee marked absent who then shows up and is scanned: the scan wins, audited.
    clock.set(at('08:05:00'));
    const late = await scan(organiser, organiserCsrf, { token: eb.checkinToken, sittingId: morning.id }).expect(200);
    expect(late.body).toMatchObject({ outcome: 'recorded', status: 'late' });

    const foreign = await createEnrolledSessionFixture(t, 1);
    res = await submitForm(organiser, url, url, { scope: 'selected', status: 'present', enrollmentIds: [foreign.enrollments[0].id] });
    expect(res.status).toBe(303);
    expect(pageText((await organiser.get(res.headers.location)).text)).toContain('không thuộc lớp này');
  });

  it('self check-in: a trainee enters the projector code within its minute', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const [morning] = fx.sittings;
    // Off by default: the trainee is refused until the organiser switches it on through the API.
    const off = await organiser.get(`/api/v1/sessions/${fx.session.id}`).expect(200);
    expect(off.body).toMatchObject({ selfCheckinEnabled: false, lateGraceMinutes: null });
    const bad = await organiser.patch(`/api/v1/sessions/${fx.session.id}`).set('x-csrf-token', organiserCsrf).send({ selfCheckinEnabled: 'maybe', lateGraceMinutes: -5 }).expect(400);
    expect(bad.body.message).toContain('Tự điểm danh chỉ nhận giá trị có hoặc không.');
    expect(bad.body.details.lateGraceMinutes).toEqual(['Số phút được phép đến muộn từ 0 đến 60.']);
    const on = await setSession(fx.session.id, { selfCheckinEnabled: true });
    expect(on.body).toMatchObject({ selfCheckinEnabled: true, lateGraceMinutes: null, title: fx.session.title });
    const account = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [fx.trainees[0].id, account.user.id]);
    const trainee = t.agent();
    await login(trainee, account.login, account.password);
    clock.set(at('07:33:20'));
    const display = await organiser.get(`/sessions/${fx.session.id}/self-checkin/display`).expect(200);
    const code = display.text.match(/id="self-code">(\d{6})</)![1];
    const portal = await trainee.get('/attendance/me').expect(200);
    expect(portal.text).toMatch(/src="data:image\/png;base64,/);
    expect(pageText(portal.text)).toContain(fx.session.title);
    const csrf = await csrfToken(trainee, '/attendance/me');
    const wrong = await trainee.post('/api/v1/attendance/self').set('x-csrf-token', csrf).send({ sessionId: fx.session.id, code: code === '000000' ? '000001' : '000000' }).expect(422);
    expect(wrong.body.message).toContain('Mã điểm danh không đúng');
    clock.set(at('07:34:10')); // the next minute: the code just shown is still accepted
    const ok = await trainee.post('/api/v1/attendance/self').set('x-csrf-token', csrf).send({ sessionId: fx.session.id, code }).expect(200);
    expect(ok.body).toMatchObject({ outcome: 'recorded', status: 'present', markedAtLocal: '07:34' });
    // The portal form says so when the trainee enters it again.
    const again = await submitForm(trainee, '/attendance/me', '/attendance/me/self-checkin', { sessionId: fx.session.id, code });
    expect(again.status).toBe(303);
    expect(pageText((await trainee.get(again.headers.location).expect(200)).text)).toContain('Bạn đã điểm danh lúc 07:34.');
    clock.set(at('07:36:00')); // two minutes on: expired
    await trainee.post('/api/v1/attendance/self').set('x-csrf-token', csrf).send({ sessionId: fx.session.id, code }).expect(422);
    const rows = await marks(morning.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ enrollment_id: fx.enrollments[0].id, method: 'self' });

    // Not enrolled in this session → refused.
    const otherAccount = await createUser(t, 'trainee');
    const stranger = await createTraineeFixture(t);
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [stranger.id, otherAccount.user.id]);
    const other = t.agent();
    await login(other, otherAccount.login, otherAccount.password);
    clock.set(at('07:36:05'));
    const current = (await organiser.get(`/sessions/${fx.session.id}/self-checkin/display`)).text.match(/id="self-code">(\d{6})</)![1];
    const refused = await other.post('/api/v1/attendance/self').set('x-csrf-token', await csrfToken(other, '/attendance/me')).send({ sessionId: fx.session.id, code: current }).expect(403);
    expect(refused.body.message).toContain('không có tên trong danh sách');
  });

  it('self check-in: a trainee gets 5 codes in 5 minutes, then 429 (counted per account, not per address), also on the portal form', async () => {
    const fx = await createEnrolledSessionFixture(t, 2);
    const [morning] = fx.sittings;
    await setSession(fx.session.id, { selfCheckinEnabled: true });
    const agents: Agent[] = [];
    for (const tr of fx.trainees) {
      const account = await createUser(t, 'trainee');
      await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [tr.id, account.user.id]);
      const agent = t.agent();
      await login(agent, account.login, account.password);
      agents.push(agent);
    }
    const [guesser, neighbour] = agents;
    clock.set(at('07:40:20'));
    const code = (await organiser.get(`/sessions/${fx.session.id}/self-checkin/display`).expect(200)).text.match(/id="self-code">(\d{6})</)![1];
    const wrongCodes = ['000000', '000001', '000002', '000003', '000004', '000005'].filter((c) => c !== code).slice(0, 5);
    const csrf = await csrfToken(guesser, '/attendance/me');
    const send = (agent: Agent, token: string, c: string) => agent.post('/api/v1/attendance/self').set('x-csrf-token', token).send({ sessionId: fx.session.id, code: c });
    for (const c of wrongCodes) expect((await send(guesser, csrf, c)).status).toBe(422);
    // The sixth attempt is refused before the code is compared, even the right one.
    const blocked = await send(guesser, csrf, code).expect(429);
    expect(blocked.body.message).toContain('Bạn đã nhập mã quá 5 lần trong 5 phút. Vui lòng thử lại sau 5 phút');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(240);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(300);
    const form = await submitForm(guesser, '/attendance/me', '/attendance/me/self-checkin', { sessionId: fx.session.id, code });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/attendance/me');
    expect(pageText((await guesser.get('/attendance/me').expect(200)).text)).toContain('Bạn đã nhập mã quá 5 lần');
    expect(await marks(morning.id)).toHaveLength(0);
    // Another trainee behind the same address is not affected.
    const other = await send(neighbour, await csrfToken(neighbour, '/attendance/me'), code).expect(200);
    expect(other.body).toMatchObject({ outcome: 'recorded', trainee: { enrollmentId: fx.enrollments[1].id } });
    // Once the window is over, the trainee may try again.
    await t.query(`UPDATE rate_limits SET window_ends_at = now() - interval '1 second' WHERE key LIKE 'self-checkin:%'`);
    await send(guesser, csrf, code).expect(200);
    expect((await marks(morning.id)).map((m) => m.enrollment_id).sort()).toEqual(fx.enrollments.map((e) => e.id).sort());
  });
});

describe('attendance: summary, exports, badges and sign-in sheets', () => {
  let t: TestApp;
  let organiser: Agent;
  let fx: Awaited<ReturnType<typeof createEnrolledSessionFixture>>;

  beforeAll(async () => {
    t = await bootApp({ PUBLIC_URL: 'https://taphuan.test' });
    const org = await createUser(t, 'organiser');
    organiser = t.agent();
    await login(organiser, org.login, org.password);
    fx = await createEnrolledSessionFixture(t, 9, { title: 'Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ xã', minAttendancePercent: 75 });
    // One trainee from another province (Xã Yên Thành, Tuyên Quang): sheets group by province.
    await t.query(`UPDATE trainees SET commune_code = '01234', province_code = NULL WHERE id = $1`, [fx.trainees[8].id]);
    // Marks: trainee 0 present everywhere; trainee 1 late, excused, absent, absent; others unmarked.
    const ins = (e: number, s: number, status: string) =>
      t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method, reason) VALUES ($1, $2, $3, now(), 'roster', $4)`, [
        fx.enrollments[e].id,
        fx.sittings[s].id,
        status,
        status === 'excused' ? 'Họp xã' : null,
      ]);
    for (let s = 0; s < 4; s++) await ins(0, s, 'present');
    await ins(1, 0, 'late');
    await ins(1, 1, 'excused');
    await ins(1, 2, 'absent');
    await ins(1, 3, 'absent');
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string) => organiser.get(url).buffer(true).parse(binary).expect(200);

  it('shows the summary: rate per sitting, per trainee, and who is below the certificate rule', async () => {
    const page = pageText((await organiser.get(`/sessions/${fx.session.id}/attendance`).expect(200)).text);
    expect(page).toContain('9 học viên');
    expect(page).toContain('Sáng 25/09/2025');
    expect(page).toContain('22.2%'); // 2 of 9 in the first sitting
    expect(page).toContain('Học viên chưa đủ điều kiện cấp giấy chứng nhận (8)');
    expect(page).toContain(`${fx.trainees[1].fullName} Xã Sin Suối Hồ Tỉnh Lai Châu 1/4 25% Có mặt 1/4 buổi, cần 3`);
  });

  it('exports XLSX with the header block, one row a trainee, one column a sitting, totals and percentage', async () => {
    const res = await get(`/sessions/${fx.session.id}/attendance/export.xlsx`);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain('.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('Điểm danh')!;
    expect(ws.getCell('A1').value).toBe('Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ xã');
    expect(ws.getCell('A2').value).toBe('Thời gian: 25/09/2025 – 26/09/2025');
    expect(ws.getCell('A3').value).toBe('Địa điểm: Hội trường tỉnh Lai Châu'); // the venue names the province: not twice
    const header = ws.getRow(7).values as unknown[];
    expect(header.slice(1)).toEqual(['STT', 'Họ và tên', 'Chức vụ', 'Xã/phường', 'Tỉnh/thành phố', 'Sáng 25/09/2025', 'Chiều 25/09/2025', 'Sáng 26/09/2025', 'Chiều 26/09/2025', 'Số buổi có mặt', 'Tỷ lệ có mặt (%)', 'Đủ điều kiện cấp GCN', 'Mã đăng ký (không sửa)']);
    const rows: unknown[][] = [];
    for (let r = 8; r <= 16; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
    const row0 = rows.find((r) => r[1] === fx.trainees[0].fullName)!;
    expect(row0.slice(2)).toEqual(['Công chức Văn phòng - Thống kê', 'Xã Sin Suối Hồ', 'Tỉnh Lai Châu', 'x', 'x', 'x', 'x', 4, 100, 'Đạt', fx.enrollments[0].id]);
    const row1 = rows.find((r) => r[1] === fx.trainees[1].fullName)!;
    expect(row1.slice(5)).toEqual(['M', 'P', 'V', 'V', 1, 25, 'Không đạt', fx.enrollments[1].id]);
    const row2 = rows.find((r) => r[1] === fx.trainees[2].fullName)!;
    expect(row2.slice(5, 10)).toEqual([undefined, undefined, undefined, undefined, 0]); // unmarked: empty cells
    const cells = (r: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ws.getRow(r).getCell(from + i).value);
    expect(cells(17, 2, 2)).toEqual(['Tổng số có mặt']);
    expect(cells(17, 6, 9)).toEqual([2, 1, 1, 1]);
    expect(cells(18, 6, 9)).toEqual([22.2, 11.1, 11.1, 11.1]);
    expect(ws.getRow(19).getCell(1).value).toBeNull();
  });

  it('exports CSV in UTF-8 with a BOM, readable back cell by cell', async () => {
    const res = await get(`/sessions/${fx.session.id}/attendance/export.csv`);
    expect(res.headers['content-type']).toContain('text/csv');
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: string[][] = parse(res.body.toString('utf8'), { bom: true });
    expect(records[0].slice(0, 6)).toEqual(['STT', 'Họ và tên', 'Chức vụ', 'Xã/phường', 'Tỉnh/thành phố', 'Sáng 25/09/2025']);
    expect(records).toHaveLength(10);
    const r1 = records.find((r) => r[1] === fx.trainees[1].fullName)!;
    expect(r1.slice(3)).toEqual(['Xã Sin Suối Hồ', 'Tỉnh Lai Châu', 'M', 'P', 'V', 'V', '1', '25.0', 'Không đạt']);
  });

  it('exports a PDF with the names and the marks', async () => {
    const res = await get(`/sessions/${fx.session.id}/attendance/export.pdf`);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.body);
    expect(text).toContain('BẢNG TỔNG HỢP ĐIỂM DANH');
    expect(text).toContain('Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ xã');
    for (const tr of fx.trainees) expect(text).toContain(tr.fullName);
    expect(text).toMatch(/Chưa đủ điều kiện cấp giấy chứng nhận \(có mặt dưới 75% số buổi\): 8/);
    expect(text).toContain('Địa điểm: Hội trường tỉnh Lai Châu\n');
  });

  it('with excused absences counted for the certificate, calls only present and late "có mặt" and shows the counted sittings apart, in XLSX, CSV and PDF alike', async () => {
    const ex = await createEnrolledSessionFixture(t, 2, { title: 'Lớp tính vắng có phép', minAttendancePercent: 100 });
    // Trainee 0: excused, then present three times (P,x,x,x); trainee 1: present once, absent three times.
    for (const [e, sIdx, status] of [[0, 0, 'excused'], [0, 1, 'present'], [0, 2, 'present'], [0, 3, 'late'], [1, 0, 'present'], [1, 1, 'absent'], [1, 2, 'absent'], [1, 3, 'absent']] as const) {
      await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method, reason) VALUES ($1, $2, $3, now(), 'roster', $4)`, [ex.enrollments[e].id, ex.sittings[sIdx].id, status, status === 'excused' ? 'Họp xã' : null]);
    }
    // The organiser ticks "excused absences count" on the certificates page.
    const settings = { minAttendancePercent: '100', excusedCounts: 'on', issuerParent: 'Bộ Nội vụ', issuerName: 'Vụ Chính quyền địa phương', issuerCode: 'BNV-CQDP', serialFormat: '{n}/{year}/GCN-BNV', wording: 'Đã hoàn thành khóa tập huấn', placeName: 'Lai Châu', signerTitle: 'Vụ trưởng', signerName: 'Nguyễn Văn Ký' };
    const saved = await submitForm(organiser, `/sessions/${ex.session.id}/certificates`, `/sessions/${ex.session.id}/certificates/settings`, settings);
    expect(saved.status).toBe(303);
    const [{ excused_counts }] = await t.query<{ excused_counts: boolean }>('SELECT excused_counts FROM training_sessions WHERE id = $1', [ex.session.id]);
    expect(excused_counts).toBe(true);
    const name = ex.trainees[0].fullName;

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`/sessions/${ex.session.id}/attendance/export.xlsx`)).body);
    const ws = wb.getWorksheet('Điểm danh')!;
    const header = (ws.getRow(7).values as unknown[]).slice(1);
    expect(header.slice(9)).toEqual(['Số buổi có mặt', 'Tỷ lệ có mặt (%)', 'Buổi được tính cấp GCN (gồm vắng có phép)', 'Đủ điều kiện cấp GCN', 'Mã đăng ký (không sửa)']);
    const xrow = [8, 9].map((r) => (ws.getRow(r).values as unknown[]).slice(1)).find((r) => r[1] === name)!;
    expect(xrow.slice(5, 13)).toEqual(['P', 'x', 'x', 'M', 3, 75, 4, 'Đạt']);
    // The totals row counts the same "có mặt": present and late only (the excused one is not in it).
    expect([6, 7, 8, 9].map((c) => ws.getRow(10).getCell(c).value)).toEqual([1, 1, 1, 1]);
    expect(ws.getRow(10).getCell(2).value).toBe('Tổng số có mặt');

    const records: string[][] = parse((await get(`/sessions/${ex.session.id}/attendance/export.csv`)).body.toString('utf8'), { bom: true });
    expect(records[0].slice(9)).toEqual(['Số buổi có mặt', 'Tỷ lệ có mặt (%)', 'Buổi được tính cấp GCN (gồm vắng có phép)', 'Đủ điều kiện cấp GCN']);
    expect(records.find((r) => r[1] === name)!.slice(5)).toEqual(['P', 'x', 'x', 'M', '3', '75.0', '4', 'Đạt']);

    const text = await pdfText((await get(`/sessions/${ex.session.id}/attendance/export.pdf`)).body);
    expect(text).toMatch(new RegExp(`${name}[\\s\\S]*?P\\s*x\\s*x\\s*M\\s*3/4\\s*75\\.0\\s*4/4`));
    expect(text).not.toContain('4/4 100.0');
    expect(text).toContain('Buổi được tính cấp GCN (gồm vắng có phép): số buổi tính cho giấy chứng nhận');
    expect(text).toMatch(/Chưa đủ điều kiện cấp giấy chứng nhận \(tham dự \(tính cả vắng có phép\) dưới 100% số buổi\): 1\./);
  });

  it('fits the PDF of an 8-day course (16 sittings) on A4 landscape: every sitting’s whole label and every trainee’s totals, tables split across pages', async () => {
    const long = await createEnrolledSessionFixture(t, 2, { title: 'Lớp tám ngày', days: 8 });
    expect(long.sittings).toHaveLength(16);
    for (const [sIdx, sitting] of long.sittings.entries()) {
      await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, 'present', now(), 'roster')`, [long.enrollments[0].id, sitting.id]);
      if (sIdx < 12) await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, $3, now(), 'roster')`, [long.enrollments[1].id, sitting.id, sIdx === 11 ? 'late' : 'present']);
    }
    const res = await get(`/sessions/${long.session.id}/attendance/export.pdf`);
    const text = await pdfText(res.body);
    for (const sitting of long.sittings) expect(text).toContain(sittingLabel(sitting)); // "Chiều 02/10/2025", not "Chiều 02/1…"
    expect(text).not.toContain('…');
    for (const [k, range] of ['1–4', '5–8', '9–12', '13–16'].entries()) expect(text).toContain(`Bảng ${k + 1}/4: buổi ${range} trên 16 buổi`);
    // Each table repeats the trainees with their totals over the whole course.
    expect(text.match(/16\/16\s+100\.0/g)).toHaveLength(4);
    expect(text.match(/12\/16\s+75\.0/g)).toHaveLength(4);
    const boxes = [...res.body.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length).toBeGreaterThanOrEqual(4);
    for (const b of boxes) expect(b).toEqual([842, 595]);
  });

  it('orders provinces and communes by name without "Tỉnh"/"Xã"/"Phường", diacritics folded, in exports, rosters and sign-in sheets; names the province once', async () => {
    const sorted = await createEnrolledSessionFixture(t, 0, { title: 'Lớp sắp xếp theo địa bàn' });
    await t.query(`UPDATE training_sessions SET venue = 'Hội trường UBND phường Đoàn Kết' WHERE id = $1`, [sorted.session.id]);
    // Expected order: Tỉnh Điện Biên, then Tỉnh Lai Châu (Xã Bình Lư, Phường Đoàn Kết, Xã Sin Suối Hồ), then Tỉnh Tuyên Quang.
    const people = [
      ['Quàng Văn Tuyên', '01234'],
      ['Lò Thị Sìn', '03394'],
      ['Tòng Văn Đoàn', '03388'],
      ['Lường Thị Bình', '03390'],
      ['Cà Văn Điện', '03127'],
    ] as const;
    for (const [fullName, communeCode] of people) await enrollFixture(t, sorted.session.id, (await createTraineeFixture(t, { fullName, communeCode })).id);
    const expected = ['Cà Văn Điện', 'Lường Thị Bình', 'Tòng Văn Đoàn', 'Lò Thị Sìn', 'Quàng Văn Tuyên'];
    const order = (text: string, names: readonly string[]) => [...names].sort((a, b) => text.indexOf(a) - text.indexOf(b));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`/sessions/${sorted.session.id}/attendance/export.xlsx`)).body);
    const ws = wb.getWorksheet('Điểm danh')!;
    expect([8, 9, 10, 11, 12].map((r) => ws.getRow(r).getCell(2).value)).toEqual(expected);
    expect(ws.getCell('A3').value).toBe('Địa điểm: Hội trường UBND phường Đoàn Kết, Tỉnh Lai Châu');
    const sheet = await pdfText((await get(`/sessions/${sorted.session.id}/sittings/${sorted.sittings[0].id}/sign-in-sheet.pdf`)).body);
    expect(sheet).toContain('Địa điểm: Hội trường UBND phường Đoàn Kết, Tỉnh Lai Châu\n');
    const list = sheet.slice(sheet.indexOf('Ký tên'));
    expect(order(list, expected)).toEqual(expected);
    const headings = ['Tỉnh Điện Biên', 'Phường Điện Biên Phủ', 'Tỉnh Lai Châu', 'Xã Bình Lư', 'Phường Đoàn Kết', 'Xã Sin Suối Hồ', 'Tỉnh Tuyên Quang', 'Xã Yên Thành'];
    expect(order(list, headings)).toEqual(headings);
    const byCommune = pageText((await organiser.get(`/sessions/${sorted.session.id}/sittings/${sorted.sittings[0].id}/roster?sort=commune`).expect(200)).text);
    expect(order(byCommune, expected)).toEqual(['Lường Thị Bình', 'Cà Văn Điện', 'Tòng Văn Đoàn', 'Lò Thị Sìn', 'Quàng Văn Tuyên']); // binh lu, dien bien phu, doan ket, sin suoi ho, yen thanh
  });

  it('orders trainees of a commune by given name in the Vietnamese alphabet (Anh, Ánh, Ân, Dũng, Đức) in exports, rosters and sign-in sheets', async () => {
    const named = await createEnrolledSessionFixture(t, 0, { title: 'Lớp sắp xếp theo tên' });
    for (const fullName of ['Lò Văn Đức', 'Lò Văn Dũng', 'Lò Thị Ánh', 'Lò Văn Ân', 'Lò Thị Anh']) {
      await enrollFixture(t, named.session.id, (await createTraineeFixture(t, { fullName, communeCode: '03394' })).id);
    }
    // Folded to ASCII, "Đức" (duc) came before "Dũng" (dung), and "Anh"/"Ánh" in no fixed order.
    const expected = ['Lò Thị Anh', 'Lò Thị Ánh', 'Lò Văn Ân', 'Lò Văn Dũng', 'Lò Văn Đức'];
    const order = (text: string) => [...expected].sort((a, b) => text.indexOf(a) - text.indexOf(b));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`/sessions/${named.session.id}/attendance/export.xlsx`)).body);
    expect([8, 9, 10, 11, 12].map((r) => wb.getWorksheet('Điểm danh')!.getRow(r).getCell(2).value)).toEqual(expected);
    const sheet = (await pdfText((await get(`/sessions/${named.session.id}/sittings/${named.sittings[0].id}/sign-in-sheet.pdf`)).body)).normalize('NFC');
    expect(order(sheet)).toEqual(expected);
    for (const sort of ['name', 'commune', 'province']) {
      const roster = pageText((await organiser.get(`/sessions/${named.session.id}/sittings/${named.sittings[0].id}/roster?sort=${sort}`).expect(200)).text);
      expect(order(roster)).toEqual(expected);
    }
  });

  it('prints badges, 8 on an A4 sheet, with name, position, commune, province and a QR code', async () => {
    const res = await get(`/sessions/${fx.session.id}/badges.pdf`);
    expect(await pdfPageCount(res.body)).toBe(2);
    const text = await pdfText(res.body);
    for (const tr of fx.trainees) expect(text).toContain(tr.fullName);
    expect(text).toMatch(/Công chức Văn phòng -\s+Thống kê/);
    expect(text).toContain('Xã Sin Suối Hồ');
    expect(text).toContain('Tỉnh Lai Châu');
    expect(text.match(/Quét mã để điểm danh/g)).toHaveLength(9);
    const [w, h] = res.body.toString('latin1').match(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/)!.slice(1).map(Number);
    expect([Math.round(w), Math.round(h)]).toEqual([595, 842]);
  });

  it('keeps a long name and position inside their badge, cut with an ellipsis', async () => {
    const long = await createEnrolledSessionFixture(t, 2);
    const position = `Công chức ${'Văn phòng - Thống kê, Tư pháp - Hộ tịch, '.repeat(8)}HẾT CHỨC VỤ`;
    await t.query(`UPDATE trainees SET position = $1, full_name = $2 WHERE id = $3`, [position, 'Hoàng Thị Phương Thảo Nguyên Khánh Linh Ngọc Ánh Dương', long.trainees[0].id]);
    const text = (await pdfText((await get(`/sessions/${long.session.id}/badges.pdf`)).body)).normalize('NFC');
    expect(text).toContain('Công chức Văn phòng');
    expect(text).toContain('…');
    expect(text).not.toContain('HẾT CHỨC VỤ');
    // What follows the position on the badge is still printed, in its place.
    expect(text.match(/Xã Sin Suối Hồ/g)).toHaveLength(2);
    expect(text.match(/Quét mã để điểm danh/g)).toHaveLength(2);
  });

  it('prints the sign-in sheet of a sitting, grouped by province and commune, with a signature column', async () => {
    const res = await get(`/sessions/${fx.session.id}/sittings/${fx.sittings[1].id}/sign-in-sheet.pdf`);
    const text = await pdfText(res.body);
    expect(text).toContain('DANH SÁCH HỌC VIÊN KÝ TÊN');
    expect(text).toContain('Chiều 25/09/2025');
    expect(text).toContain('Ký tên');
    expect(text).toContain('Tỉnh Lai Châu');
    expect(text).toContain('Xã Sin Suối Hồ');
    for (const tr of fx.trainees) expect(text).toContain(tr.fullName);
    expect(text).toContain('Tổng số: 9 học viên');
    // Grouped: the Lai Châu heading, its trainees, then the Tuyên Quang heading and its trainee.
    const iLai = text.indexOf('Tỉnh Lai Châu');
    const iTuyen = text.indexOf('Tỉnh Tuyên Quang');
    expect(iLai).toBeGreaterThan(-1);
    expect(iTuyen).toBeGreaterThan(text.indexOf(fx.trainees[7].fullName));
    expect(text.indexOf('Xã Yên Thành')).toBeGreaterThan(iTuyen);
    expect(text.indexOf(fx.trainees[8].fullName)).toBeGreaterThan(iTuyen);
  });

  it('refuses printouts and exports to trainees', async () => {
    const tr = await createUser(t, 'trainee');
    const agent = t.agent();
    await login(agent, tr.login, tr.password);
    await agent.get(`/sessions/${fx.session.id}/attendance/export.xlsx`).expect(403);
    await agent.get(`/sessions/${fx.session.id}/badges.pdf`).expect(403);
  });

  it('serves the check-in page with its scripts, the QR decoder and the service worker from the app, linked by versions of their content', async () => {
    const page = await organiser.get(`/sessions/${fx.session.id}/checkin?sitting=${fx.sittings[0].id}`).expect(200);
    // Each file is linked with a version taken from its content, so a phone that cached yesterday's file for a
    // day fetches the new one as soon as it changes.
    const versioned: string[] = [];
    for (const path of ['/assets/css/app.css', '/assets/vendor/jsQR.js', '/assets/vendor/idb.js', '/assets/js/checkin.js']) {
      const served = await t.agent().get(path).buffer(true).parse(binaryParser).expect(200);
      const url = `${path}?v=${createHash('sha256').update(served.body as Buffer).digest('hex').slice(0, 10)}`;
      expect(page.text).toContain(path.endsWith('.css') ? `<link rel="stylesheet" href="${url}">` : `<script src="${url}" defer></script>`);
      await t.agent().get(url).expect(200);
      versioned.push(url);
    }
    expect(page.text).toContain(`data-sitting="${fx.sittings[0].id}"`);
    expect(page.text).toMatch(/<meta name="csrf-token" content="[^"]+">/);
    const jsqr = await t.agent().get('/assets/vendor/jsQR.js').expect(200);
    expect(jsqr.headers['content-type']).toContain('javascript');
    expect(jsqr.text).toContain('jsQR');
    await t.agent().get('/assets/vendor/idb.js').expect(200);
    await t.agent().get('/assets/vendor/nothing.js').expect(404);
    const sw = await t.agent().get('/checkin-sw.js').expect(200);
    expect(sw.headers['service-worker-allowed']).toBe('/');
    // Its cache is named after the versions of the assets it keeps cache-first, so a new checkin.js reaches phones.
    const hash = createHash('sha256');
    for (const url of [versioned[0], versioned[3], versioned[1], versioned[2]]) hash.update(url);
    expect(sw.text).toContain(`var CACHE = 'taphuan-checkin-${hash.digest('hex').slice(0, 16)}';`);
    // It keeps them under the versioned addresses the pages use, so an older worker still in control after a
    // deployment fetches the new version instead of answering with the one it kept.
    expect(sw.text).toContain(`var ASSETS = ${JSON.stringify([versioned[0], versioned[3], versioned[1], versioned[2]])};`);
    // Names that are not a vendored file are 404, not a 500 (an object's own property names included).
    await t.agent().get('/assets/vendor/constructor').expect(404);
    await t.agent().get('/assets/vendor/__proto__').expect(404);
    await t.agent().get('/assets/js/checkin.js').expect(200);
  });

  it('judges "below the certificate rule" with its required topics, as the certificates page does', async () => {
    // Trainee 2: present in 3 sittings of 4 (75 %, enough) but absent from the one whose topic is required.
    for (const [s, status] of [[0, 'present'], [1, 'present'], [2, 'absent'], [3, 'present']] as const) {
      await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, $3, now(), 'roster')`, [fx.enrollments[2].id, fx.sittings[s].id, status]);
    }
    await t.query(`INSERT INTO topics (session_id, sitting_id, title, kind, required_for_certificate) VALUES ($1, $2, 'Chuyển đổi số cấp xã', 'topic', true)`, [fx.session.id, fx.sittings[2].id]);
    const page = pageText((await organiser.get(`/sessions/${fx.session.id}/attendance`).expect(200)).text);
    expect(page).toContain('tham dự ít nhất 75% số buổi và đủ 1 chuyên đề bắt buộc');
    expect(page).toContain('Học viên chưa đủ điều kiện cấp giấy chứng nhận (8)');
    const reason = 'Có mặt 3/4 buổi, cần 3; vắng chuyên đề bắt buộc: Chuyển đổi số cấp xã';
    expect(page).toContain(`${fx.trainees[2].fullName} Xã Sin Suối Hồ Tỉnh Lai Châu 3/4 75% ${reason}`);
    expect(page).toContain(`${fx.trainees[0].fullName} Xã Sin Suối Hồ 4/4 100% Đạt`);
    const certificates = pageText((await organiser.get(`/sessions/${fx.session.id}/certificates`).expect(200)).text);
    expect(certificates).toContain(reason);
    const xlsx = await get(`/sessions/${fx.session.id}/attendance/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const ws = wb.getWorksheet('Điểm danh')!;
    const row = Array.from({ length: 9 }, (_, i) => (ws.getRow(8 + i).values as unknown[]).slice(1)).find((r) => r[1] === fx.trainees[2].fullName)!;
    expect(row.slice(5, 12)).toEqual(['x', 'x', 'V', 'x', 3, 75, 'Không đạt']);
  });
});

describe('attendance: marks entered back from a file', () => {
  let t: TestApp;
  let organiser: Agent;
  let lecturer: Agent;
  let fx: Awaited<ReturnType<typeof createEnrolledSessionFixture>>;

  beforeAll(async () => {
    t = await bootApp();
    const org = await createUser(t, 'organiser');
    organiser = t.agent();
    await login(organiser, org.login, org.password);
    const lec = await createUser(t, 'lecturer');
    lecturer = t.agent();
    await login(lecturer, lec.login, lec.password);
    fx = await createEnrolledSessionFixture(t, 4, { title: 'Lớp nhập điểm danh từ tệp' });
    // The lecturer teaches here (so may open the attendance page) but may not enter marks.
    await createTopicFixture(t, fx.session.id, { sittingId: fx.sittings[0].id, lecturers: [lec.user] });
  });
  afterAll(async () => {
    await t.close();
  });

  const page = () => `/sessions/${fx.session.id}/attendance`;
  const upload = async (agent: Agent, file: Buffer, name: string) => {
    const token = await csrfToken(agent, page());
    return agent.post(`${page()}/import?_csrf=${encodeURIComponent(token)}`).set('Accept', 'text/html').attach('file', file, name);
  };
  const allMarks = () =>
    t.query<{ enrollment_id: string; sitting_id: string; status: string; method: string; reason: string | null }>(
      `SELECT m.enrollment_id, m.sitting_id, m.status, m.method, m.reason FROM attendance_marks m JOIN sittings s ON s.id = m.sitting_id WHERE s.session_id = $1 ORDER BY m.enrollment_id, s.date, s.starts_at`,
      [fx.session.id],
    );
  /** The session's own XLSX export, with some cells filled in as an organiser would offline. */
  const filledExport = async (fill: (ws: ExcelJS.Worksheet, rowOf: (enrollmentId: string) => number) => void) => {
    const res = await organiser.get(`${page()}/export.xlsx`).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('Điểm danh')!;
    const idCol = (ws.getRow(7).values as unknown[]).indexOf('Mã đăng ký (không sửa)');
    const rowOf = (id: string) => {
      for (let r = 8; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(idCol).value === id) return r;
      throw new Error(`no row for ${id}`);
    };
    fill(ws, rowOf);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };

  it('takes the filled-in export back: marks written with method "import", audited, and a second upload changes nothing', async () => {
    await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method, reason) VALUES ($1, $2, 'excused', now(), 'roster', 'Ốm')`, [fx.enrollments[1].id, fx.sittings[0].id]);
    const file = await filledExport((ws, rowOf) => {
      const a = ws.getRow(rowOf(fx.enrollments[0].id));
      a.getCell(6).value = 'x';
      a.getCell(7).value = 'm';
      a.getCell(8).value = 'P';
      a.getCell(9).value = 'vắng';
      const b = ws.getRow(rowOf(fx.enrollments[1].id));
      b.getCell(6).value = 'P'; // already excused ("Ốm"): unchanged, its reason kept
      b.getCell(7).value = 'X';
    });
    const res = await upload(organiser, file, 'diem-danh.xlsx');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(page());
    const after = pageText((await organiser.get(page())).text);
    expect(after).toContain('Đã nhập điểm danh từ tệp: 2 học viên, 5 ô được ghi, 1 ô không thay đổi.');
    const rows = await allMarks();
    const of = (e: number) => rows.filter((r) => r.enrollment_id === fx.enrollments[e].id).map((r) => [r.status, r.method, r.reason]);
    expect(of(0)).toEqual([
      ['present', 'import', null],
      ['late', 'import', null],
      ['excused', 'import', 'Theo tệp diem-danh.xlsx'],
      ['absent', 'import', null],
    ]);
    expect(of(1)).toEqual([
      ['excused', 'roster', 'Ốm'],
      ['present', 'import', null],
    ]);
    expect(of(2)).toEqual([]);
    const [{ n }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'attendance.mark' AND new_value->>'method' = 'import'`);
    expect(n).toBe(5);

    const again = await upload(organiser, file, 'diem-danh.xlsx');
    expect(again.status).toBe(303);
    expect(pageText((await organiser.get(page())).text)).toContain('2 học viên, 0 ô được ghi, 6 ô không thay đổi');
    expect(await allMarks()).toEqual(rows);
    // The file is named in the course's history each time, with its SHA-256 and what it changed.
    const imports = await t.query<{ new_value: Record<string, unknown> }>(`SELECT new_value FROM audit_log WHERE action = 'attendance.import' AND entity_id = $1 ORDER BY id`, [fx.session.id]);
    const sha256 = createHash('sha256').update(file).digest('hex');
    expect(imports.map((i) => i.new_value)).toEqual([
      { fileName: 'diem-danh.xlsx', sha256, rows: 2, marks: 6, changed: 5 },
      { fileName: 'diem-danh.xlsx', sha256, rows: 2, marks: 6, changed: 0 },
    ]);
  });

  it('refuses a file with any problem, names each one, and writes nothing', async () => {
    const before = await allMarks();
    const file = await filledExport((ws, rowOf) => {
      ws.getRow(rowOf(fx.enrollments[2].id)).getCell(6).value = 'x';
      ws.getRow(rowOf(fx.enrollments[3].id)).getCell(7).value = 'Q';
      const idCol = (ws.getRow(7).values as unknown[]).indexOf('Mã đăng ký (không sửa)');
      ws.getRow(rowOf(fx.enrollments[3].id)).getCell(idCol).value = '00000000-0000-4000-8000-000000000000';
    });
    const res = await upload(organiser, file, 'diem-danh.xlsx');
    expect(res.status).toBe(303);
    const text = pageText((await organiser.get(page())).text);
    expect(text).toContain('Không nhập tệp điểm danh: 2 lỗi, chưa có gì được ghi.');
    expect(text).toContain('cột "Chiều 25/09/2025" ("Q"): ký hiệu không hợp lệ');
    expect(text).toContain('mã đăng ký không thuộc lớp này');
    expect(await allMarks()).toEqual(before);
    const garbage = await upload(organiser, Buffer.from('không phải bảng tính'), 'diem-danh.xlsx');
    expect(garbage.status).toBe(303);
    expect(pageText((await organiser.get(page())).text)).toContain('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ');
    expect(await allMarks()).toEqual(before);
  });

  it('matches rows by name and commune when the file has no id column (the CSV export), and refuses a lecturer', async () => {
    const csv = (await organiser.get(`${page()}/export.csv`).buffer(true).parse(binary).expect(200)).body.toString('utf8');
    const records: string[][] = parse(csv, { bom: true });
    const name = fx.trainees[3].fullName;
    const edited = records.map((r) => (r[1] === name ? r.map((c, i) => (i === 5 ? 'x' : c)) : r));
    const text = edited.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
    const res = await upload(organiser, Buffer.from('\ufeff' + text, 'utf8'), 'diem-danh.csv');
    expect(res.status).toBe(303);
    // The rows of the first test come back unchanged; only the new cell is written.
    expect(pageText((await organiser.get(page())).text)).toContain('Đã nhập điểm danh từ tệp: 3 học viên, 1 ô được ghi, 6 ô không thay đổi.');
    const rows = (await allMarks()).filter((r) => r.enrollment_id === fx.enrollments[3].id);
    expect(rows.map((r) => [r.sitting_id, r.status, r.method])).toEqual([[fx.sittings[0].id, 'present', 'import']]);
    const refused = await upload(lecturer, Buffer.from(text, 'utf8'), 'diem-danh.csv');
    expect(refused.status).toBe(403);
  });
});

