import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import * as ical from 'node-ical';
import { simpleParser } from 'mailparser';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture } from './support/fixtures';
import { login, pageText, submitForm } from './support/http';
import { freePort, SmtpSink } from './support/smtp';
import { JobsService } from '../src/jobs/jobs.service';
import { INVITATION_QUEUE, INVITATION_RETRY_LIMIT, InvitationsService } from '../src/enrollments/invitations.service';
import { MailService } from '../src/mail/mail.service';

// pngjs comes with qrcode; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): { data: Buffer; width: number; height: number } } } };

describe('invitation emails through the job queue and a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let jobs: JobsService;
  let agent: ReturnType<TestApp['agent']>;

  beforeAll(async () => {
    smtp = new SmtpSink(await freePort());
    await smtp.start();
    t = await bootApp({ SMTP_URL: smtp.url, RUN_JOBS: 'false', PUBLIC_URL: 'https://taphuan.example.vn', MAIL_FROM: 'Ban tổ chức <btc@taphuan.example.vn>' });
    jobs = t.app.get(JobsService);
    const organiser = await createUser(t, 'organiser');
    agent = t.agent();
    await login(agent, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const enrolByForm = (sessionId: string, traineeIds: string[]) => submitForm(agent, `/sessions/${sessionId}/enrollments`, `/sessions/${sessionId}/enrollments`, { traineeIds });

  it('queues the invitation in the enrolment transaction and delivers it once, with the session, an ICS and the check-in QR', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp bồi dưỡng cán bộ, công chức cấp xã', startDate: '2025-09-25', days: 2, status: 'published', capacity: 1 });
    const mai = await createTraineeFixture(t, { fullName: 'Lò Thị Mai', email: 'mai.lo@example.vn' });
    const other = await createTraineeFixture(t, { fullName: 'Không Chỗ', email: 'khongcho@example.vn' });

    // Refused enrolment (over capacity) → no job either.
    await enrolByForm(session.id, [mai.id, other.id]);
    expect(await jobs.queueCounts(INVITATION_QUEUE)).toEqual({});

    await enrolByForm(session.id, [mai.id]);
    const [e] = await t.query<{ id: string; invitation_state: string; checkin_token: string }>(`SELECT id, invitation_state, checkin_token FROM enrollments WHERE trainee_id = $1`, [mai.id]);
    expect(e.invitation_state).toBe('queued');
    expect(await jobs.queueCounts(INVITATION_QUEUE)).toEqual({ created: 1 });
    expect(await smtp.messages()).toHaveLength(0);

    await jobs.drain(INVITATION_QUEUE);
    const messages = await smtp.messages();
    expect(messages).toHaveLength(1);
    const mail = messages[0];
    expect(mail.subject).toBe('Thư mời tham dự Lớp bồi dưỡng cán bộ, công chức cấp xã');
    expect((mail.to as { text: string }).text).toBe('mai.lo@example.vn');
    expect(mail.from?.text).toContain('btc@taphuan.example.vn');
    expect(mail.messageId).toBe(`<invitation-${e.id}@taphuan>`);
    expect(mail.text).toContain('Kính gửi Lò Thị Mai');
    expect(mail.text).toContain('Thời gian: 25/09/2025 – 26/09/2025');
    // The venue already names the province: it is not added a second time.
    expect(mail.text).toMatch(/Địa điểm: Hội trường tỉnh Lai Châu\s*\n/);
    expect(mail.html).toContain('Lò Thị Mai');
    expect(mail.html).toContain('alt="Mã QR điểm danh"');

    const icsPart = mail.attachments.find((a) => a.filename === 'lich-tap-huan.ics')!;
    expect(icsPart.contentType).toBe('text/calendar');
    const events = Object.values(ical.sync.parseICS(icsPart.content.toString('utf8'))).filter((x) => x?.type === 'VEVENT') as ical.VEvent[];
    expect(events).toHaveLength(4);
    const starts = events.map((ev) => (ev.start as Date).toISOString()).sort();
    expect(starts).toEqual(['2025-09-25T00:30:00.000Z', '2025-09-25T06:30:00.000Z', '2025-09-26T00:30:00.000Z', '2025-09-26T06:30:00.000Z']);
    expect(String(events[0].summary)).toContain('Lớp bồi dưỡng cán bộ, công chức cấp xã');
    expect(String(events[0].location)).toContain('Hội trường tỉnh Lai Châu');

    const qrPart = mail.attachments.find((a) => a.cid === 'checkin-qr')!;
    expect(qrPart.contentType).toBe('image/png');
    const png = PNG.sync.read(qrPart.content);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(`https://taphuan.example.vn/checkin/t/${e.checkin_token}`);

    // The link of the text part (a mail app that shows no HTML) opens a page with the same code, to show at the door.
    expect(mail.text).toContain(`mở đường dẫn này để hiện mã trên điện thoại: https://taphuan.example.vn/checkin/t/${e.checkin_token}`);
    const opened = await t.agent().get(`/checkin/t/${e.checkin_token}`).expect(200);
    expect(pageText(opened.text)).toContain('Lò Thị Mai Lớp bồi dưỡng cán bộ, công chức cấp xã (25/09/2025 – 26/09/2025)');
    const img = PNG.sync.read(Buffer.from(opened.text.match(/src="data:image\/png;base64,([^"]+)"/)![1], 'base64'));
    expect(jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data).toBe(`https://taphuan.example.vn/checkin/t/${e.checkin_token}`);
    // A code that is no one's says so.
    const bogus = await t.agent().get('/checkin/t/khong-co-ma-nay').expect(404);
    expect(pageText(bogus.text)).toContain('Mã điểm danh không đúng hoặc không còn dùng được.');

    const [after] = await t.query<{ invitation_state: string; invited_at: Date | null }>(`SELECT invitation_state, invited_at FROM enrollments WHERE id = $1`, [e.id]);
    expect(after.invitation_state).toBe('sent');
    expect(after.invited_at).not.toBeNull();
    const page = await agent.get(`/sessions/${session.id}/enrollments`).expect(200);
    expect(pageText(page.text)).toContain('Đã gửi thư mời');
    // The enrolment's history says to whom it went (the system sent it).
    const delivered = await t.query<{ action: string; actor_id: string | null; new_value: unknown }>(`SELECT action, actor_id, new_value FROM audit_log WHERE entity = 'enrollment' AND entity_id = $1`, [e.id]);
    expect(delivered).toEqual([{ action: 'enrollment.invitation-sent', actor_id: null, new_value: { to: 'mai.lo@example.vn' } }]);

    // Never twice: the job again, a duplicate job, "send invitations" for the session.
    await jobs.drain(INVITATION_QUEUE);
    await t.app.get(InvitationsService).deliver(e.id);
    await submitForm(agent, `/sessions/${session.id}/enrollments`, `/sessions/${session.id}/enrollments/invitations`, {});
    await jobs.drain(INVITATION_QUEUE);
    expect(await smtp.messages()).toHaveLength(1);
  });

  it('survives an SMTP outage: the job is retried with backoff and delivered once the server is back', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Giàng A Lử', email: 'lu.giang@example.vn' });
    const before = (await smtp.messages()).length;
    await smtp.stop();

    await enrolByForm(session.id, [trainee.id]);
    await jobs.drain(INVITATION_QUEUE);
    expect((await jobs.queueCounts(INVITATION_QUEUE)).retry).toBe(1);
    const [job] = await t.query<{ start_after: Date; retry_count: number }>(`SELECT start_after, retry_count FROM pgboss.job WHERE name = $1 AND state = 'retry'`, [INVITATION_QUEUE]);
    expect(new Date(job.start_after).getTime()).toBeGreaterThan(Date.now());
    // Still down on the second attempt.
    await t.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND state = 'retry'`, [INVITATION_QUEUE]);
    await jobs.drain(INVITATION_QUEUE);
    const [again] = await t.query<{ retry_count: number }>(`SELECT retry_count FROM pgboss.job WHERE name = $1 AND state = 'retry'`, [INVITATION_QUEUE]);
    expect(again.retry_count).toBeGreaterThan(job.retry_count);
    const [pending] = await t.query<{ invitation_state: string }>(`SELECT invitation_state FROM enrollments WHERE trainee_id = $1`, [trainee.id]);
    expect(pending.invitation_state).toBe('queued');

    await smtp.start();
    await t.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND state = 'retry'`, [INVITATION_QUEUE]);
    await jobs.drain(INVITATION_QUEUE);
    await jobs.drain(INVITATION_QUEUE);
    const messages = await smtp.messages();
    expect(messages).toHaveLength(before + 1);
    expect(messages.filter((m) => (m.to as { text: string }).text === 'lu.giang@example.vn')).toHaveLength(1);
    const [sent] = await t.query<{ invitation_state: string }>(`SELECT invitation_state FROM enrollments WHERE trainee_id = $1`, [trainee.id]);
    expect(sent.invitation_state).toBe('sent');
    expect((await jobs.queueCounts(INVITATION_QUEUE)).retry ?? 0).toBe(0);
    // Only the delivery is in the enrolment's history: the failed attempts before it were retried, not final.
    const history = await t.query<{ action: string }>(`SELECT a.action FROM audit_log a JOIN enrollments e ON a.entity_id = e.id::text WHERE e.trainee_id = $1 AND a.entity = 'enrollment'`, [trainee.id]);
    expect(history.map((h) => h.action)).toEqual(['enrollment.invitation-sent']);
  });

  it('records in the enrolment’s history an invitation that could not be sent on its last attempt, with the error', async () => {
    const { session } = await createSessionFixture(t, { status: 'published' });
    const trainee = await createTraineeFixture(t, { fullName: 'Sùng Thị Lỗi', email: 'loi.sung@example.vn' });
    await enrolByForm(session.id, [trainee.id]);
    const [e] = await t.query<{ id: string }>(`SELECT id FROM enrollments WHERE trainee_id = $1`, [trainee.id]);
    await smtp.stop();
    try {
      await expect(t.app.get(InvitationsService).deliver(e.id, INVITATION_RETRY_LIMIT)).rejects.toThrow();
    } finally {
      await smtp.start();
    }
    const [after] = await t.query<{ invitation_state: string }>(`SELECT invitation_state FROM enrollments WHERE id = $1`, [e.id]);
    expect(after.invitation_state).toBe('failed');
    const [entry] = await t.query<{ action: string; new_value: { to: string; error: string } }>(`SELECT action, new_value FROM audit_log WHERE entity = 'enrollment' AND entity_id = $1`, [e.id]);
    expect(entry.action).toBe('enrollment.invitation-failed');
    expect(entry.new_value.to).toBe('loi.sung@example.vn');
    expect(entry.new_value.error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('sends no invitation for a draft session until the organiser sends them', async () => {
    const { session } = await createSessionFixture(t, { status: 'draft' });
    const trainee = await createTraineeFixture(t, { email: 'nhap@example.vn' });
    await enrolByForm(session.id, [trainee.id]);
    const [e] = await t.query<{ invitation_state: string }>(`SELECT invitation_state FROM enrollments WHERE trainee_id = $1`, [trainee.id]);
    expect(e.invitation_state).toBe('none');
    const res = await submitForm(agent, `/sessions/${session.id}/enrollments`, `/sessions/${session.id}/enrollments/invitations`, {});
    const page = await agent.get(res.headers.location).expect(200);
    expect(pageText(page.text)).toContain('Chỉ gửi thư mời khi lớp đã được công bố.');
    // Once published, "Gửi thư mời" queues it, and the audit log says who sent how many, when.
    await t.query(`UPDATE training_sessions SET status = 'published' WHERE id = $1`, [session.id]);
    const sent = await submitForm(agent, `/sessions/${session.id}/enrollments`, `/sessions/${session.id}/enrollments/invitations`, {});
    expect(pageText((await agent.get(sent.headers.location).expect(200)).text)).toContain('Đang gửi 1 thư mời.');
    const [entry] = await t.query<{ new_value: unknown; actor_id: string | null }>(`SELECT new_value, actor_id FROM audit_log WHERE action = 'enrollment.invite' AND entity_id = $1`, [session.id]);
    const [invited] = await t.query<{ id: string }>(`SELECT id FROM enrollments WHERE trainee_id = $1`, [trainee.id]);
    expect(entry.new_value).toEqual({ invitations: 1, enrollmentIds: [invited.id] });
    expect(entry.actor_id).not.toBeNull();
    expect(pageText((await agent.get(`/audit?entityId=${session.id}`).expect(200)).text)).toContain('Gửi thư mời');
  });

  it('writes .eml files under DATA_DIR/mail when no SMTP server is configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taphuan-mail-'));
    const mail = new MailService({ ...t.config, smtpUrl: undefined, dataDir });
    await mail.send({ to: 'a@example.vn', subject: 'Thư mời tham dự lớp thử', template: 'invitation', context: { traineeName: 'Lò Văn A', session: { title: 'Lớp thử', organisingUnit: 'Bộ Nội vụ', venue: 'Lai Châu', startDate: '2025-09-25', endDate: '2025-09-26' }, sittings: [], checkinUrl: 'x' } });
    const files = readdirSync(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(readFileSync(join(dataDir, 'mail', files[0])));
    expect(parsed.subject).toBe('Thư mời tham dự lớp thử');
    expect(parsed.text).toContain('Kính gửi Lò Văn A');
  });
});
