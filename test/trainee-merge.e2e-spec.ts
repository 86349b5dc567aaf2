import { parse } from 'csv-parse/sync';
import { bootApp, TestApp } from './support/app';
import { waitsForLock } from './support/locks';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { csrfFrom, csrfToken, login, pageText, submitForm } from './support/http';
import { markAttendance } from './support/certificates';
import { UsersService } from '../src/users/users.service';
import { EnrollmentsService } from '../src/enrollments/enrollments.service';
import { Trainee } from '../src/trainees/trainee.entity';
import { TraineeMergeHooks } from '../src/trainees/trainee-merge-hooks';
import { InvitationsService } from '../src/enrollments/invitations.service';
import { Clock } from '../src/attendance/clock';
import { CertificatesFollowMergedTrainees1796031000000 } from '../migrations/1796031000000-CertificatesFollowMergedTrainees';

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
    /** A revoked certificate is given again only by re-issuing it, with a reason. */
    const reissue = async (c: Cert) => {
      expect((await submitForm(organiser, `/certificates/${c.id}`, `/certificates/${c.id}/reissue`, { reason: 'Cấp lại đúng hồ sơ' })).status).toBe(303);
      const [fresh] = await t.query<Cert>(`SELECT ${CERT} FROM certificates WHERE enrollment_id = $1 AND status = 'valid'`, [c.enrollment_id]);
      expect(fresh).toBeDefined();
      return fresh;
    };
    return { ...fx, issue, revoke, reissue };
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

  it('moves the certificates of the dropped enrolment (valid and revoked) to the kept one, with their serials and codes; they follow the person to the portal', async () => {
    const shared = await certificateSession('Lớp gộp giấy chứng nhận');
    const alone = await certificateSession('Lớp chỉ hồ sơ trùng học');
    const keep = await createTraineeFixture(t, { fullName: 'Sùng Thị Dua', nationalId: '012190100001' });
    const other = await createTraineeFixture(t, { fullName: 'Sung Thi Dua', nationalId: '012190100001' });
    const eKeep = await enrollFixture(t, shared.session.id, keep.id, 'registered');
    const eOther = await enrollFixture(t, shared.session.id, other.id, 'confirmed');
    const eAlone = await enrollFixture(t, alone.session.id, other.id, 'confirmed');
    // On the dropped enrolment: a certificate revoked (issued by mistake, say) and the valid one issued after it.
    const mistaken = await shared.issue(eOther.id);
    await shared.revoke(mistaken);
    const revoked = await certById(mistaken.id);
    const valid = await shared.reissue(mistaken);
    const elsewhere = await alone.issue(eAlone.id);
    const portal = await portalOf(keep, 'dua.sung@example.vn');
    expect(pageText((await portal.agent.get('/portal/certificates').expect(200)).text)).toContain('Bạn chưa có giấy chứng nhận nào.');

    const res = await merge(keep, other);
    expect(res.status).toBe(303);
    expect(await flashAfter(res)).toContain('Đã gộp hồ sơ vào Sùng Thị Dua');
    expect(await mergedInto(other.id)).toBe(keep.id);

    // The dropped enrolment is gone; its certificates hang on the kept one, unchanged otherwise.
    expect(await t.query(`SELECT 1 FROM enrollments WHERE id = $1`, [eOther.id])).toHaveLength(0);
    for (const before of [revoked, valid]) {
      const after = await certById(before.id);
      expect(after).toEqual({ ...before, enrollment_id: eKeep.id, trainee_id: keep.id });
    }
    expect(await certById(elsewhere.id)).toEqual({ ...elsewhere, trainee_id: keep.id });
    expect(await t.query(`SELECT 1 FROM certificates WHERE trainee_id = $1`, [other.id])).toHaveLength(0);
    expect(await mergeAudit(keep.id)).toMatchObject({ mergedId: other.id, certificatesMoved: 3, certificatesCombined: 2, enrollmentsCombined: 1, enrollmentsMoved: 1 });
    // Each record's own history says it changed hands, in the merge's transaction and by the organiser.
    const historyOf = async (id: string) =>
      t.query<{ action: string; old_value: Record<string, unknown> | null; new_value: Record<string, unknown> }>(`SELECT action, old_value, new_value FROM audit_log WHERE entity_id = $1 AND action IN ('trainee.merge-reassign', 'enrollment.combine') ORDER BY id`, [id]);
    expect(await historyOf(eOther.id)).toEqual([{ action: 'enrollment.combine', old_value: { traineeId: other.id, status: 'confirmed' }, new_value: { combinedInto: eKeep.id } }]);
    expect(await historyOf(eKeep.id)).toEqual([{ action: 'enrollment.combine', old_value: { status: 'registered' }, new_value: { combinedFrom: eOther.id, status: 'confirmed' } }]);
    expect(await historyOf(eAlone.id)).toEqual([{ action: 'trainee.merge-reassign', old_value: { traineeId: other.id }, new_value: { traineeId: keep.id } }]);
    expect(await historyOf(valid.id)).toEqual([
      { action: 'trainee.merge-reassign', old_value: { enrollmentId: eOther.id }, new_value: { enrollmentId: eKeep.id } },
      { action: 'trainee.merge-reassign', old_value: { traineeId: other.id }, new_value: { traineeId: keep.id } },
    ]);
    expect((await historyOf(portal.user.id)).map((h) => h.action)).toEqual([]);
    // The audit page finds all of it under the kept person: with the 4 marks moved to the kept enrolment, 10 entries.
    const about = pageText((await organiser.get(`/audit?trainee=${keep.id}&action=trainee.merge-reassign`).expect(200)).text);
    expect(about).toContain('10 mục');

    // Public verification still answers for each code, as before.
    const v = await t.agent().get(`/api/v1/verify/${valid.verification_code}`).expect(200);
    expect(v.body).toMatchObject({ status: 'valid', serial: valid.serial, courseTitle: 'Lớp gộp giấy chứng nhận' });
    expect((await t.agent().get(`/api/v1/verify/${revoked.verification_code}`).expect(200)).body.status).toBe('revoked');

    // The kept person's portal lists them.
    const mine = pageText((await portal.agent.get('/portal/certificates').expect(200)).text);
    expect(mine).toContain(valid.serial);
    expect(mine).toContain(revoked.serial);
    expect(mine).toContain(elsewhere.serial);
    expect(mine).toContain('Lớp chỉ hồ sơ trùng học');
    await portal.agent.get(`/portal/certificates/${valid.id}.pdf`).expect(200);
    // The kept enrolment, now holding the certificate, cannot be given a second one.
    const url = `/sessions/${shared.session.id}/certificates`;
    await submitForm(organiser, url, `${url}/issue`, { enrollmentId: eKeep.id });
    expect(pageText((await organiser.get(url)).text)).toContain('đã có giấy chứng nhận còn hiệu lực');
  });

  it('gives back to their person the certificates an earlier merge left on the hidden record (migration)', async () => {
    const fx = await certificateSession('Lớp gộp trước khi sửa');
    const keep = await createTraineeFixture(t, { fullName: 'Tòng Văn Ước' });
    const hidden = await createTraineeFixture(t, { fullName: 'Tong Van Uoc' });
    const e = await enrollFixture(t, fx.session.id, keep.id);
    const c = await fx.issue(e.id);
    // As an earlier merge left it: the enrolment moved, the certificate still naming the hidden record.
    await t.query(`UPDATE trainees SET merged_into_id = $2 WHERE id = $1`, [hidden.id, keep.id]);
    await t.query(`UPDATE certificates SET trainee_id = $2 WHERE id = $1`, [c.id, hidden.id]);
    const portal = await portalOf(keep, 'uoc.tong@example.vn');
    expect(pageText((await portal.agent.get('/portal/certificates').expect(200)).text)).not.toContain(c.serial);

    const runner = t.ds.createQueryRunner();
    try {
      await new CertificatesFollowMergedTrainees1796031000000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await certById(c.id)).toEqual(c);
    expect(pageText((await portal.agent.get('/portal/certificates').expect(200)).text)).toContain(c.serial);
  });

  it('refuses (409, nothing changed) when both enrolments of a session hold a valid certificate, and goes through once one is revoked', async () => {
    const shared = await certificateSession('Lớp hai giấy còn hiệu lực');
    const keep = await createTraineeFixture(t, { fullName: 'Giàng A Páo', phone: '0966000201' });
    const other = await createTraineeFixture(t, { fullName: 'Giang A Pao', phone: '0966000201', email: 'pao@example.vn' });
    const eKeep = await enrollFixture(t, shared.session.id, keep.id);
    const eOther = await enrollFixture(t, shared.session.id, other.id);
    const kept = await shared.issue(eKeep.id);
    const dropped = await shared.issue(eOther.id);

    // As a client that wants JSON: a 409 with the reason.
    const page = await organiser.get(`/trainees/${keep.id}`).expect(200);
    const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)![1];
    const json = await organiser.post(`/trainees/${keep.id}/merge`).set('Accept', 'application/json').set('Referer', `/trainees/${keep.id}`).type('form').send({ otherId: other.id, _csrf: csrf });
    expect(json.status).toBe(409);
    expect(json.body.message).toContain(`cả hai hồ sơ đều có giấy chứng nhận còn hiệu lực của lớp "Lớp hai giấy còn hiệu lực" (giấy số ${kept.serial} và số ${dropped.serial})`);
    expect(json.body.message).toContain('hãy thu hồi giấy cấp thừa trước, rồi gộp lại');

    // From the page: back to it with the message.
    const res = await merge(keep, other);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/trainees/${keep.id}`);
    expect(await flashAfter(res)).toContain('hãy thu hồi giấy cấp thừa trước, rồi gộp lại');

    // Nothing changed.
    expect(await mergedInto(other.id)).toBeNull();
    expect(await certById(kept.id)).toEqual(kept);
    expect(await certById(dropped.id)).toEqual(dropped);
    expect((await t.query<{ trainee_id: string }>(`SELECT trainee_id FROM enrollments WHERE id = $1`, [eOther.id]))[0].trainee_id).toBe(other.id);
    expect((await t.query<{ email: string | null }>(`SELECT email FROM trainees WHERE id = $1`, [keep.id]))[0].email).toBeNull();
    expect(await mergeAudit(keep.id)).toBeUndefined();

    // The organiser revokes the extra one: the merge goes through, the revoked one kept for the register.
    await shared.revoke(dropped);
    expect((await merge(keep, other)).status).toBe(303);
    expect(await mergedInto(other.id)).toBe(keep.id);
    expect(await certById(kept.id)).toEqual(kept);
    expect(await certById(dropped.id)).toEqual({ ...dropped, status: 'revoked', enrollment_id: eKeep.id, trainee_id: keep.id });
    expect((await t.agent().get(`/api/v1/verify/${dropped.verification_code}`).expect(200)).body.status).toBe('revoked');
    expect((await t.agent().get(`/api/v1/verify/${kept.verification_code}`).expect(200)).body.status).toBe('valid');
  });

  it('keeps, for each sitting both enrolments have a mark for, the mark that counts most (present > late > excused > absent), and audits it', async () => {
    const { session, sittings } = await createSessionFixture(t, { title: 'Lớp gộp điểm danh', days: 3, minAttendancePercent: 80 });
    const s = sittings.map((x) => x.id);
    const keep = await createTraineeFixture(t, { fullName: 'Lò Văn Khoa', nationalId: '012190100003' });
    const other = await createTraineeFixture(t, { fullName: 'Lo Van Khoa', nationalId: '012190100003' });
    const eKeep = await enrollFixture(t, session.id, keep.id);
    const eOther = await enrollFixture(t, session.id, other.id, 'registered');
    // The dropped enrolment has a history of its own: confirmed by the organiser.
    const list = `/sessions/${session.id}/enrollments`;
    expect((await submitForm(organiser, list, `${list}/${eOther.id}/confirm`, {})).status).toBe(303);
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
    const markIds = async (enrollmentId: string) =>
      Object.fromEntries((await t.query<{ id: string; sitting_id: string }>(`SELECT id, sitting_id FROM attendance_marks WHERE enrollment_id = $1`, [enrollmentId])).map((r) => [r.sitting_id, r.id]));
    const [keptMarks, otherMarks] = [await markIds(eKeep.id), await markIds(eOther.id)];

    expect((await merge(keep, other)).status).toBe(303);
    // Each mark's own history: the other's marks that now count moved to the kept enrolment; the one of each
    // sitting that counts less was set aside, naming the one kept.
    const entries = await t.query<{ action: string; entity_id: string; new_value: Record<string, string> }>(
      `SELECT action, entity_id, new_value FROM audit_log WHERE entity = 'attendance_mark' AND action IN ('trainee.merge-reassign', 'attendance.merge-discard') AND entity_id = ANY($1::text[])`,
      [[...Object.values(keptMarks), ...Object.values(otherMarks)]],
    );
    const moved = entries.filter((e) => e.action === 'trainee.merge-reassign').map((e) => e.entity_id).sort();
    expect(moved).toEqual([0, 2, 3, 5].map((i) => otherMarks[s[i]]).sort());
    expect(entries.filter((e) => e.action === 'trainee.merge-reassign').every((e) => e.new_value.enrollmentId === eKeep.id)).toBe(true);
    const discarded = Object.fromEntries(entries.filter((e) => e.action === 'attendance.merge-discard').map((e) => [e.entity_id, e.new_value.keptMarkId]));
    expect(discarded).toEqual({
      [keptMarks[s[0]]]: otherMarks[s[0]],
      [otherMarks[s[1]]]: keptMarks[s[1]],
      [keptMarks[s[2]]]: otherMarks[s[2]],
      [keptMarks[s[3]]]: otherMarks[s[3]],
      [otherMarks[s[4]]]: keptMarks[s[4]],
    });
    // All of it is found under the kept person, with the deleted enrolment's own history (its confirmation).
    const about = parse((await organiser.get(`/audit/export.csv?trainee=${keep.id}`).expect(200)).text, { bom: true, columns: true }) as Record<string, string>[];
    const count = (action: string) => about.filter((r) => r['Mã thao tác'] === action).length;
    expect(count('attendance.merge-discard')).toBe(5);
    expect(count('trainee.merge-reassign')).toBe(4); // the other's marks of sittings 0, 2, 3 and 5, now the kept enrolment's
    expect(about.some((r) => r['Mã thao tác'] === 'enrollment.confirm' && r['Mã đối tượng'] === eOther.id)).toBe(true);

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

  it('takes the other record\'s date of birth only when it agrees with the kept record\'s year of birth', async () => {
    const birth = async (id: string) => (await t.query<{ date_of_birth: string | null; birth_year: number | null }>(`SELECT to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, birth_year FROM trainees WHERE id = $1`, [id]))[0];
    const pair = async (keptYear: number, otherDate: string, phone: string) => {
      const keep = await createTraineeFixture(t, { fullName: 'Giàng Thị Sua', phone });
      const other = await createTraineeFixture(t, { fullName: 'Giang Thi Sua', phone });
      await t.query(`UPDATE trainees SET date_of_birth = NULL, birth_year = $2 WHERE id = $1`, [keep.id, keptYear]);
      await t.query(`UPDATE trainees SET date_of_birth = $2, birth_year = $3 WHERE id = $1`, [other.id, otherDate, Number(otherDate.slice(0, 4))]);
      expect((await merge(keep, other)).status).toBe(303);
      return keep;
    };
    const agrees = await pair(1985, '1985-06-15', '0966000401');
    expect(await birth(agrees.id)).toEqual({ date_of_birth: '1985-06-15', birth_year: 1985 });
    const contradicts = await pair(1980, '1985-06-15', '0966000402');
    expect(await birth(contradicts.id)).toEqual({ date_of_birth: null, birth_year: 1980 });
    expect(await mergeAudit(contradicts.id)).toMatchObject({ notTaken: { dateOfBirth: '1985-06-15' } });
  });

  it('portal accounts: when the kept record\'s account is disabled and the other works, the working one becomes the person\'s', async () => {
    const keep = await createTraineeFixture(t, { fullName: 'Sần Thị Pằng', nationalId: '012190100009' });
    const other = await createTraineeFixture(t, { fullName: 'San Thi Pang', nationalId: '012190100009' });
    const { session } = await createSessionFixture(t, { title: 'Lớp của tài khoản còn dùng', status: 'published' });
    await enrollFixture(t, session.id, keep.id);
    const old = await portalOf(keep, 'pang.san.cu@example.vn');
    const working = await portalOf(other, 'pang.san@example.vn');
    await t.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [old.user.id]);
    expect((await merge(keep, other)).status).toBe(303);
    const accounts = await t.query<{ id: string; trainee_id: string | null; disabled_at: Date | null }>(`SELECT id, trainee_id, disabled_at FROM users WHERE id = ANY($1::uuid[]) ORDER BY email`, [[old.user.id, working.user.id]]);
    expect(accounts).toEqual([
      { id: old.user.id, trainee_id: null, disabled_at: expect.any(Date) },
      { id: working.user.id, trainee_id: keep.id, disabled_at: null },
    ]);
    expect(await mergeAudit(keep.id)).toMatchObject({ portalAccountMoved: working.user.id, portalAccountUnlinked: old.user.id });
    expect(pageText((await working.agent.get('/portal').expect(200)).text)).toContain('Lớp của tài khoản còn dùng');
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

  it('moves the questions the dropped record asked: the kept person finds them as their own', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp hỏi đáp gộp hồ sơ', status: 'published' });
    const keep = await createTraineeFixture(t, { fullName: 'Lò Thị Hỏi' });
    const other = await createTraineeFixture(t, { fullName: 'Lo Thi Hoi' });
    await enrollFixture(t, session.id, keep.id);
    await enrollFixture(t, session.id, other.id);
    const asker = await portalOf(other, 'hoi.lo@example.vn');
    const portal = `/portal/sessions/${session.id}/questions`;
    const text = 'Xin hỏi chế độ phụ cấp cho cán bộ thôn bản kiêm nhiệm?';
    expect((await submitForm(asker.agent, portal, portal, { text })).status).toBe(303);
    expect((await merge(keep, other)).status).toBe(303);
    expect(await t.query(`SELECT trainee_id FROM questions WHERE text = $1`, [text])).toEqual([{ trainee_id: keep.id }]);
    expect(await mergeAudit(keep.id)).toMatchObject({ questionsMoved: 1 });
    const [question] = await t.query<{ id: string }>(`SELECT id FROM questions WHERE text = $1`, [text]);
    // The question's and the account's own histories say they changed hands.
    const moved = await t.query(`SELECT entity, old_value, new_value FROM audit_log WHERE action = 'trainee.merge-reassign' AND entity_id IN ($1, $2) ORDER BY entity`, [question.id, asker.user.id]);
    expect(moved).toEqual([
      { entity: 'question', old_value: { traineeId: other.id }, new_value: { traineeId: keep.id } },
      { entity: 'user', old_value: { traineeId: other.id }, new_value: { traineeId: keep.id } },
    ]);
    // The account moved to the kept record (it had none): its "my questions" still lists the question.
    const mine = pageText((await asker.agent.get(portal).expect(200)).text);
    expect(mine.slice(mine.indexOf('Câu hỏi của tôi'))).toContain(text);
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
  describe('check-in with the badge of a combined enrolment', () => {
    let clock: Clock;
    let csrf: string;
    beforeAll(async () => {
      clock = t.app.get(Clock);
      csrf = await csrfToken(organiser);
    });
    afterAll(() => clock.set(null));

    const at = (local: string, date = '2025-09-25') => `${date}T${local}+07:00`;
    const scan = (token: string, sittingId: string) => organiser.post('/api/v1/attendance/scan').set('x-csrf-token', csrf).send({ token: `https://taphuan.example.vn/checkin/t/${token}`, sittingId });
    const batch = (entries: unknown[]) => organiser.post('/api/v1/attendance/batch').set('x-csrf-token', csrf).send({ entries }).expect(200);
    const rosterOf = async (sessionId: string, sittingId: string) =>
      (await organiser.get(`/api/v1/attendance/sessions/${sessionId}/sittings/${sittingId}/roster`).expect(200)).body.trainees as { enrollmentId: string; token: string; aliases: string[]; fullName: string; status: string | null }[];
    const marksOf = (enrollmentId: string) =>
      t.query<{ sitting_id: string; status: string; method: string }>(`SELECT sitting_id, status, method FROM attendance_marks WHERE enrollment_id = $1 ORDER BY marked_at`, [enrollmentId]);
    const aliases = () => t.query<{ token: string; enrollment_id: string }>(`SELECT token, enrollment_id FROM enrollment_token_aliases`);

    it('checks the person in on the kept enrolment, online, offline (batch) and from the phone\'s roster; an enrolment that only moved keeps its own token', async () => {
      const { session, sittings } = await createSessionFixture(t, { title: 'Lớp điểm danh sau khi gộp' });
      const elsewhere = await createSessionFixture(t, { title: 'Lớp chỉ hồ sơ gộp đăng ký' });
      const keep = await createTraineeFixture(t, { fullName: 'Lò Thị Huệ', nationalId: '012190100021' });
      const other = await createTraineeFixture(t, { fullName: 'Lo Thi Hue', nationalId: '012190100021' });
      const eKeep = await enrollFixture(t, session.id, keep.id);
      const eOther = await enrollFixture(t, session.id, other.id);
      const eMoved = await enrollFixture(t, elsewhere.session.id, other.id);

      expect((await merge(keep, other)).status).toBe(303);
      expect(await t.query(`SELECT 1 FROM enrollments WHERE id = $1`, [eOther.id])).toHaveLength(0);

      // At the door, the QR code of the invitation sent to the dropped record.
      clock.set(at('07:40:00'));
      const first = await scan(eOther.checkinToken, sittings[0].id).expect(200);
      expect(first.body).toMatchObject({ outcome: 'recorded', status: 'present', trainee: { enrollmentId: eKeep.id, fullName: 'Lò Thị Huệ' } });
      expect(await marksOf(eKeep.id)).toEqual([{ sitting_id: sittings[0].id, status: 'present', method: 'qr' }]);
      // The badge of the kept record now finds that mark.
      const again = await scan(eKeep.checkinToken, sittings[0].id).expect(200);
      expect(again.body).toMatchObject({ outcome: 'already', trainee: { enrollmentId: eKeep.id } });

      // The phone's roster lists the person once, with the old badge's token beside the own one.
      const roster = await rosterOf(session.id, sittings[1].id);
      expect(roster.filter((r) => r.enrollmentId === eOther.id)).toEqual([]);
      expect(roster.find((r) => r.enrollmentId === eKeep.id)).toMatchObject({ token: eKeep.checkinToken, aliases: [eOther.checkinToken] });

      // A scan of the old badge queued offline, sent later as a batch.
      clock.set(at('14:10:00'));
      const sent = await batch([{ clientScanId: 'gop-ho-so-1', token: eOther.checkinToken, sittingId: sittings[1].id, scannedAt: at('13:35:00') }]);
      expect(sent.body).toMatchObject({ recorded: 1, failed: 0 });
      expect(sent.body.results[0].result).toMatchObject({ outcome: 'recorded', status: 'present', trainee: { enrollmentId: eKeep.id } });
      expect(await marksOf(eKeep.id)).toEqual([
        { sitting_id: sittings[0].id, status: 'present', method: 'qr' },
        { sitting_id: sittings[1].id, status: 'present', method: 'qr' },
      ]);

      // The enrolment in the other session only changed hands: its own token, now the kept person's.
      clock.set(at('07:45:00'));
      const moved = await scan(eMoved.checkinToken, elsewhere.sittings[0].id).expect(200);
      expect(moved.body).toMatchObject({ outcome: 'recorded', trainee: { enrollmentId: eMoved.id, fullName: 'Lò Thị Huệ' } });
      expect((await rosterOf(elsewhere.session.id, elsewhere.sittings[0].id)).find((r) => r.enrollmentId === eMoved.id)).toMatchObject({ token: eMoved.checkinToken, aliases: [] });
      // A token nobody holds is still unknown.
      expect((await scan('khong-co-ma-nay-0000', sittings[0].id).expect(404)).body.message).toContain('không tìm thấy học viên');
    });

    it('follows a chain of merges: the badges of every record combined into the last one check it in', async () => {
      const { session, sittings } = await createSessionFixture(t, { title: 'Lớp gộp nối tiếp' });
      // Only the first two records are enrolled here: the second merge just moves the combined enrolment.
      const side = await createSessionFixture(t, { title: 'Lớp gộp nối tiếp, chỉ hai hồ sơ đầu' });
      const a = await createTraineeFixture(t, { fullName: 'Vi Văn Tạo', nationalId: '012190100022' });
      const b = await createTraineeFixture(t, { fullName: 'Vi Van Tao', nationalId: '012190100022' });
      const c = await createTraineeFixture(t, { fullName: 'Vi Văn Tạo (Nậm Nhùn)', nationalId: '012190100022' });
      const [eA, eB, eC] = [await enrollFixture(t, session.id, a.id), await enrollFixture(t, session.id, b.id), await enrollFixture(t, session.id, c.id)];
      const [sideA, sideB] = [await enrollFixture(t, side.session.id, a.id), await enrollFixture(t, side.session.id, b.id)];

      expect((await merge(b, a)).status).toBe(303);
      expect((await merge(c, b)).status).toBe(303);
      const mine = (await aliases()).filter((x) => [eA, eB, sideA].some((e) => e.checkinToken === x.token));
      expect(mine).toHaveLength(3);
      expect(mine).toEqual(
        expect.arrayContaining([
          { token: eA.checkinToken, enrollment_id: eC.id },
          { token: eB.checkinToken, enrollment_id: eC.id },
          { token: sideA.checkinToken, enrollment_id: sideB.id },
        ]),
      );

      clock.set(at('07:40:00'));
      const first = await scan(eA.checkinToken, sittings[0].id).expect(200);
      expect(first.body).toMatchObject({ outcome: 'recorded', trainee: { enrollmentId: eC.id, fullName: 'Vi Văn Tạo (Nậm Nhùn)' } });
      const second = await scan(eB.checkinToken, sittings[0].id).expect(200);
      expect(second.body).toMatchObject({ outcome: 'already', trainee: { enrollmentId: eC.id } });
      const onSide = await scan(sideA.checkinToken, side.sittings[0].id).expect(200);
      expect(onSide.body).toMatchObject({ outcome: 'recorded', trainee: { enrollmentId: sideB.id, fullName: 'Vi Văn Tạo (Nậm Nhùn)' } });
      expect(await marksOf(eC.id)).toEqual([{ sitting_id: sittings[0].id, status: 'present', method: 'qr' }]);
      const roster = await rosterOf(session.id, sittings[0].id);
      expect(roster.find((r) => r.enrollmentId === eC.id)!.aliases.sort()).toEqual([eA.checkinToken, eB.checkinToken].sort());
    });
  });

  // Two transactions at once: the embedded database serves one connection (see isEmbeddedUrl).
  describe('an enrolment made while the person is being merged', () => {
    /** A merge held inside its transaction, after it has locked both records (see TraineeMergeHooks). */
    let hold: { entered: () => void; release: Promise<void> } | null = null;
    beforeAll(() => {
      t.app.get(TraineeMergeHooks).register('test-hold', async () => {
        const h = hold;
        hold = null;
        if (h) {
          h.entered();
          await h.release;
        }
      });
    });

    const gate = () => {
      let open!: () => void;
      const release = new Promise<void>((r) => (open = r));
      return { release, open };
    };
    /** Enrols through the session's form, as a client asking for JSON. */
    const enrolJson = async (agent: Agent, sessionId: string, traineeIds: string[]) => {
      const url = `/sessions/${sessionId}/enrollments`;
      const token = csrfFrom((await agent.get(url).expect(200)).text);
      return agent.post(url).set('Accept', 'application/json').set('Referer', url).type('form').send({ traineeIds, _csrf: token });
    };
    const enrolmentsOf = (sessionId: string) => t.query<{ trainee_id: string }>(`SELECT trainee_id FROM enrollments WHERE session_id = $1 ORDER BY trainee_id`, [sessionId]);

    (process.env.DATABASE_URL ? it : it.skip)('waits for a merge that holds the record, then refuses it (4xx): nothing is left on the hidden record', async () => {
      const { session } = await createSessionFixture(t, { title: 'Lớp thêm học viên trong lúc gộp' });
      const keep = await createTraineeFixture(t, { fullName: 'Điêu Thị Xuân', nationalId: '012190100031' });
      const other = await createTraineeFixture(t, { fullName: 'Dieu Thi Xuan', nationalId: '012190100031' });
      const o2 = await createUser(t, 'organiser');
      const second = t.agent();
      await login(second, o2.login, o2.password);

      const g = gate();
      const entered = new Promise<void>((r) => (hold = { entered: r, release: g.release }));
      const merging = merge(keep, other).then((r) => r);
      await entered;
      const enrolling = enrolJson(second, session.id, [other.id]).then((r) => r);
      const waited = await waitsForLock(t, '%FROM trainees%', enrolling);
      g.open();
      const [merged, enrolled] = await Promise.all([merging, enrolling]);
      expect(merged.status).toBe(303);
      expect(await mergedInto(other.id)).toBe(keep.id);
      expect(await enrolmentsOf(session.id)).toEqual([]);
      expect(enrolled.status).toBe(400);
      expect(enrolled.body.message).toBe('Có học viên không tồn tại hoặc đã được gộp vào hồ sơ khác.');
      expect(waited).toBe(true);
    });

    (process.env.DATABASE_URL ? it : it.skip)('makes a merge that comes second wait for it, and the merge then moves the new enrolment to the kept record', async () => {
      const { session } = await createSessionFixture(t, { title: 'Lớp thêm học viên trước khi gộp', status: 'published' });
      const keep = await createTraineeFixture(t, { fullName: 'Cà Văn Mạnh', nationalId: '012190100032' });
      const other = await createTraineeFixture(t, { fullName: 'Ca Van Manh', nationalId: '012190100032', email: 'manh.ca@example.vn' });
      const o2 = await createUser(t, 'organiser');
      const second = t.agent();
      await login(second, o2.login, o2.password);

      // The enrolment held inside its transaction, after its rows are written (its invitation is being queued).
      const invitations = t.app.get(InvitationsService);
      const original = invitations.queueJobs.bind(invitations);
      const g = gate();
      let enteredFn!: () => void;
      const entered = new Promise<void>((r) => (enteredFn = r));
      const spy = jest.spyOn(invitations, 'queueJobs').mockImplementationOnce(async (ids, m) => {
        enteredFn();
        await g.release;
        return original(ids, m);
      });
      try {
        const enrolling = enrolJson(second, session.id, [other.id]).then((r) => r);
        await entered;
        const merging = merge(keep, other).then((r) => r);
        const waited = await waitsForLock(t, '%FOR UPDATE%', merging);
        g.open();
        const [enrolled, merged] = await Promise.all([enrolling, merging]);
        expect(waited).toBe(true);
        expect(enrolled.status).toBe(303);
        expect(merged.status).toBe(303);
      } finally {
        spy.mockRestore();
      }
      expect(await enrolmentsOf(session.id)).toEqual([{ trainee_id: keep.id }]);
    });

    (process.env.DATABASE_URL ? it : it.skip)('answers a deadlock as a conflict to try again (not a 500), with nothing of the merge written', async () => {
      const keep = await createTraineeFixture(t, { fullName: 'Lò Văn Khoa', nationalId: '012190100041' });
      const other = await createTraineeFixture(t, { fullName: 'Lo Van Khoa', nationalId: '012190100041' });
      const [lower, higher] = [keep.id, other.id].sort();
      // Another transaction (an import's commit, say) holds the record the merge locks second, then asks for
      // the one the merge holds: PostgreSQL rolls back the transaction that waited first, the merge's.
      const runner = t.ds.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(`SELECT id FROM trainees WHERE id = $1 FOR UPDATE`, [higher]);
        const merging = merge(keep, other).then((r) => r);
        expect(await waitsForLock(t, '%FOR UPDATE%', merging)).toBe(true);
        const mine = runner.query(`SELECT id FROM trainees WHERE id = $1 FOR UPDATE`, [lower]).then(
          () => 'locked',
          (e: { code?: string }) => e.code,
        );
        const merged = await merging;
        expect(await mine).toBe('locked');
        expect(merged.status).toBe(303);
        expect(merged.headers.location).toBe(`/trainees/${keep.id}`);
        expect(pageText((await organiser.get(merged.headers.location).expect(200)).text)).toContain(
          'Dữ liệu này đang được một thao tác khác cập nhật cùng lúc nên chưa lưu được gì. Vui lòng thử lại.',
        );
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await mergedInto(other.id)).toBeNull();
      // Tried again, it goes through.
      expect((await merge(keep, other)).status).toBe(303);
      expect(await mergedInto(other.id)).toBe(keep.id);
    });
  });
});
