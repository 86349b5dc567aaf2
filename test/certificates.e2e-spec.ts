import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import jsQR from 'jsqr';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { csrfFrom, csrfToken, login, pageText, submitForm } from './support/http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createEnrolledSessionFixture, createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { pdfPageCount, pdfText } from './support/pdf';
import { binaryParser, bodyOf, markAttendance, pdfContentStreams, zipEntries } from './support/certificates';
import { JobsService } from '../src/jobs/jobs.service';
import { AuditService } from '../src/audit/audit.service';
import { CertificateIssuingService } from '../src/certificates/certificate-issuing.service';
import { CertificatesRepository } from '../src/certificates/certificates.repository';
import { CertificateRunsService, ISSUE_RUN_JOB } from '../src/certificates/certificate-runs.service';
import { QR_BOX, qrModules } from '../src/certificates/certificate-pdf';
import { todayInVietnam } from '../src/certificates/certificate-rules';
import { DEMO_ORGANISER, DEMO_PASSWORD, DEMO_SESSION } from '../src/setup/demo-data';

type Agent = ReturnType<TestApp['agent']>;

/** A 1×1 PNG (a logo). */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('certificates', () => {
  let t: TestApp;
  let organiser: Agent;
  let organiser2: Agent;
  let organiserId: string;

  beforeAll(async () => {
    t = await bootApp({ RUN_JOBS: 'false', PUBLIC_URL: 'https://taphuan.example.vn', VERIFY_RATE_LIMIT: '60' });
    const o1 = await createUser(t, 'organiser');
    const o2 = await createUser(t, 'organiser');
    organiserId = o1.user.id;
    organiser = t.agent();
    organiser2 = t.agent();
    await login(organiser, o1.login, o1.password);
    await login(organiser2, o2.login, o2.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const certsOf = (sessionId: string) =>
    t.query<{ id: string; enrollment_id: string; serial: string; serial_number: number; status: string; verification_code: string; content: Record<string, string> }>(
      `SELECT id, enrollment_id, serial, serial_number, status, verification_code, content FROM certificates WHERE session_id = $1 ORDER BY serial_number`,
      [sessionId],
    );

  /** 8 sittings; trainee 0 present everywhere, 1 present 5 times, 2 present 5 and excused 2. */
  async function sessionWithMarks(extra: { title?: string } = {}) {
    const fx = await createEnrolledSessionFixture(t, 3, { days: 4, minAttendancePercent: 80, ...extra });
    const ids = fx.sittings.map((s) => s.id);
    await markAttendance(t, fx.enrollments[0].id, ids, 'present');
    await markAttendance(t, fx.enrollments[1].id, ids.slice(0, 4), 'present');
    await markAttendance(t, fx.enrollments[1].id, ids.slice(4, 5), 'late');
    await markAttendance(t, fx.enrollments[1].id, ids.slice(5), 'absent');
    await markAttendance(t, fx.enrollments[2].id, ids.slice(0, 5), 'present');
    await markAttendance(t, fx.enrollments[2].id, ids.slice(5, 7), 'excused');
    return fx;
  }

  const settings = (over: Record<string, string> = {}) => ({
    minAttendancePercent: '80',
    issuerParent: 'Bộ Nội vụ',
    issuerName: 'Vụ Chính quyền địa phương',
    issuerCode: 'BNV-CQDP',
    serialFormat: '{n}/{year}/GCN-BNV',
    wording: 'Đã hoàn thành khóa tập huấn',
    placeName: 'Lai Châu',
    signerTitle: 'Vụ trưởng',
    signerName: 'Nguyễn Văn Ký',
    ...over,
  });

  /** The text of the preview row of a trainee. */
  const rowOf = (html: string, name: string) => pageText([...html.matchAll(/<tr class="(?:in)?eligible">[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((r) => r.includes(name)) ?? '');

  /** Saves the settings with a signer (issuing is refused without one), keeping the default issuer Bộ Nội vụ (code BNV). */
  async function signTemplate(sessionId: string) {
    const url = `/sessions/${sessionId}/certificates`;
    const res = await submitForm(organiser, url, `${url}/settings`, settings({ issuerParent: '', issuerName: 'Bộ Nội vụ', issuerCode: 'BNV' }));
    expect(res.headers.location).toBe(`${url}#mau`);
  }

  /** A one-day session of `n` trainees present at every sitting, its template signed, and "Cấp tất cả" pressed: its run is queued. */
  async function sessionWithQueuedRun(n: number, title: string) {
    const fx = await createEnrolledSessionFixture(t, n, { days: 1, title });
    for (const e of fx.enrollments) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    const [run] = await t.query<{ id: string }>(`SELECT id FROM certificate_runs WHERE session_id = $1`, [fx.session.id]);
    return { fx, url, runId: run.id };
  }

  it('lists every enrolment with its eligibility and the reason in Vietnamese', async () => {
    const fx = await sessionWithMarks();
    const page = await organiser.get(`/sessions/${fx.session.id}/certificates`).expect(200);
    const text = pageText(page.text);
    expect(text).toContain(fx.trainees[0].fullName);
    expect(text).toContain('Đủ điều kiện: có mặt 8/8 buổi, cần 7');
    expect(text).toContain('Có mặt 5/8 buổi, cần 7');
    expect(text).toContain('Đủ điều kiện: 1 · Đã cấp: 0 · Chờ cấp: 1');
    // Excused absences counted: the third trainee becomes eligible.
    const res = await submitForm(organiser, `/sessions/${fx.session.id}/certificates`, `/sessions/${fx.session.id}/certificates/settings`, { ...settings(), excusedCounts: 'on' });
    expect(res.status).toBe(303);
    const [row] = await t.query<{ excused_counts: boolean }>('SELECT excused_counts FROM training_sessions WHERE id = $1', [fx.session.id]);
    expect(row.excused_counts).toBe(true);
    const after = pageText((await organiser.get(`/sessions/${fx.session.id}/certificates`).expect(200)).text);
    expect(after).toContain('Đủ điều kiện: có mặt 7/8 buổi (tính cả 2 buổi vắng có phép), cần 7');
    expect(after).toContain('Có mặt 5/8 buổi, cần 7');
  });

  describe('required topics', () => {
    const requiredOf = async (sessionId: string) =>
      (await t.query<{ title: string }>(`SELECT title FROM topics WHERE session_id = $1 AND required_for_certificate ORDER BY title`, [sessionId])).map((r) => r.title);

    it('are chosen on the rule form, named in the reasons, and applied when issuing all and one by one', async () => {
      // 8 sittings from 25/09; the agenda built through the product: topic 2 on 26/09 morning, topic 5 on 27/09 afternoon, topic 6 (never required) on 28/09 morning.
      const fx = await createEnrolledSessionFixture(t, 3, { days: 4, minAttendancePercent: 80, title: 'Lớp có chuyên đề bắt buộc' });
      const url = `/sessions/${fx.session.id}/certificates`;
      const addTopic = async (title: string, sittingIndex: number) => {
        const sitting = fx.sittings[sittingIndex];
        const [startTime, endTime] = sitting.part === 'morning' ? ['08:00', '10:00'] : ['14:00', '16:00'];
        const res = await submitForm(organiser, `/sessions/${fx.session.id}/topics/new`, `/sessions/${fx.session.id}/topics`, { kind: 'topic', title, sittingId: sitting.id, startTime, endTime });
        expect(res.headers.location).toBe(`/sessions/${fx.session.id}/agenda`);
        const [row] = await t.query<{ id: string }>('SELECT id FROM topics WHERE session_id = $1 AND title = $2', [fx.session.id, title]);
        return row.id;
      };
      const topic2 = await addTopic('Chuyên đề 2 – Quản lý tài chính xã', 2);
      const topic5 = await addTopic('Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư', 5);
      await addTopic('Chuyên đề 6 – Trao đổi kinh nghiệm', 6);
      const ids = fx.sittings.map((s) => s.id);
      const [full, missedTopic, lateAtTopic] = fx.enrollments;
      const [, missedName, lateName] = fx.trainees.map((x) => x.fullName);
      await markAttendance(t, full.id, ids, 'present');
      // 7 of 8 (enough), but absent from topic 2's sitting.
      await markAttendance(t, missedTopic.id, ids, 'present');
      await markAttendance(t, missedTopic.id, [ids[2]], 'absent');
      // 7 of 8, late at topic 2, absent from topic 6's (not required).
      await markAttendance(t, lateAtTopic.id, ids, 'present');
      await markAttendance(t, lateAtTopic.id, [ids[2]], 'late');
      await markAttendance(t, lateAtTopic.id, [ids[6]], 'absent');

      // Without required topics all three are eligible.
      let page = await organiser.get(url).expect(200);
      expect(rowOf(page.text, missedName)).toContain('Đủ điều kiện: có mặt 7/8 buổi, cần 7');
      expect(pageText(page.text)).toContain('Chuyên đề 6 – Trao đổi kinh nghiệm — Sáng 28/09/2025');

      const res = await submitForm(organiser, url, `${url}/settings`, { ...settings(), requiredTopicIds: [topic2, topic5] });
      expect(res.status).toBe(303);
      expect(await requiredOf(fx.session.id)).toEqual(['Chuyên đề 2 – Quản lý tài chính xã', 'Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư']);
      page = await organiser.get(url).expect(200);
      const text = pageText(page.text);
      expect(text).toContain('Đã lưu mẫu giấy chứng nhận và điều kiện cấp.');
      expect(text).toContain('có mặt ở buổi học của 2 chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã (Sáng 26/09/2025) Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư (Chiều 27/09/2025)');
      expect(page.text).toMatch(new RegExp(`name="requiredTopicIds" value="${topic2}" checked`));
      expect(page.text).toMatch(new RegExp(`name="requiredTopicIds" value="${topic5}" checked`));
      expect(rowOf(page.text, fx.trainees[0].fullName)).toContain('Đủ điều kiện Đủ điều kiện: có mặt 8/8 buổi, cần 7; dự đủ 2 chuyên đề bắt buộc');
      expect(rowOf(page.text, missedName)).toContain('Chưa đủ Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã');
      expect(rowOf(page.text, lateName)).toContain('Đủ điều kiện: có mặt 7/8 buổi, cần 7; dự đủ 2 chuyên đề bắt buộc');
      expect(text).toContain('Đủ điều kiện: 2 · Đã cấp: 0 · Chờ cấp: 2');

      // The change is in the audit trail, old and new rule side by side.
      const [audit] = await t.query<{ actor_id: string; old_value: Record<string, unknown>; new_value: Record<string, unknown> }>(
        `SELECT actor_id, old_value, new_value FROM audit_log WHERE action = 'certificate.settings' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [fx.session.id],
      );
      expect(audit.actor_id).toBe(organiserId);
      expect(audit.old_value).toMatchObject({ minAttendancePercent: 80, excusedCounts: false, requiredTopics: [] });
      expect(audit.new_value).toMatchObject({
        minAttendancePercent: 80,
        requiredTopics: [
          { id: topic2, title: 'Chuyên đề 2 – Quản lý tài chính xã' },
          { id: topic5, title: 'Chuyên đề 5 – Chuyển đổi số, dữ liệu dân cư' },
        ],
      });

      // One by one: refused with the reason, unless an override is written.
      const refused = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: missedTopic.id });
      expect(refused.status).toBe(303);
      expect(pageText((await organiser.get(url)).text)).toContain('Học viên chưa đủ điều kiện (Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã)');
      expect(await certsOf(fx.session.id)).toHaveLength(0);

      // Issue all: the two eligible ones, not the one who missed topic 2.
      expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
      await t.app.get(JobsService).drain(ISSUE_RUN_JOB);
      expect((await certsOf(fx.session.id)).map((c) => c.enrollment_id).sort()).toEqual([full.id, lateAtTopic.id].sort());
      expect(rowOf((await organiser.get(url)).text, missedName)).toContain('vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã');

      const overridden = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: missedTopic.id, overrideReason: 'Học bù chuyên đề 2 tại lớp khác' });
      expect(overridden.status).toBe(303);
      const cert = (await certsOf(fx.session.id)).find((c) => c.enrollment_id === missedTopic.id)!;
      const [issued] = await t.query<{ action: string; new_value: { eligible: boolean; rule: string } }>(`SELECT action, new_value FROM audit_log WHERE entity = 'certificate' AND entity_id = $1`, [cert.id]);
      expect(issued).toEqual({ action: 'certificate.override', new_value: expect.objectContaining({ eligible: false, rule: 'Có mặt 7/8 buổi, cần 7; vắng chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã' }) });

      // A required topic removed from the agenda leaves the rule with it; the preview still works.
      const del = await submitForm(organiser, `/sessions/${fx.session.id}/topics/${topic5}`, `/sessions/${fx.session.id}/topics/${topic5}/delete`, {});
      expect(del.status).toBe(303);
      expect(await requiredOf(fx.session.id)).toEqual(['Chuyên đề 2 – Quản lý tài chính xã']);
      page = await organiser.get(url).expect(200);
      expect(rowOf(page.text, fx.trainees[0].fullName)).toContain('Số ');
      expect(pageText(page.text)).toContain('có mặt ở buổi học của chuyên đề bắt buộc: Chuyên đề 2 – Quản lý tài chính xã (Sáng 26/09/2025)');
    });

    it('refuse a topic of another session and what is not a topic id, on the form and in JSON, and change nothing', async () => {
      const fx = await createEnrolledSessionFixture(t, 1, { days: 1 });
      const mine = await createTopicFixture(t, fx.session.id, { title: 'Chuyên đề 1 – Tổ chức chính quyền địa phương hai cấp', sittingId: fx.sittings[0].id, startTime: '08:00', endTime: '10:00' });
      const other = await createSessionFixture(t, { days: 1 });
      const foreign = await createTopicFixture(t, other.session.id, { title: 'Chuyên đề của lớp khác', sittingId: other.sittings[0].id, startTime: '08:00', endTime: '10:00' });
      const url = `/sessions/${fx.session.id}/certificates`;
      expect((await submitForm(organiser, url, `${url}/settings`, { ...settings(), requiredTopicIds: [mine.id] })).status).toBe(303);
      expect(await requiredOf(fx.session.id)).toEqual([mine.title]);

      const foreignRes = await submitForm(organiser, url, `${url}/settings`, { ...settings({ minAttendancePercent: '50' }), requiredTopicIds: [mine.id, foreign.id] });
      expect(foreignRes.status).toBe(303);
      expect(foreignRes.headers.location).toBe(url);
      let page = await organiser.get(url).expect(200);
      expect(pageText(page.text)).toContain('Chuyên đề bắt buộc phải là chuyên đề trong chương trình của lớp này.');
      expect(page.text).toContain('id="err-requiredTopicIds"');
      // The ticks of the rejected form are kept.
      expect(page.text).toMatch(new RegExp(`name="requiredTopicIds" value="${mine.id}" checked`));

      const notUuid = await submitForm(organiser, url, `${url}/settings`, { ...settings(), requiredTopicIds: ['chuyen-de-2', mine.id] });
      expect(notUuid.status).toBe(303);
      page = await organiser.get(url).expect(200);
      expect(pageText(page.text)).toContain('Chuyên đề bắt buộc không hợp lệ.');

      const token = await csrfToken(organiser, url);
      const json = (body: Record<string, unknown>) => organiser.post(`${url}/settings`).set('Accept', 'application/json').set('x-csrf-token', token).send({ ...settings(), ...body });
      const j1 = await json({ requiredTopicIds: [foreign.id] });
      expect(j1.status).toBe(400);
      expect(j1.body.message).toBe('Chuyên đề bắt buộc phải là chuyên đề trong chương trình của lớp này.');
      const j2 = await json({ requiredTopicIds: { $ne: null } });
      expect(j2.status).toBe(400);
      expect(j2.body.message).toBe('Chuyên đề bắt buộc không hợp lệ.');
      const j3 = await json({ requiredTopicIds: "' OR 1=1 --" });
      expect(j3.status).toBe(400);

      // Nothing of the refused forms was saved: neither the topics nor the other fields.
      expect(await requiredOf(fx.session.id)).toEqual([mine.title]);
      const [row] = await t.query<{ min_attendance_percent: number }>('SELECT min_attendance_percent FROM training_sessions WHERE id = $1', [fx.session.id]);
      expect(row.min_attendance_percent).toBe(80);
      // The other session's topic was not touched either.
      expect((await t.query<{ r: boolean }>('SELECT required_for_certificate AS r FROM topics WHERE id = $1', [foreign.id]))[0].r).toBe(false);

      // Unticking every topic clears the requirement.
      expect((await submitForm(organiser, url, `${url}/settings`, settings())).status).toBe(303);
      expect(await requiredOf(fx.session.id)).toEqual([]);
    });
  });

  it('issues one by one; refuses the ineligible without a reason, twice the same enrolment, and a cancelled session', async () => {
    const fx = await sessionWithMarks();
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    const ok = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[0].id });
    expect(ok.status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toMatch(/Đã cấp giấy chứng nhận số \d+\/\d{4}\/GCN-BNV/);

    const twice = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[0].id });
    expect(twice.status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toContain('đã có giấy chứng nhận còn hiệu lực');

    const refused = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[1].id });
    expect(refused.status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toContain('Học viên chưa đủ điều kiện (Có mặt 5/8 buổi, cần 7)');
    expect((await certsOf(fx.session.id)).map((c) => c.enrollment_id)).toEqual([fx.enrollments[0].id]);

    const overridden = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[1].id, overrideReason: 'Đi công tác theo quyết định của UBND tỉnh' });
    expect(overridden.status).toBe(303);
    const certs = await certsOf(fx.session.id);
    expect(certs).toHaveLength(2);
    const audit = await t.query<{ action: string; note: string; actor_id: string }>(`SELECT action, note, actor_id FROM audit_log WHERE entity = 'certificate' AND entity_id = $1`, [certs[1].id]);
    expect(audit).toEqual([{ action: 'certificate.override', note: 'Đi công tác theo quyết định của UBND tỉnh', actor_id: organiserId }]);

    // The database is the last guard: a second valid certificate for the same enrolment is impossible.
    await expect(
      t.query(`UPDATE certificates SET enrollment_id = $1 WHERE id = $2`, [fx.enrollments[0].id, certs[1].id]),
    ).rejects.toThrow(/uq_certificates_enrollment_valid/);

    const cancelled = await createEnrolledSessionFixture(t, 1, { status: 'cancelled' });
    await expect(t.app.get(CertificateIssuingService).issueOne(cancelled.session.id, cancelled.enrollments[0].id, null, 'x')).rejects.toThrow('Lớp đã bị hủy');
    expect(await certsOf(cancelled.session.id)).toHaveLength(0);
  });

  it('refuses to cancel an enrolment or its session while a valid certificate stands; once revoked, they can be cancelled', async () => {
    const fx = await sessionWithMarks();
    const url = `/sessions/${fx.session.id}/certificates`;
    await submitForm(organiser, url, `${url}/settings`, settings());
    expect((await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[0].id })).status).toBe(303);
    const [cert] = await certsOf(fx.session.id);
    const enrolments = `/sessions/${fx.session.id}/enrollments`;
    const cancelOne = await submitForm(organiser, enrolments, `${enrolments}/${fx.enrollments[0].id}/cancel`, {});
    expect(cancelOne.status).toBe(303);
    expect(pageText((await organiser.get(cancelOne.headers.location)).text)).toContain(`Học viên đã được cấp giấy chứng nhận số ${cert.serial}. Hãy thu hồi giấy chứng nhận (ghi rõ lý do) trước khi hủy đăng ký.`);
    const cancelAll = await submitForm(organiser, `/sessions/${fx.session.id}`, `/sessions/${fx.session.id}/status`, { status: 'cancelled', reason: 'Thiên tai' });
    expect(cancelAll.status).toBe(303);
    expect(pageText((await organiser.get(cancelAll.headers.location)).text)).toContain('Lớp đã cấp 1 giấy chứng nhận còn hiệu lực. Hãy thu hồi các giấy chứng nhận (ghi rõ lý do) trước khi hủy lớp.');
    const state = async () => ({
      session: (await t.query<{ status: string }>(`SELECT status FROM training_sessions WHERE id = $1`, [fx.session.id]))[0].status,
      enrolment: (await t.query<{ status: string }>(`SELECT status FROM enrollments WHERE id = $1`, [fx.enrollments[0].id]))[0].status,
    });
    expect(await state()).toEqual({ session: fx.session.status, enrolment: 'confirmed' });
    // Another enrolment of the session, without a certificate, can still be cancelled.
    expect((await submitForm(organiser, enrolments, `${enrolments}/${fx.enrollments[1].id}/cancel`, {})).status).toBe(303);
    expect((await t.query<{ status: string }>(`SELECT status FROM enrollments WHERE id = $1`, [fx.enrollments[1].id]))[0].status).toBe('cancelled');

    expect((await submitForm(organiser, `/certificates/${cert.id}`, `/certificates/${cert.id}/revoke`, { reason: 'Học viên không tham dự, điểm danh hộ' })).status).toBe(303);
    expect((await submitForm(organiser, enrolments, `${enrolments}/${fx.enrollments[0].id}/cancel`, {})).status).toBe(303);
    expect((await submitForm(organiser, `/sessions/${fx.session.id}`, `/sessions/${fx.session.id}/status`, { status: 'cancelled', reason: 'Thiên tai' })).status).toBe(303);
    expect(await state()).toEqual({ session: 'cancelled', enrolment: 'cancelled' });
  });

  it('refuses to issue, one or all, until the settings name the signer, and says so on the page before anyone clicks', async () => {
    const fx = await createEnrolledSessionFixture(t, 2, { days: 1, title: 'Lớp chưa có người ký' });
    for (const e of fx.enrollments) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    const url = `/sessions/${fx.session.id}/certificates`;
    const refusal = 'Chưa cấp được giấy chứng nhận: mẫu giấy chưa có họ tên người ký. Hãy điền chức danh, họ tên người ký trong phần "Mẫu giấy chứng nhận và điều kiện cấp" và bấm "Lưu mẫu".';
    const year = Number(todayInVietnam().slice(0, 4));
    const lastSerial = async () => (await t.query<{ last: number }>(`SELECT last FROM certificate_serial_counters WHERE issuer_key = 'BNV' AND year = $1`, [year]))[0]?.last ?? 0;
    const serialBefore = await lastSerial();
    const runsOf = () => t.query(`SELECT id FROM certificate_runs WHERE session_id = $1`, [fx.session.id]);

    let page = await organiser.get(url).expect(200);
    expect(pageText(page.text)).toContain(refusal);
    expect(page.text).toMatch(/<button type="submit" class="primary" disabled>Cấp cho tất cả học viên đủ điều kiện \(2\)/);
    expect(page.text).toMatch(/<button type="submit" class="small" disabled>Cấp<\/button>/);

    // Posted anyway (an old tab): one by one and all are refused with the message.
    const one = await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[0].id });
    expect(one.status).toBe(303);
    expect(one.headers.location).toBe(url);
    expect(pageText((await organiser.get(url)).text)).toContain(refusal);
    const all = await submitForm(organiser, url, `${url}/issue-all`, {});
    expect(all.status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toContain(refusal);
    expect(await runsOf()).toHaveLength(0);

    // A logo alone saves the settings with no signer yet: still refused.
    const token = csrfFrom((await organiser.get(url)).text);
    expect((await organiser.post(`${url}/logo?_csrf=${encodeURIComponent(token)}`).set('Referer', url).attach('logo', png, 'logo.png')).status).toBe(303);
    await expect(t.app.get(CertificateIssuingService).issueOne(fx.session.id, fx.enrollments[0].id, organiserId)).rejects.toThrow(refusal);
    // A name of spaces is no name.
    const blank = await submitForm(organiser, url, `${url}/settings`, settings({ signerName: '   ' }));
    expect(blank.headers.location).toBe(url);
    page = await organiser.get(url).expect(200);
    expect(pageText(page.text)).toContain('Hãy nhập họ tên người ký.');
    expect(page.text).toContain('id="err-signerName"');
    expect((await t.query<{ signer_name: string }>(`SELECT signer_name FROM certificate_templates WHERE session_id = $1`, [fx.session.id]))[0].signer_name).toBe('');

    expect(await certsOf(fx.session.id)).toHaveLength(0);
    expect(await runsOf()).toHaveLength(0);
    expect(await lastSerial()).toBe(serialBefore);

    // Once the signer is saved: no warning, and the certificate carries the name and title.
    await signTemplate(fx.session.id);
    page = await organiser.get(url).expect(200);
    expect(pageText(page.text)).not.toContain('chưa có họ tên người ký');
    expect(page.text).toMatch(/<button type="submit" class="primary">Cấp cho tất cả học viên đủ điều kiện \(2\)/);
    expect((await submitForm(organiser, url, `${url}/issue`, { enrollmentId: fx.enrollments[0].id })).status).toBe(303);
    const [c] = await certsOf(fx.session.id);
    expect(c.content).toMatchObject({ signerName: 'Nguyễn Văn Ký', signerTitle: 'Vụ trưởng' });
    expect(c.serial_number).toBe(serialBefore + 1);
  });

  it('lets the demo course issue certificates from the start: its settings name the signer', async () => {
    const demo = await bootApp({ SEED_DEMO: 'true', RUN_JOBS: 'false' });
    try {
      const agent = demo.agent();
      await login(agent, DEMO_ORGANISER.email, DEMO_PASSWORD);
      const [s] = await demo.query<{ id: string }>(`SELECT id FROM training_sessions WHERE title = $1`, [DEMO_SESSION.title]);
      // Loading it is in the audit trail, as the system's doing.
      const [loaded] = await demo.query<{ actor_id: string | null; entity_id: string }>(`SELECT actor_id, entity_id FROM audit_log WHERE action = 'setup.demo'`);
      expect(loaded).toEqual({ actor_id: null, entity_id: s.id });
      const [e] = await demo.query<{ id: string }>(`SELECT id FROM enrollments WHERE session_id = $1 ORDER BY created_at, id LIMIT 1`, [s.id]);
      const sittings = await demo.query<{ id: string }>(`SELECT id FROM sittings WHERE session_id = $1`, [s.id]);
      await markAttendance(demo, e.id, sittings.map((x) => x.id), 'present');
      const url = `/sessions/${s.id}/certificates`;
      expect(pageText((await agent.get(url).expect(200)).text)).not.toContain('chưa có họ tên người ký');
      expect((await submitForm(agent, url, `${url}/issue`, { enrollmentId: e.id })).status).toBe(303);
      const [c] = await demo.query<{ content: Record<string, string> }>(`SELECT content FROM certificates WHERE enrollment_id = $1`, [e.id]);
      expect(c.content).toMatchObject({ signerName: 'Trần Quốc Khải', signerTitle: 'Vụ trưởng', issuerName: 'Vụ Chính quyền địa phương' });
    } finally {
      await demo.close();
    }
  });

  it('keeps a revoked certificate revoked: not pending, not issued by "Cấp tất cả" nor one by one; only "Cấp lại" with a reason gives a new one', async () => {
    const fx = await createEnrolledSessionFixture(t, 3, { days: 1, title: 'Lớp có giấy bị thu hồi' });
    const ids = fx.sittings.map((s) => s.id);
    for (const e of fx.enrollments) await markAttendance(t, e.id, ids, 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    const jobs = t.app.get(JobsService);
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    await jobs.drain(ISSUE_RUN_JOB);
    const [, cheat, corrected] = fx.enrollments;
    const certOf = async (enrollmentId: string) => (await certsOf(fx.session.id)).filter((c) => c.enrollment_id === enrollmentId);
    const [cheatCert] = await certOf(cheat.id);
    const [correctedCert] = await certOf(corrected.id);
    const revoke = async (id: string, reason: string) => expect((await submitForm(organiser, `/certificates/${id}`, `/certificates/${id}/revoke`, { reason })).status).toBe(303);
    await revoke(cheatCert.id, 'Người khác điểm danh hộ');
    // Marks corrected after the revocation: this trainee no longer meets the rule.
    await revoke(correctedCert.id, 'Điểm danh sai, đã sửa');
    await markAttendance(t, corrected.id, ids, 'absent');

    let page = await organiser.get(url).expect(200);
    expect(pageText(page.text)).toContain('Đủ điều kiện: 2 · Đã cấp: 1 · Chờ cấp: 0 · Đã thu hồi (chỉ cấp lại từng người): 2');
    const cheatName = fx.trainees[1].fullName;
    expect(rowOf(page.text, cheatName)).toContain(`Đã thu hồi số ${cheatCert.serial} Lý do thu hồi: Người khác điểm danh hộ`);
    expect(page.text).not.toContain(`name="enrollmentId" value="${cheat.id}"`); // no "Cấp" button for it
    expect(page.text).toContain(`action="/certificates/${cheatCert.id}/reissue"`);
    expect(page.text).toMatch(/<button type="submit" class="primary" disabled>Cấp cho tất cả học viên đủ điều kiện \(0\)/);

    // "Cấp tất cả" posted anyway, and one by one (with or without a reason): nothing new.
    await submitForm(organiser, url, `${url}/issue-all`, {});
    await jobs.drain(ISSUE_RUN_JOB);
    expect(await certOf(cheat.id)).toHaveLength(1);
    for (const fields of [{ enrollmentId: cheat.id }, { enrollmentId: cheat.id, overrideReason: 'Cấp lại' }] as Record<string, string>[]) {
      const res = await submitForm(organiser, url, `${url}/issue`, fields);
      expect(res.status).toBe(303);
      expect(pageText((await organiser.get(url)).text)).toContain(
        `Giấy chứng nhận số ${cheatCert.serial} của học viên này đã bị thu hồi (Người khác điểm danh hộ). Muốn cấp giấy mới, hãy mở giấy đó, dùng "Cấp lại" và ghi lý do.`,
      );
    }
    expect((await certOf(cheat.id)).map((c) => c.status)).toEqual(['revoked']);

    // "Cấp lại" with a reason: a new certificate with the next serial; the old one stays revoked and points to it.
    const year = Number(todayInVietnam().slice(0, 4));
    const [{ last }] = await t.query<{ last: number }>(`SELECT last FROM certificate_serial_counters WHERE issuer_key = 'BNV' AND year = $1`, [year]);
    const again = await submitForm(organiser, url, `/certificates/${cheatCert.id}/reissue`, { reason: 'Đã xác minh: học viên có mặt đủ các buổi' });
    expect(again.status).toBe(303);
    const [old, fresh] = await certOf(cheat.id);
    expect(again.headers.location).toBe(`/certificates/${fresh.id}`);
    expect(fresh).toMatchObject({ status: 'valid', serial_number: last + 1 });
    const [oldRow] = await t.query<{ status: string; revoke_reason: string; replaced_by_id: string; override_reason: string | null }>(
      `SELECT status, revoke_reason, replaced_by_id, (SELECT override_reason FROM certificates WHERE id = $2) AS override_reason FROM certificates WHERE id = $1`,
      [old.id, fresh.id],
    );
    expect(oldRow).toEqual({ status: 'revoked', revoke_reason: 'Người khác điểm danh hộ', replaced_by_id: fresh.id, override_reason: null });
    const [audit] = await t.query<{ action: string; note: string; actor_id: string; old_value: unknown; new_value: { eligible: boolean } }>(
      `SELECT action, note, actor_id, old_value, new_value FROM audit_log WHERE entity = 'certificate' AND entity_id = $1`,
      [fresh.id],
    );
    expect(audit).toMatchObject({ action: 'certificate.reissue', note: 'Đã xác minh: học viên có mặt đủ các buổi', actor_id: organiserId, old_value: { id: old.id, serial: old.serial, status: 'revoked' }, new_value: { eligible: true } });
    expect(pageText((await organiser.get(`/certificates/${old.id}`)).text)).toContain(`Đã thu hồi · đã cấp lại bằng số ${fresh.serial}`);
    const [revokedThenReplaced] = await t.query<{ action: string; new_value: unknown }>(`SELECT action, new_value FROM audit_log WHERE entity = 'certificate' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [old.id]);
    expect(revokedThenReplaced).toEqual({ action: 'certificate.replace', new_value: { status: 'revoked', replacedBy: fresh.serial, replacedById: fresh.id } });
    // Once only.
    await submitForm(organiser, `/certificates/${old.id}`, `/certificates/${old.id}/reissue`, { reason: 'Bấm lại' });
    expect(await certOf(cheat.id)).toHaveLength(2);

    // The one who no longer meets the rule: the reason of the reissue is the organisers' decision on the new certificate.
    expect((await submitForm(organiser, `/certificates/${correctedCert.id}`, `/certificates/${correctedCert.id}/reissue`, { reason: 'Học bù theo quyết định của Vụ' })).status).toBe(303);
    const [, correctedFresh] = await certOf(corrected.id);
    const [{ override_reason }] = await t.query<{ override_reason: string }>(`SELECT override_reason FROM certificates WHERE id = $1`, [correctedFresh.id]);
    expect(override_reason).toBe('Học bù theo quyết định của Vụ');

    page = await organiser.get(url).expect(200);
    expect(pageText(page.text)).toContain('Đủ điều kiện: 2 · Đã cấp: 3 · Chờ cấp: 0');
    expect(rowOf(page.text, cheatName)).toContain(`Số ${fresh.serial}`);

    // The register says what became of the revoked one.
    const reg = await organiser.get(`${url}/register.xlsx`).buffer(true).parse(binaryParser as never).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reg.body);
    const ws = wb.getWorksheet('Sổ cấp')!;
    const notes = new Map<string, string>();
    for (let r = 7; r <= ws.rowCount; r++) notes.set(String(ws.getCell(r, 2).value), String(ws.getCell(r, 10).value ?? ''));
    expect(notes.get(old.serial)).toMatch(new RegExp(`^Thu hồi ngày \\d{2}/\\d{2}/\\d{4}: Người khác điểm danh hộ; Cấp lại bằng giấy số ${fresh.serial.replace(/\//g, '\\/')}$`));
  });

  it('gives gap-free unique serials when two organisers issue at once', async () => {
    const fx = await createEnrolledSessionFixture(t, 12, { days: 1 });
    for (const e of fx.enrollments) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    const tokens = [csrfFrom((await organiser.get(url)).text), csrfFrom((await organiser2.get(url)).text)];
    const agents = [organiser, organiser2];
    // Each enrolment posted by both organisers at the same time.
    const post = (i: number, enrollmentId: string) => agents[i].post(`${url}/issue`).set('Referer', url).type('form').send({ enrollmentId, _csrf: tokens[i] });
    const results = [];
    for (const e of fx.enrollments.slice(0, 6)) {
      results.push(...(await Promise.all([post(0, e.id), post(1, e.id)])));
    }
    expect(results.every((r) => r.status === 303)).toBe(true);
    // And a burst: the other six enrolments, each issued twice, all at once.
    const issuing = t.app.get(CertificateIssuingService);
    const rest = fx.enrollments.slice(6);
    const burst = await Promise.allSettled(rest.flatMap((e) => [issuing.issueOne(fx.session.id, e.id, null), issuing.issueOne(fx.session.id, e.id, null)]));
    expect(burst.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason.message))).toEqual(new Array(6).fill(expect.stringContaining('đã có giấy chứng nhận còn hiệu lực')));
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    const certs = await certsOf(fx.session.id);
    expect(certs).toHaveLength(12);
    expect(new Set(certs.map((c) => c.enrollment_id)).size).toBe(12);
    // Across the whole issuer and year (other tests share it): 1..n without a hole or a repeat.
    const year = Number(todayInVietnam().slice(0, 4));
    const all = await t.query<{ serial_number: number; serial: string }>(`SELECT serial_number, serial FROM certificates WHERE issuer_key = 'BNV' AND serial_year = $1 ORDER BY serial_number`, [year]);
    expect(all.map((r) => r.serial_number)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.map((r) => r.serial)).size).toBe(all.length);
    const [counter] = await t.query<{ last: number }>(`SELECT last FROM certificate_serial_counters WHERE issuer_key = 'BNV' AND year = $1`, [year]);
    expect(counter.last).toBe(all.length);
  });

  it('mails "giấy chứng nhận đã sẵn sàng" through the job queue to a trainee with an address, with the links', async () => {
    const fx = await createSessionFixture(t, { days: 1 });
    const withMail = await createTraineeFixture(t, { fullName: 'Hà Thị Thư', email: 'hathithu@example.vn' });
    const e = await enrollFixture(t, fx.session.id, withMail.id);
    await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    expect((await submitForm(organiser, url, `${url}/issue`, { enrollmentId: e.id })).status).toBe(303);
    const [c] = await certsOf(fx.session.id);
    await t.app.get(JobsService).drain('certificate.issued');
    const dir = join(t.config.dataDir, 'mail');
    const mails = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes('hathithu@example.vn'));
    expect(mails).toHaveLength(1);
    const parsed = await simpleParser(mails[0]);
    expect(parsed.subject).toBe(`Giấy chứng nhận ${c.serial} đã sẵn sàng`);
    expect(parsed.text).toContain('Kính gửi Hà Thị Thư');
    expect(parsed.text).toContain(`https://taphuan.example.vn/verify/${c.verification_code}`);
    expect(parsed.text).toContain('https://taphuan.example.vn/portal/certificates');
    const history = await t.query<{ action: string; actor_id: string | null; new_value: unknown }>(`SELECT action, actor_id, new_value FROM audit_log WHERE entity = 'certificate' AND entity_id = $1 AND action = 'certificate.mailed'`, [c.id]);
    expect(history).toEqual([{ action: 'certificate.mailed', actor_id: null, new_value: { to: 'hathithu@example.vn' } }]);
  });

  // Needs two open transactions at once: the embedded database serves one connection (see isEmbeddedUrl).
  (process.env.DATABASE_URL ? it : it.skip)('keeps serials gap-free in the database alone: a rolled-back issue gives its number back to the waiting one', async () => {
    const repo = t.app.get(CertificatesRepository);
    const [a, b] = [t.ds.createQueryRunner(), t.ds.createQueryRunner()];
    await a.startTransaction();
    await b.startTransaction();
    try {
      expect(await repo.nextSerialNumber('TEST-LOCK', 2025, a.manager)).toBe(1);
      const waiting = repo.nextSerialNumber('TEST-LOCK', 2025, b.manager); // blocks on the locked counter row
      await new Promise((r) => setTimeout(r, 200));
      await a.rollbackTransaction();
      expect(await waiting).toBe(1);
      await b.commitTransaction();
    } finally {
      await a.release();
      await b.release();
    }
    const [row] = await t.query<{ last: number }>(`SELECT last FROM certificate_serial_counters WHERE issuer_key = 'TEST-LOCK'`);
    expect(row.last).toBe(1);
  });

  describe('one certificate', () => {
    let fx: Awaited<ReturnType<typeof createSessionFixture>>;
    let cert: { id: string; serial: string; verification_code: string; content: Record<string, string> };
    let traineeAgent: Agent;
    let otherCertId: string;

    beforeAll(async () => {
      fx = await createSessionFixture(t, { title: 'Bồi dưỡng kiến thức quản lý nhà nước cho cán bộ cấp xã vùng đồng bào dân tộc thiểu số', days: 1 });
      const trainee = await createTraineeFixture(t, { fullName: 'Vàng Thị Mỷ', gender: 'female', dateOfBirth: '1988-03-07', position: 'Phó Chủ tịch UBND xã' });
      const other = await createTraineeFixture(t, { fullName: 'Lò Văn Khác', dateOfBirth: null }); // born 1985, the day not known
      const e = await enrollFixture(t, fx.session.id, trainee.id);
      const e2 = await enrollFixture(t, fx.session.id, other.id);
      for (const x of [e, e2]) await markAttendance(t, x.id, fx.sittings.map((s) => s.id), 'present');
      const url = `/sessions/${fx.session.id}/certificates`;
      await submitForm(organiser, url, `${url}/settings`, settings());
      await submitForm(organiser, url, `${url}/issue`, { enrollmentId: e.id });
      await submitForm(organiser, url, `${url}/issue`, { enrollmentId: e2.id });
      const rows = await certsOf(fx.session.id);
      cert = rows.find((r) => r.enrollment_id === e.id)!;
      otherCertId = rows.find((r) => r.enrollment_id === e2.id)!.id;
      const u = await createUser(t, 'trainee');
      await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [trainee.id, u.user.id]);
      traineeAgent = t.agent();
      await login(traineeAgent, u.login, u.password);
    });

    const getPdf = (agent: Agent, url: string) => agent.get(url).buffer(true).parse(binaryParser as never);

    it('renders a Vietnamese administrative certificate with embedded fonts', async () => {
      expect(cert.serial).toMatch(/^\d+\/\d{4}\/GCN-BNV$/);
      const res = await getPdf(organiser, `/certificates/${cert.id}.pdf`).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = bodyOf(res);
      // To look at it: CERT_PDF_OUT=/tmp/cert.pdf, then pdftoppm -png -r 80 /tmp/cert.pdf /tmp/cert
      if (process.env.CERT_PDF_OUT) require('node:fs').writeFileSync(process.env.CERT_PDF_OUT, pdf);
      expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
      const text = (await pdfText(pdf)).normalize('NFC');
      for (const s of [
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'BỘ NỘI VỤ',
        'VỤ CHÍNH QUYỀN ĐỊA PHƯƠNG',
        'GIẤY CHỨNG NHẬN',
        'Vàng Thị Mỷ',
        '07/03/1988',
        'Phó Chủ tịch UBND xã',
        'Xã Sin Suối Hồ',
        'Bồi dưỡng kiến thức quản lý nhà nước',
        'từ ngày 25/09/2025 đến ngày 25/09/2025'.replace('từ ngày 25/09/2025 đến ngày 25/09/2025', 'ngày 25/09/2025'),
        'Hội trường tỉnh Lai Châu',
        `Số: ${cert.serial}`,
        'VỤ TRƯỞNG',
        'Nguyễn Văn Ký',
      ]) {
        expect(text).toContain(s);
      }
      const [y, m, d] = todayInVietnam().split('-').map(Number);
      expect(text).toContain(`Lai Châu, ngày ${d} tháng ${m} năm ${y}`);
    });

    it('prints the birth year of a trainee whose birth date is not known, on the PDF, its page and in the register', async () => {
      const text = (await pdfText(bodyOf(await getPdf(organiser, `/certificates/${otherCertId}.pdf`).expect(200)))).normalize('NFC');
      expect(text).toContain('Lò Văn Khác');
      expect(text).toContain('Năm sinh: 1985');
      expect(text).not.toContain('Ngày sinh');
      expect(pageText((await organiser.get(`/certificates/${otherCertId}`).expect(200)).text)).toContain('Năm sinh 1985');
      const reg = await getPdf(organiser, `/sessions/${fx.session.id}/certificates/register.xlsx`).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(reg.body);
      const ws = wb.getWorksheet('Sổ cấp')!;
      const rows: unknown[][] = [];
      for (let r = 7; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
      expect(rows.find((r) => r[2] === 'Lò Văn Khác')?.[3]).toBe('1985');
      expect(rows.find((r) => r[2] === 'Vàng Thị Mỷ')?.[3]).toEqual(new Date('1988-03-07T00:00:00Z'));
    });

    it('draws the QR code as vector modules that decode back to the verification URL', async () => {
      const url = `https://taphuan.example.vn/verify/${cert.verification_code}`;
      expect(cert.content.verifyUrl).toBe(url);
      const pdf = bodyOf(await getPdf(organiser, `/certificates/${cert.id}.pdf`).expect(200));
      const expected = qrModules(url);
      const cell = QR_BOX.size / expected.size;
      // Rebuild the module matrix from the rectangles drawn inside the QR box.
      const grid = Array.from({ length: expected.size }, () => new Array<boolean>(expected.size).fill(false));
      const page = pdfContentStreams(pdf).find((s) => / re\b/.test(s) && /BT/.test(s))!;
      const rects = [...page.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((m) => m.slice(1, 5).map(Number));
      let inBox = 0;
      for (const [x, y0, w, h] of rects) {
        if (x < QR_BOX.x - 0.01 || y0 < QR_BOX.y - 0.01 || x > QR_BOX.x + QR_BOX.size || y0 > QR_BOX.y + QR_BOX.size) continue;
        inBox++;
        expect(Math.abs(h - cell)).toBeLessThan(0.01);
        const r = Math.round((y0 - QR_BOX.y) / cell);
        const c0 = Math.round((x - QR_BOX.x) / cell);
        for (let c = c0; c < c0 + Math.round(w / cell); c++) grid[r][c] = true;
      }
      expect(inBox).toBeGreaterThan(expected.size);
      for (let r = 0; r < expected.size; r++) for (let c = 0; c < expected.size; c++) expect(grid[r][c]).toBe(expected.dark(r, c));
      // Paint the rebuilt matrix (4 px per module, quiet zone) and decode it.
      const px = 4;
      const side = (expected.size + 8) * px;
      const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
      for (let r = 0; r < expected.size; r++)
        for (let c = 0; c < expected.size; c++)
          if (grid[r][c])
            for (let dy = 0; dy < px; dy++)
              for (let dx = 0; dx < px; dx++) {
                const i = (((r + 4) * px + dy) * side + (c + 4) * px + dx) * 4;
                rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
              }
      expect(jsQR(rgba, side, side)?.data).toBe(url);
    });

    it('prints the verification code and the short check address under the QR code, and the printed code checks', async () => {
      const pdf = bodyOf(await getPdf(organiser, `/certificates/${cert.id}.pdf`).expect(200));
      if (process.env.CERT_PDF_OUT) require('node:fs').writeFileSync(process.env.CERT_PDF_OUT, pdf);
      const text = (await pdfText(pdf)).normalize('NFC');
      const printed = cert.verification_code.match(/.{5}/g)!.join(' ');
      expect(text).toContain('Mã xác thực');
      expect(text).toContain(printed);
      expect(text).toContain('Kiểm tra tại taphuan.example.vn/verify');
      // Typed as printed (groups of five, in lower case) on the public form: it finds the certificate.
      const typed = await t.agent().get(`/verify?code=${encodeURIComponent(printed.toLowerCase())}`).expect(303);
      expect(typed.headers.location).toBe(`/verify/${cert.verification_code}`);
      // The widest letters the code can have still print on one line under the QR code (a random
      // code of W and M broke onto two lines, and "BDMGN" / "S7GTM" then reads as two codes).
      const wide = 'WMWMW'.repeat(4);
      await t.query(
        `UPDATE certificates SET content = jsonb_set(content, '{verifyUrl}', to_jsonb(regexp_replace(content->>'verifyUrl', '[^/]+$', $2::text))) WHERE id = $1`,
        [cert.id, wide],
      );
      const widePdf = bodyOf(await getPdf(organiser, `/certificates/${cert.id}.pdf`).expect(200));
      expect((await pdfText(widePdf)).normalize('NFC')).toContain('WMWMW WMWMW WMWMW WMWMW');
      await t.query(`UPDATE certificates SET content = jsonb_set(content, '{verifyUrl}', to_jsonb(regexp_replace(content->>'verifyUrl', '[^/]+$', $2::text))) WHERE id = $1`, [cert.id, cert.verification_code]);
      // The sample has no code of its own but says where to check.
      const sample = (await pdfText(bodyOf(await getPdf(organiser, `/sessions/${fx.session.id}/certificates/sample.pdf`).expect(200)))).normalize('NFC');
      expect(sample).toContain('Kiểm tra tại taphuan.example.vn/verify');
    });

    it('lets a trainee download their own certificate and no one else’s', async () => {
      const mine = await getPdf(traineeAgent, `/portal/certificates/${cert.id}.pdf`).expect(200);
      expect((await pdfText(bodyOf(mine))).normalize('NFC')).toContain('Vàng Thị Mỷ');
      const list = await traineeAgent.get('/portal/certificates').expect(200);
      expect(pageText(list.text)).toContain(cert.serial);
      await traineeAgent.get(`/portal/certificates/${otherCertId}.pdf`).expect(403);
      await traineeAgent.get(`/certificates/${otherCertId}.pdf`).expect(403);
      await traineeAgent.get(`/sessions/${fx.session.id}/certificates`).expect(403);
    });

    it('shows a sample PDF of the template settings', async () => {
      const res = await getPdf(organiser, `/sessions/${fx.session.id}/certificates/sample.pdf`).expect(200);
      const text = (await pdfText(bodyOf(res))).normalize('NFC');
      expect(text).toContain('Nguyễn Thị Mẫu');
      expect(text).toContain('0/2025/GCN-BNV (MẪU)'.replace('2025', todayInVietnam().slice(0, 4)));
    });

    it('takes a PNG logo for the template and refuses other files', async () => {
      const url = `/sessions/${fx.session.id}/certificates`;
      const token = csrfFrom((await organiser.get(url)).text);
      const ok = await organiser.post(`${url}/logo?_csrf=${encodeURIComponent(token)}`).set('Referer', url).attach('logo', png, 'logo.png');
      expect(ok.status).toBe(303);
      const [row] = await t.query<{ logo_mime: string; n: number }>(`SELECT logo_mime, length(logo) AS n FROM certificate_templates WHERE session_id = $1`, [fx.session.id]);
      expect(row).toEqual({ logo_mime: 'image/png', n: png.length });
      const sample = bodyOf(await getPdf(organiser, `${url}/sample.pdf`).expect(200));
      expect(sample.toString('latin1')).toMatch(/\/Subtype \/Image/);
      const bad = await organiser.post(`${url}/logo?_csrf=${encodeURIComponent(token)}`).set('Referer', url).attach('logo', Buffer.from('<svg onload="x"/>'), 'logo.png');
      expect(bad.status).toBe(303); // back to the settings page, with the reason
      expect(bad.headers.location).toBe(url);
      expect(pageText((await organiser.get(url)).text)).toContain('Ảnh biểu trưng phải là tệp PNG hoặc JPEG.');
      const [still] = await t.query<{ logo_mime: string }>(`SELECT logo_mime FROM certificate_templates WHERE session_id = $1`, [fx.session.id]);
      expect(still.logo_mime).toBe('image/png');
      // The audit says which image replaced which; the refused file wrote nothing.
      const entries = await t.query<{ old_value: { logo: unknown }; new_value: { logo: unknown } }>(`SELECT old_value, new_value FROM audit_log WHERE action = 'certificate.logo' AND entity_id = $1 ORDER BY id`, [fx.session.id]);
      expect(entries.at(-1)!.new_value).toEqual({ logo: { size: png.length, mime: 'image/png', sha256: createHash('sha256').update(png).digest('hex') } });
      const removed = await organiser.post(`${url}/logo?_csrf=${encodeURIComponent(token)}`).set('Referer', url).field('remove', '1');
      expect(removed.status).toBe(303);
      const [last] = await t.query<{ old_value: { logo: { sha256: string } }; new_value: { logo: unknown } }>(`SELECT old_value, new_value FROM audit_log WHERE action = 'certificate.logo' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [fx.session.id]);
      expect([last.old_value.logo.sha256, last.new_value.logo]).toEqual([createHash('sha256').update(png).digest('hex'), null]);
      expect((await t.query<{ logo_mime: string | null }>(`SELECT logo_mime FROM certificate_templates WHERE session_id = $1`, [fx.session.id]))[0].logo_mime).toBeNull();
    });

    it('verifies valid, revoked and replaced certificates, and says only "not found" otherwise', async () => {
      const page = await t.agent().get(`/verify/${cert.verification_code}`).expect(200);
      const text = pageText(page.text);
      expect(text).toContain('còn hiệu lực');
      expect(text).toContain('Vàng Thị Mỷ');
      expect(text).toContain('Bồi dưỡng kiến thức quản lý nhà nước');
      expect(text).toContain('Vụ Chính quyền địa phương');
      expect(text).not.toContain('07/03/1988'); // nothing more than name, course, dates, issuer
      const json = await t.agent().get(`/api/v1/verify/${cert.verification_code.toLowerCase()}`).expect(200);
      expect(json.body).toMatchObject({ status: 'valid', traineeName: 'Vàng Thị Mỷ', issuerName: 'Vụ Chính quyền địa phương', startDate: '2025-09-25' });
      expect(Object.keys(json.body).sort()).toEqual(['code', 'courseTitle', 'endDate', 'issueDate', 'issuerName', 'replacedBySerial', 'serial', 'startDate', 'status', 'statusLabel', 'traineeName']);

      // The form redirects to the code's page.
      const form = await t.agent().get(`/verify?code=${cert.verification_code.toLowerCase()}`).expect(303);
      expect(form.headers.location).toBe(`/verify/${cert.verification_code}`);

      const unknown = await t.agent().get('/api/v1/verify/ABCDEFGHJKMNPQRSTVWX').expect(404);
      expect(unknown.body.message).toBe('Không tìm thấy giấy chứng nhận.');
      const wrongShape = await t.agent().get(`/api/v1/verify/${encodeURIComponent("' OR 1=1 --")}`).expect(404);
      expect(wrongShape.body.message).toBe('Không tìm thấy giấy chứng nhận.');
      const long = await t.agent().get(`/api/v1/verify/${'A'.repeat(10 * 1024)}`);
      expect([400, 404, 414, 431]).toContain(long.status);
      const unknownPage = await t.agent().get('/verify/ABCDEFGHJKMNPQRSTVWX').expect(404);
      expect(pageText(unknownPage.text)).toContain('Không tìm thấy giấy chứng nhận.');

      // Reissue: the old one says "replaced by" the new serial.
      const re = await submitForm(organiser, `/certificates/${cert.id}`, `/certificates/${cert.id}/reissue`, { reason: 'Sai ngày sinh' });
      expect(re.status).toBe(303);
      const fresh = (await certsOf(fx.session.id)).find((c) => c.status === 'valid' && c.enrollment_id === (cert as unknown as { enrollment_id: string }).enrollment_id)!;
      expect(fresh.serial).not.toBe(cert.serial);
      expect(re.headers.location).toBe(`/certificates/${fresh.id}`);
      const old = await t.agent().get(`/api/v1/verify/${cert.verification_code}`).expect(200);
      expect(old.body).toMatchObject({ status: 'replaced', replacedBySerial: fresh.serial });
      expect(pageText((await t.agent().get(`/verify/${cert.verification_code}`)).text)).toContain(`đã được thay thế bằng giấy số ${fresh.serial}`);
      // The old certificate's own history says so too, with the reason and who did it.
      const oldAudit = await t.query<{ action: string; note: string; actor_id: string; old_value: unknown; new_value: unknown }>(
        `SELECT action, note, actor_id, old_value, new_value FROM audit_log WHERE entity = 'certificate' AND entity_id = $1 ORDER BY id`,
        [cert.id],
      );
      expect(oldAudit.at(-1)).toEqual({ action: 'certificate.replace', note: 'Sai ngày sinh', actor_id: organiserId, old_value: { status: 'valid', serial: cert.serial }, new_value: { status: 'replaced', replacedBy: fresh.serial, replacedById: fresh.id } });
      expect(pageText((await organiser.get(`/certificates/${cert.id}`).expect(200)).text)).toContain('Giấy chứng nhận được thay bằng giấy cấp lại');

      // Revoke the new one.
      const rv = await submitForm(organiser, `/certificates/${fresh.id}`, `/certificates/${fresh.id}/revoke`, { reason: 'Cấp nhầm' });
      expect(rv.status).toBe(303);
      const revoked = await t.agent().get(`/api/v1/verify/${fresh.verification_code}`).expect(200);
      expect(revoked.body.status).toBe('revoked');
      expect(pageText((await t.agent().get(`/verify/${fresh.verification_code}`)).text)).toContain('đã bị thu hồi');
      const audit = await t.query<{ action: string; note: string }>(`SELECT action, note FROM audit_log WHERE entity = 'certificate' AND entity_id = $1 ORDER BY id`, [fresh.id]);
      expect(audit.map((a) => a.action)).toEqual(['certificate.reissue', 'certificate.revoke']);
      // The certificate's page tells its history in words, with who did it (it showed "certificate.revoke").
      const history = pageText((await organiser.get(`/certificates/${fresh.id}`).expect(200)).text);
      const [{ full_name: by }] = await t.query<{ full_name: string }>(`SELECT full_name FROM users WHERE id = $1`, [organiserId]);
      expect(history).toContain(`Cấp lại giấy chứng nhận · ${by}`);
      expect(history).toContain(`Thu hồi giấy chứng nhận · ${by}: Cấp nhầm`);
      expect(history).not.toContain('certificate.');
      // The trainee no longer downloads the revoked one nor the replaced one (410, in Vietnamese); staff still do, for the record.
      const gone = await traineeAgent.get(`/portal/certificates/${fresh.id}.pdf`);
      expect(gone.status).toBe(410);
      expect(gone.headers['content-type']).toMatch(/text\/html/);
      expect(pageText(gone.text)).toContain('Giấy chứng nhận này đã bị thu hồi nên không còn tải được.');
      const replaced = await traineeAgent.get(`/portal/certificates/${cert.id}.pdf`);
      expect(replaced.status).toBe(410);
      expect(pageText(replaced.text)).toContain('đã được cấp lại nên bản cũ không còn giá trị');
      expect(pageText((await traineeAgent.get('/portal/certificates').expect(200)).text)).toContain('Đã thu hồi');
      expect((await pdfText(bodyOf(await getPdf(organiser, `/certificates/${fresh.id}.pdf`).expect(200)))).normalize('NFC')).toContain('Vàng Thị Mỷ');
      // A revoked certificate cannot be revoked again.
      const again = await submitForm(organiser, `/certificates/${cert.id}`, `/certificates/${fresh.id}/revoke`, { reason: 'x' });
      expect(again.status).toBe(303);
      expect((await certsOf(fx.session.id)).filter((c) => c.status === 'revoked')).toHaveLength(1);

      // The register (sổ cấp) keeps all of it: the replaced one says by which, the revoked one why.
      const reg = await organiser
        .get(`/sessions/${fx.session.id}/certificates/register.xlsx`)
        .buffer(true)
        .parse(binaryParser as never)
        .expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(reg.body);
      const ws = wb.getWorksheet('Sổ cấp')!;
      expect(ws.getCell('A1').value).toBe('SỔ CẤP GIẤY CHỨNG NHẬN');
      expect((ws.getRow(6).values as unknown[]).slice(1)).toEqual(['STT', 'Số hiệu', 'Họ và tên', 'Ngày sinh', 'Chức vụ', 'Đơn vị công tác', 'Ngày cấp', 'Căn cứ cấp', 'Tình trạng', 'Ghi chú', 'Đường dẫn xác thực']);
      const rows: unknown[][] = [];
      for (let r = 7; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
      const bySerial = (serial: string) => rows.find((r) => r[1] === serial)!;
      // Dates are Excel dates (sortable, filterable), shown dd/mm/yyyy, not text.
      expect(bySerial(cert.serial).slice(2, 4)).toEqual(['Vàng Thị Mỷ', new Date('1988-03-07T00:00:00Z')]);
      expect(bySerial(cert.serial)[6]).toEqual(new Date(`${cert.content.issueDate}T00:00:00Z`));
      const certRow = 7 + rows.findIndex((r) => r[1] === cert.serial);
      expect([ws.getCell(certRow, 1).numFmt, ws.getCell(certRow, 4).numFmt, ws.getCell(certRow, 7).numFmt]).toEqual([undefined, 'dd/mm/yyyy', 'dd/mm/yyyy']);
      expect(bySerial(cert.serial).slice(8, 10)).toEqual(['Đã được thay thế', `Thay bằng giấy số ${fresh.serial} (Sai ngày sinh)`]);
      expect(bySerial(fresh.serial)[8]).toBe('Đã thu hồi');
      expect(String(bySerial(fresh.serial)[9])).toMatch(/^Thu hồi ngày \d{2}\/\d{2}\/\d{4}: Cấp nhầm$/);
      expect(String(bySerial(fresh.serial)[10])).toContain(`/verify/${fresh.verification_code}`);
      expect(rows.map((r) => r[1])).toEqual((await certsOf(fx.session.id)).map((c) => c.serial)); // every certificate, in serial order
    });
  });

  it('issues all eligible in a resumable background job and gives the session as a ZIP and one PDF', async () => {
    const fx = await createEnrolledSessionFixture(t, 6, { days: 1, title: 'Lớp cấp hàng loạt' });
    for (const e of fx.enrollments.slice(0, 5)) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    const res = await submitForm(organiser, url, `${url}/issue-all`, {});
    expect(res.status).toBe(303);
    const [run] = await t.query<{ id: string; status: string; total: number }>(`SELECT id, status, total FROM certificate_runs WHERE session_id = $1`, [fx.session.id]);
    expect(run).toMatchObject({ status: 'queued', total: 5 });
    expect(pageText((await organiser.get(url)).text)).toContain('Lượt cấp gần nhất: 0/5 giấy');
    const jobs = t.app.get(JobsService);
    expect(await jobs.drain(ISSUE_RUN_JOB)).toBe(1);
    const progress = await organiser.get(`${url}/run.json`).expect(200);
    expect(progress.body).toMatchObject({ status: 'done', done: 5, total: 5, percent: 100, finished: true });
    expect(await certsOf(fx.session.id)).toHaveLength(5);
    // Running the job again (as after a crash and retry) issues nothing twice.
    await t.app.get(JobsService).send(ISSUE_RUN_JOB, { runId: run.id });
    await t.query(`UPDATE certificate_runs SET status = 'running' WHERE id = $1`, [run.id]);
    await jobs.drain(ISSUE_RUN_JOB);
    expect(await certsOf(fx.session.id)).toHaveLength(5);

    const zip = bodyOf(await organiser.get(`${url}.zip`).buffer(true).parse(binaryParser as never).expect(200));
    const entries = await zipEntries(zip);
    const certs = await certsOf(fx.session.id);
    expect(entries.map((e) => e.name)).toEqual(certs.map((c) => `${c.serial.replace(/\//g, '-')}_${c.content.traineeName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}.pdf`));
    expect(entries.every((e) => e.head === '%PDF-' && e.size > 1000)).toBe(true);

    const merged = bodyOf(await organiser.get(`${url}.pdf`).buffer(true).parse(binaryParser as never).expect(200));
    expect(await pdfPageCount(merged)).toBe(5);
    const text = (await pdfText(merged)).normalize('NFC');
    for (const c of certs) expect(text).toContain(c.serial);
  });

  it('starts one run for a double-submitted "Cấp tất cả" (requests at once, or while the run is queued) and none when nothing is pending', async () => {
    const fx = await createEnrolledSessionFixture(t, 4, { days: 1, title: 'Lớp bấm cấp hai lần' });
    for (const e of fx.enrollments) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    await signTemplate(fx.session.id);
    const url = `/sessions/${fx.session.id}/certificates`;
    const runsOf = () => t.query<{ id: string; status: string; total: number; done: number }>(`SELECT id, status, total, done FROM certificate_runs WHERE session_id = $1 ORDER BY created_at`, [fx.session.id]);
    // One browser posting the form three times at once (a weak connection), and another organiser at the same moment.
    const token = csrfFrom((await organiser.get(url)).text);
    const token2 = csrfFrom((await organiser2.get(url)).text);
    const post = (agent: Agent, csrf: string) => agent.post(`${url}/issue-all`).set('Referer', url).type('form').send({ _csrf: csrf });
    const results = await Promise.all([post(organiser, token), post(organiser, token), post(organiser2, token2), post(organiser, token)]);
    expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303]);
    let runs = await runsOf();
    expect(runs).toEqual([expect.objectContaining({ status: 'queued', total: 4, done: 0 })]);
    // Once more while it is queued: the same run, said so.
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toContain('Lượt cấp giấy chứng nhận trước đang chạy (0/4 giấy): không tạo lượt mới.');
    expect(await runsOf()).toHaveLength(1);

    await t.app.get(JobsService).drain(ISSUE_RUN_JOB);
    expect(await certsOf(fx.session.id)).toHaveLength(4);
    // Done, nothing pending: the submit creates no empty run, and the page still shows the run that did the work.
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    const text = pageText((await organiser.get(url)).text);
    expect(text).toContain('Không còn học viên đủ điều kiện nào chờ cấp giấy chứng nhận: không tạo lượt cấp mới.');
    expect(text).toContain('Lượt cấp gần nhất: 4/4 giấy (đã xong)');
    runs = await runsOf();
    expect(runs).toEqual([expect.objectContaining({ status: 'done', total: 4, done: 4 })]);
    expect(await certsOf(fx.session.id)).toHaveLength(4);
  });

  it('loses nothing and takes no serial when a run dies in the middle of a batch, then finishes on retry', async () => {
    const fx = await createEnrolledSessionFixture(t, 5, { days: 1, title: 'Lớp bị ngắt giữa chừng' });
    for (const e of fx.enrollments) await markAttendance(t, e.id, fx.sittings.map((s) => s.id), 'present');
    const year = Number(todayInVietnam().slice(0, 4));
    const lastSerial = async () => (await t.query<{ last: number }>(`SELECT last FROM certificate_serial_counters WHERE issuer_key = 'BNV' AND year = $1`, [year]))[0]?.last ?? 0;
    await signTemplate(fx.session.id);
    const before = await lastSerial();
    const url = `/sessions/${fx.session.id}/certificates`;
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    // The process "dies" while writing the third certificate of the batch.
    const audit = t.app.get(AuditService);
    const record = audit.record.bind(audit);
    let calls = 0;
    const spy = jest.spyOn(audit, 'record').mockImplementation(async (...args) => {
      if (++calls === 3) throw new Error('process killed');
      return record(...args);
    });
    const jobs = t.app.get(JobsService);
    await jobs.drain(ISSUE_RUN_JOB);
    spy.mockRestore();
    expect(await certsOf(fx.session.id)).toHaveLength(0);
    expect(await lastSerial()).toBe(before); // the two numbers taken in the dead batch were given back
    const [run] = await t.query<{ status: string; done: number }>(`SELECT status, done FROM certificate_runs WHERE session_id = $1`, [fx.session.id]);
    expect(run).toEqual({ status: 'failed', done: 0 });
    // The queue retries the job.
    await t.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND state = 'retry'`, [ISSUE_RUN_JOB]);
    await jobs.drain(ISSUE_RUN_JOB);
    const certs = await certsOf(fx.session.id);
    expect(certs.map((c) => c.serial_number)).toEqual([1, 2, 3, 4, 5].map((i) => before + i));
    const [after] = await t.query<{ status: string; done: number }>(`SELECT status, done FROM certificate_runs WHERE session_id = $1`, [fx.session.id]);
    expect(after).toEqual({ status: 'done', done: 5 });
  });

  it('runs a large session as a chain of batch jobs; a second copy of a batch that already committed issues nothing', async () => {
    const { fx, runId } = await sessionWithQueuedRun(30, 'Lớp cấp theo lô');
    const runs = t.app.get(CertificateRunsService);
    // The first batch (25 by default), as a worker would run the queued job, then the same job again
    // (its worker died before telling the queue, and the queue retried it).
    await runs.processBatch({ runId: runId, after: 0 });
    await runs.processBatch({ runId: runId, after: 0 });
    expect(await certsOf(fx.session.id)).toHaveLength(25);
    expect((await t.query(`SELECT status, done FROM certificate_runs WHERE id = $1`, [runId]))[0]).toEqual({ status: 'running', done: 25 });
    // The queue holds the original job (a stale copy now) and the next batch's job.
    expect(await t.app.get(JobsService).drain(ISSUE_RUN_JOB)).toBe(2);
    const certs = await certsOf(fx.session.id);
    expect(certs).toHaveLength(30);
    const serials = certs.map((c) => c.serial_number).sort((a, b) => a - b);
    expect(serials).toEqual(Array.from({ length: 30 }, (_, i) => serials[0] + i));
    expect((await t.query(`SELECT status, done FROM certificate_runs WHERE id = $1`, [runId]))[0]).toEqual({ status: 'done', done: 30 });
  });

  it('shows a run that found some trainees issued by hand meanwhile as complete, not short', async () => {
    const { fx, url } = await sessionWithQueuedRun(5, 'Lớp cấp tay trong lúc chạy');
    expect(pageText((await organiser.get(url)).text)).toContain('Lượt cấp gần nhất: 0/5 giấy (đang chờ)');
    // Before the run's job is taken, another organiser issues one trainee by hand.
    expect((await submitForm(organiser2, url, `${url}/issue`, { enrollmentId: fx.enrollments[2].id })).status).toBe(303);
    await t.app.get(JobsService).drain(ISSUE_RUN_JOB);
    expect(await certsOf(fx.session.id)).toHaveLength(5);
    const text = pageText((await organiser.get(url)).text);
    expect(text).toContain('Lượt cấp gần nhất: 4/4 giấy (đã xong)');
    expect(text).not.toContain('/5 giấy');
    expect(text).toContain('Trong lúc lượt cấp chạy, 1 giấy đã được cấp riêng.');
    expect(text).toContain('Tất cả học viên đủ điều kiện đã có giấy chứng nhận.');
    const progress = await organiser.get(`${url}/run.json`).expect(200);
    expect(progress.body).toMatchObject({ status: 'done', done: 4, total: 4, issuedElsewhere: 1, percent: 100, finished: true });
    const [run] = await t.query<{ status: string; total: number; done: number; issued_elsewhere: number }>(
      `SELECT status, total, done, issued_elsewhere FROM certificate_runs WHERE session_id = $1`,
      [fx.session.id],
    );
    expect(run).toEqual({ status: 'done', total: 4, done: 4, issued_elsewhere: 1 });
  });

  it('shows a run whose job was lost as stopped, with what to do, and a new "Cấp tất cả" issues what remains', async () => {
    const { fx, url, runId } = await sessionWithQueuedRun(5, 'Lớp có lượt cấp bị treo');
    // Two trainees issued by hand; then the run's worker is killed on every attempt: its job ends failed
    // without the batch's own error handling running, and the run's row stays "running" from its last move.
    for (const e of fx.enrollments.slice(0, 2)) expect((await submitForm(organiser, url, `${url}/issue`, { enrollmentId: e.id })).status).toBe(303);
    await t.query(`UPDATE pgboss.job SET state = 'failed' WHERE name = $1 AND data->>'runId' = $2`, [ISSUE_RUN_JOB, runId]);
    await t.query(`UPDATE certificate_runs SET status = 'running', updated_at = now() - interval '11 minutes' WHERE id = $1`, [runId]);
    const text = pageText((await organiser.get(url)).text);
    expect(text).toContain('Lượt cấp gần nhất: 0/5 giấy (đã dừng)');
    expect(text).toContain('Lượt cấp này đã dừng giữa chừng và không tự chạy tiếp. Bấm "Cấp cho tất cả học viên đủ điều kiện" để cấp nốt cho những học viên còn chờ; giấy đã cấp không bị cấp lại.');
    expect(text).not.toContain('đang chạy');
    expect((await organiser.get(`${url}/run.json`).expect(200)).body).toMatchObject({ id: runId, status: 'stalled', finished: true });

    // Pressing the button again starts a new run for the three still pending.
    expect((await submitForm(organiser, url, `${url}/issue-all`, {})).status).toBe(303);
    expect(pageText((await organiser.get(url)).text)).toContain('Đang cấp giấy chứng nhận cho 3 học viên đủ điều kiện.');
    await t.app.get(JobsService).drain(ISSUE_RUN_JOB);
    const certs = await certsOf(fx.session.id);
    expect(certs.map((c) => c.enrollment_id).sort()).toEqual(fx.enrollments.map((e) => e.id).sort());
    const after = pageText((await organiser.get(url)).text);
    expect(after).toContain('Lượt cấp gần nhất: 3/3 giấy (đã xong)');
    expect(after).toContain('Tất cả học viên đủ điều kiện đã có giấy chứng nhận.');
  });

  it('shows a run as stopped at once when its batch fails on the last attempt the queue allows', async () => {
    const { url, runId } = await sessionWithQueuedRun(2, 'Lớp hết lượt thử lại');
    const issuing = t.app.get(CertificateIssuingService);
    const spy = jest.spyOn(issuing, 'issueEligibleBatch').mockRejectedValue(new Error('disk full'));
    const jobs = t.app.get(JobsService);
    const statusOf = async () => (await organiser.get(`${url}/run.json`).expect(200)).body as { status: string; finished: boolean };
    try {
      await jobs.drain(ISSUE_RUN_JOB);
      // A failed attempt with retries left: said so, and the page keeps watching.
      expect(await statusOf()).toMatchObject({ status: 'failed', finished: false });
      expect(pageText((await organiser.get(url)).text)).toContain('(lỗi, sẽ thử lại)');
      for (let i = 0; i < 5; i++) {
        await t.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND state = 'retry'`, [ISSUE_RUN_JOB]);
        expect(await jobs.drain(ISSUE_RUN_JOB)).toBe(1);
      }
    } finally {
      spy.mockRestore();
    }
    expect(await t.query(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>'runId' = $2`, [ISSUE_RUN_JOB, runId])).toEqual([{ state: 'failed' }]);
    expect(await statusOf()).toMatchObject({ status: 'stalled', finished: true });
    expect(pageText((await organiser.get(url)).text)).toContain('Lượt cấp này đã dừng giữa chừng và không tự chạy tiếp.');
  });

  it('rate-limits the public verification', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await t.agent().get('/api/v1/verify/ABCDEFGHJKMNPQRSTVWX')).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 404)).toBe(true);
    // Login is not affected by the verification limit.
    expect((await t.agent().get('/login')).status).toBe(200);
  });
});
