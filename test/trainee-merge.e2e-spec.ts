import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { login, pageText, submitForm } from './support/http';
import { markAttendance } from './support/certificates';
import { UsersService } from '../src/users/users.service';
import { EnrollmentsService } from '../src/enrollments/enrollments.service';
import { Trainee } from '../src/trainees/trainee.entity';

type Agent = ReturnType<TestApp['agent']>;

/** Merging two records of one person, as the organiser does it from the kept record's page. */
describe('trainee merge: what follows the person', () => {
  let t: TestApp;
  let organiser: Agent;

  beforeAll(async () => {
    t = await bootApp({ RUN_JOBS: 'false', PUBLIC_URL: 'https://taphuan.example.vn' });
    const o = await createUser(t, 'organiser');
    organiser = t.agent();
    await login(organiser, o.login, o.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const merge = (keep: Trainee, other: Trainee) => submitForm(organiser, `/trainees/${keep.id}`, `/trainees/${keep.id}/merge`, { otherId: other.id });
  const flashAfter = async (res: { headers: Record<string, string> }) => pageText((await organiser.get(res.headers.location).expect(200)).text);
  const mergedInto = async (id: string) => (await t.query<{ merged_into_id: string | null }>(`SELECT merged_into_id FROM trainees WHERE id = $1`, [id]))[0].merged_into_id;
  const mergeAudit = async (keepId: string) =>
    (await t.query<{ new_value: Record<string, any> }>(`SELECT new_value FROM audit_log WHERE action = 'trainee.merge' AND entity_id = $1`, [keepId]))[0]?.new_value;

  /** A session with a certificate template, whose certificates the organiser issues through the product. */
  async function certificateSession(title: string) {
    const fx = await createSessionFixture(t, { title, days: 2 });
    const url = `/sessions/${fx.session.id}/certificates`;
    const saved = await submitForm(organiser, url, `${url}/settings`, {
      minAttendancePercent: '80',
      issuerParent: 'Bộ Nội vụ',
      issuerName: 'Vụ Chính quyền địa phương',
      issuerCode: 'BNV-CQDP',
      serialFormat: '{n}/{year}/GCN-GOP',
      wording: 'Đã hoàn thành khóa tập huấn',
      placeName: 'Lai Châu',
      signerTitle: 'Vụ trưởng',
      signerName: 'Nguyễn Văn Ký',
    });
    expect(saved.status).toBe(303);
    const issue = async (enrollmentId: string) => {
      await markAttendance(t, enrollmentId, fx.sittings.map((s) => s.id), 'present');
      expect((await submitForm(organiser, url, `${url}/issue`, { enrollmentId })).status).toBe(303);
      const [c] = await t.query<Cert>(`SELECT ${CERT} FROM certificates WHERE enrollment_id = $1 AND status = 'valid'`, [enrollmentId]);
      expect(c).toBeDefined();
      return c;
    };
    const revoke = async (c: Cert) => {
      expect((await submitForm(organiser, `/certificates/${c.id}`, `/certificates/${c.id}/revoke`, { reason: 'Cấp trùng cho hồ sơ lặp' })).status).toBe(303);
      expect((await t.query<{ status: string }>(`SELECT status FROM certificates WHERE id = $1`, [c.id]))[0].status).toBe('revoked');
    };
    return { ...fx, issue, revoke };
  }
  type Cert = { id: string; enrollment_id: string; trainee_id: string; serial: string; verification_code: string; status: string };
  const CERT = 'id, enrollment_id, trainee_id, serial, verification_code, status';
  const certById = async (id: string) => (await t.query<Cert>(`SELECT ${CERT} FROM certificates WHERE id = $1`, [id]))[0];

  /** A trainee's own portal account, signed in. */
  async function portalOf(trainee: Trainee, email: string) {
    const password = 'mat-khau-hoc-vien-1';
    const { user } = await t.app.get(UsersService).create({ fullName: trainee.fullName, email, role: 'trainee', password }, null, undefined, trainee.id);
    const agent = t.agent();
    await login(agent, email, password);
    return { user, agent, password };
  }

  it('keeps, for each sitting both enrolments have a mark for, the mark that counts most (present > late > excused > absent), and audits it', async () => {
    const { session, sittings } = await createSessionFixture(t, { title: 'Lớp gộp điểm danh', days: 3, minAttendancePercent: 80 });
    const s = sittings.map((x) => x.id);
    const keep = await createTraineeFixture(t, { fullName: 'Lò Văn Khoa', nationalId: '012190100003' });
    const other = await createTraineeFixture(t, { fullName: 'Lo Van Khoa', nationalId: '012190100003' });
    const eKeep = await enrollFixture(t, session.id, keep.id);
    const eOther = await enrollFixture(t, session.id, other.id);
    // Sitting 0: the kept record says absent, the other present (the QA case). 1: late vs excused.
    // 2: excused vs late. 3: absent vs excused. 4: present vs absent. 5: only the other has a mark.
    await markAttendance(t, eKeep.id, [s[0]], 'absent');
    await markAttendance(t, eOther.id, [s[0]], 'present');
    await markAttendance(t, eKeep.id, [s[1]], 'late');
    await markAttendance(t, eOther.id, [s[1]], 'excused');
    await markAttendance(t, eKeep.id, [s[2]], 'excused');
    await markAttendance(t, eOther.id, [s[2]], 'late');
    await markAttendance(t, eKeep.id, [s[3]], 'absent');
    await markAttendance(t, eOther.id, [s[3]], 'excused');
    await markAttendance(t, eKeep.id, [s[4]], 'present');
    await markAttendance(t, eOther.id, [s[4]], 'absent');
    await markAttendance(t, eOther.id, [s[5]], 'present');

    expect((await merge(keep, other)).status).toBe(303);
    const marks = await t.query<{ sitting_id: string; status: string }>(`SELECT sitting_id, status FROM attendance_marks WHERE enrollment_id = $1`, [eKeep.id]);
    const bySitting = Object.fromEntries(marks.map((m) => [m.sitting_id, m.status]));
    expect(s.map((id) => bySitting[id])).toEqual(['present', 'late', 'late', 'excused', 'present', 'present']);
    expect(await t.query(`SELECT 1 FROM attendance_marks WHERE enrollment_id = $1`, [eOther.id])).toHaveLength(0);

    const audit = await mergeAudit(keep.id);
    expect(audit.marksCombined).toHaveLength(5);
    expect(audit.marksCombined).toEqual(
      expect.arrayContaining([
        { enrollmentId: eKeep.id, sittingId: s[0], kept: 'present', discarded: 'absent' },
        { enrollmentId: eKeep.id, sittingId: s[1], kept: 'late', discarded: 'excused' },
        { enrollmentId: eKeep.id, sittingId: s[2], kept: 'late', discarded: 'excused' },
        { enrollmentId: eKeep.id, sittingId: s[3], kept: 'excused', discarded: 'absent' },
        { enrollmentId: eKeep.id, sittingId: s[4], kept: 'present', discarded: 'absent' },
      ]),
    );
    // The certificate page counts the person as attending 5 of 6 (80 % needs 5): eligible.
    const page = pageText((await organiser.get(`/sessions/${session.id}/certificates`).expect(200)).text);
    expect(page).toContain('Đủ điều kiện: có mặt 5/6 buổi, cần 5');
  });

  it('takes commune and province together: a commune from another province brings its province, never sits beside the kept one', async () => {
    const [inEleven] = await t.query<{ code: string; name: string }>(`SELECT code, name FROM communes WHERE province_code = '11' ORDER BY code LIMIT 1`);
    expect(inEleven).toBeDefined();
    const keep = await createTraineeFixture(t, { fullName: 'Mùa A Sình', phone: '0966000301' });
    await t.query(`UPDATE trainees SET commune_code = NULL, province_code = '12' WHERE id = $1`, [keep.id]);
    const other = await createTraineeFixture(t, { fullName: 'Mua A Sinh', phone: '0966000301', communeCode: inEleven.code, email: 'sinh@example.vn' });
    expect(other.provinceCode).toBe('11');

    expect((await merge(keep, other)).status).toBe(303);
    const [row] = await t.query<{ commune_code: string; province_code: string; email: string }>(`SELECT commune_code, province_code, email FROM trainees WHERE id = $1`, [keep.id]);
    expect(row).toEqual({ commune_code: inEleven.code, province_code: '11', email: 'sinh@example.vn' });
    expect(await mergeAudit(keep.id)).toMatchObject({ filled: { communeCode: inEleven.code, provinceCode: '11', email: 'sinh@example.vn' }, replaced: { provinceCode: '12' } });
    const page = pageText((await organiser.get(`/trainees/${keep.id}`).expect(200)).text);
    expect(page).toContain(inEleven.name);

    // A kept record with its own commune keeps its whole address.
    const keep2 = await createTraineeFixture(t, { fullName: 'Thào A Chư', phone: '0966000302' });
    const other2 = await createTraineeFixture(t, { fullName: 'Thao A Chu', phone: '0966000302', communeCode: inEleven.code });
    expect((await merge(keep2, other2)).status).toBe(303);
    const [row2] = await t.query<{ commune_code: string; province_code: string }>(`SELECT commune_code, province_code FROM trainees WHERE id = $1`, [keep2.id]);
    expect(row2).toEqual({ commune_code: keep2.communeCode, province_code: keep2.provinceCode });
  });

  it('portal accounts: the dropped one follows a kept record without one; when both have one, the dropped one is disabled', async () => {
    const s1 = await createSessionFixture(t, { title: 'Lớp của hồ sơ giữ lại' });
    const s2 = await createSessionFixture(t, { title: 'Lớp của hồ sơ bị gộp' });
    const keep = await createTraineeFixture(t, { fullName: 'Hảng Thị Mỷ', nationalId: '012190100005' });
    const other = await createTraineeFixture(t, { fullName: 'Hang Thi My', nationalId: '012190100005' });
    await enrollFixture(t, s1.session.id, keep.id);
    await enrollFixture(t, s2.session.id, other.id);
    const kept = await portalOf(keep, 'my.hang@example.vn');
    const dropped = await portalOf(other, 'my.hang.2@example.vn');

    const res = await merge(keep, other);
    expect(res.status).toBe(303);
    expect(await flashAfter(res)).toContain('tài khoản của hồ sơ bị gộp đã bị khóa');
    const [acc] = await t.query<{ trainee_id: string; disabled_at: Date | null }>(`SELECT trainee_id, disabled_at FROM users WHERE id = $1`, [dropped.user.id]);
    expect(acc.trainee_id).toBe(other.id);
    expect(acc.disabled_at).not.toBeNull();
    expect((await t.query<{ disabled_at: Date | null }>(`SELECT disabled_at FROM users WHERE id = $1`, [kept.user.id]))[0].disabled_at).toBeNull();
    expect(await mergeAudit(keep.id)).toMatchObject({ portalAccountDisabled: dropped.user.id });
    expect(await t.query(`SELECT 1 FROM audit_log WHERE action = 'user.disable' AND entity_id = $1`, [dropped.user.id])).toHaveLength(1);

    // The dropped account's open session ends, and it cannot sign in again.
    const gone = await dropped.agent.get('/portal');
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toMatch(/^\/login/);
    await expect(login(t.agent(), 'my.hang.2@example.vn', dropped.password)).rejects.toThrow('login failed');
    // The kept account sees the sessions of both records.
    const home = pageText((await kept.agent.get('/portal').expect(200)).text);
    expect(home).toContain('Lớp của hồ sơ giữ lại');
    expect(home).toContain('Lớp của hồ sơ bị gộp');

    // Kept record without an account: the dropped record's account moves to it and keeps working.
    const keep2 = await createTraineeFixture(t, { fullName: 'Vừ A Lử', nationalId: '012190100006' });
    const other2 = await createTraineeFixture(t, { fullName: 'Vu A Lu', nationalId: '012190100006' });
    await enrollFixture(t, s1.session.id, keep2.id);
    const moving = await portalOf(other2, 'lu.vu@example.vn');
    expect((await merge(keep2, other2)).status).toBe(303);
    expect((await t.query<{ trainee_id: string; disabled_at: Date | null }>(`SELECT trainee_id, disabled_at FROM users WHERE id = $1`, [moving.user.id]))[0]).toEqual({ trainee_id: keep2.id, disabled_at: null });
    expect(pageText((await moving.agent.get('/portal').expect(200)).text)).toContain('Lớp của hồ sơ giữ lại');
  });

  it('never takes a full session over its capacity: the combined enrolment takes the place of two', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp đã đủ chỗ', capacity: 2 });
    const keep = await createTraineeFixture(t, { fullName: 'Lầu Thị Chi', nationalId: '012190100007' });
    const other = await createTraineeFixture(t, { fullName: 'Lau Thi Chi', nationalId: '012190100007' });
    const third = await createTraineeFixture(t, { fullName: 'Lý Thị Ba' });
    const eKeep = await enrollFixture(t, session.id, keep.id, 'cancelled');
    await enrollFixture(t, session.id, other.id, 'registered');
    await enrollFixture(t, session.id, third.id, 'registered');
    const active = async () => (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM enrollments WHERE session_id = $1 AND status <> 'cancelled'`, [session.id]))[0].n;
    expect(await active()).toBe(2);

    expect((await merge(keep, other)).status).toBe(303);
    // The kept (cancelled) enrolment is active again in place of the dropped one: still 2 of 2.
    expect((await t.query<{ id: string; status: string }>(`SELECT id, status FROM enrollments WHERE session_id = $1 AND trainee_id = $2`, [session.id, keep.id]))[0]).toEqual({ id: eKeep.id, status: 'registered' });
    expect(await active()).toBe(2);
    const newcomer = await createTraineeFixture(t, { fullName: 'Người đến sau' });
    await expect(t.app.get(EnrollmentsService).enrol(session.id, [newcomer.id], null)).rejects.toThrow('Lớp chỉ nhận tối đa 2 học viên; đã có 2');
  });
});
