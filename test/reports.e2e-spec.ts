import ExcelJS from 'exceljs';
import { ADMIN, bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture, enrollFixture, SessionFixture } from './support/fixtures';
import { binary, login, pageText } from './support/http';
import { pdfText } from './support/pdf';
import { dayInVietnam } from '../src/common/local-dates';

/**
 * A hand-counted fixture (see the comments) checked against the session
 * report and the programme dashboard, their XLSX, PDF and SVG.
 *
 * Session A, 25–26/09/2025, 4 sittings s1..s4:
 *   t1 man, Thái, Xã Sin Suối Hồ (Lai Châu; old Lai Châu)  P P P P
 *   t2 woman, Mông, Xã Sìn Hồ (Lai Châu; old Lai Châu)      P L P A
 *   t3 woman, Kinh, Xã Đồng Văn (Tuyên Quang; old Hà Giang)  - - - -
 *   t4 man, Tày, Xã Bảo Lạc (Cao Bằng; old Cao Bằng)        E P - -
 *   t5 woman, Kinh, Phường Ba Đình (Hà Nội)                 P P P P
 *   t6 woman, Mông, Lai Châu: enrolment cancelled (not counted)
 * Session B, 10/10/2025, 2 sittings: t1 P P; t7 man, Kinh, Phường Ngọc Hà (Hà Nội) A A.
 * Session C (draft, in range): t3, not counted in the dashboard.
 * Certificates: t1 valid, t2 revoked (not counted). Questions in A: "Nguồn lực" open (t1, Lai Châu)
 * and published (t5, Hà Nội), no category answered (t2); one in C (not counted).
 */
describe('reports', () => {
  let t: TestApp;
  let agent: ReturnType<TestApp['agent']>;
  let A: SessionFixture;

  beforeAll(async () => {
    t = await bootApp();
    A = await createSessionFixture(t, { startDate: '2025-09-25', days: 2 });
    const B = await createSessionFixture(t, { startDate: '2025-10-10', days: 1 });
    const C = await createSessionFixture(t, { startDate: '2025-11-03', days: 1, status: 'draft' });
    const t1 = await createTraineeFixture(t, { gender: 'male', ethnicGroupCode: '03', communeCode: '03394', position: 'Chủ tịch UBND xã' });
    const t2 = await createTraineeFixture(t, { gender: 'female', ethnicGroupCode: '08', communeCode: '03478', position: 'Công chức' });
    const t3 = await createTraineeFixture(t, { gender: 'female', ethnicGroupCode: '01', communeCode: '00721', position: 'Công chức' });
    const t4 = await createTraineeFixture(t, { gender: 'male', ethnicGroupCode: '02', communeCode: '01321', position: 'Công chức' });
    const t5 = await createTraineeFixture(t, { gender: 'female', ethnicGroupCode: '01', communeCode: '00004', position: 'Công chức' });
    const t6 = await createTraineeFixture(t, { gender: 'female', ethnicGroupCode: '08', communeCode: '03394' });
    const t7 = await createTraineeFixture(t, { gender: 'male', ethnicGroupCode: '01', communeCode: '00008' });
    const eA = await Promise.all([t1, t2, t3, t4, t5].map((x) => enrollFixture(t, A.session.id, x.id)));
    await enrollFixture(t, A.session.id, t6.id, 'cancelled');
    const eB1 = await enrollFixture(t, B.session.id, t1.id);
    const eB7 = await enrollFixture(t, B.session.id, t7.id);
    await enrollFixture(t, C.session.id, t3.id);
    const marks: [string, string, string][] = [];
    const s = A.sittings.map((x) => x.id);
    ['present', 'present', 'present', 'present'].forEach((m, i) => marks.push([eA[0].id, s[i], m]));
    ['present', 'late', 'present', 'absent'].forEach((m, i) => marks.push([eA[1].id, s[i], m]));
    marks.push([eA[3].id, s[0], 'excused'], [eA[3].id, s[1], 'present']);
    ['present', 'present', 'present', 'present'].forEach((m, i) => marks.push([eA[4].id, s[i], m]));
    B.sittings.forEach((x) => marks.push([eB1.id, x.id, 'present'], [eB7.id, x.id, 'absent']));
    for (const [enrollmentId, sittingId, status] of marks) {
      await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, $3, now(), 'roster')`, [enrollmentId, sittingId, status]);
    }
    // Certificates: t1 valid in A; t2's revoked one does not count.
    let n = 0;
    for (const [e, trainee, status] of [[eA[0], t1, 'valid'], [eA[1], t2, 'revoked']] as const) {
      n++;
      await t.query(
        `INSERT INTO certificates (enrollment_id, session_id, trainee_id, issuer_key, serial_year, serial_number, serial, verification_code, status, content, issued_at)
         VALUES ($1, $2, $3, 'TEST', 2025, $4, $5, $6, $7, '{}', now())`,
        [e.id, A.session.id, trainee.id, n, `${n}/2025/TEST`, `code${n}xxxxxxxxxxxx`, status],
      );
    }
    // Questions: in A, "Nguồn lực" open + published, one without category answered; one in the draft C.
    const [{ id: resources }] = await t.query<{ id: string }>(`SELECT id FROM question_categories WHERE name = 'Nguồn lực'`);
    const ask = (sessionId: string, trainee: { id: string; communeCode: string | null; provinceCode: string | null }, status: string, category: string | null) =>
      t.query(
        `INSERT INTO questions (session_id, category_id, asker_kind, trainee_id, commune_code, province_code, channel, text, text_search, status)
         VALUES ($1, $2, 'trainee', $3, $4, $5, 'portal', 'Vướng mắc về nguồn lực', 'vuong mac ve nguon luc', $6)`,
        [sessionId, category, trainee.id, trainee.communeCode, trainee.provinceCode, status],
      );
    await ask(A.session.id, t1, 'open', resources);
    await ask(A.session.id, t5, 'published', resources);
    await ask(A.session.id, t2, 'answered', null);
    await ask(C.session.id, t3, 'open', resources);
    agent = t.agent();
    await login(agent, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the session: enrolled, women, minorities, attendance, by sitting and by province', async () => {
    const res = await agent.get(`/api/v1/reports/sessions/${A.session.id}`).expect(200);
    expect(res.body.summary).toMatchObject({ enrolled: 5, trainees: 5, women: 3, minorities: 3, attendedSlots: 12, sittingSlots: 20, womenPct: 60, minorityPct: 60, attendancePct: 60, certified: 1, certifiedPct: 20 });
    const table = (id: string) => res.body.tables.find((x: { id: string }) => x.id === id).rows;
    expect(table('sittings').map((r: { present: number; late: number; excused: number; absent: number; attendedPct: number }) => [r.present, r.late, r.excused, r.absent, r.attendedPct])).toEqual([
      [3, 0, 1, 0, 60],
      [3, 1, 0, 0, 80],
      [3, 0, 0, 0, 60],
      [2, 0, 0, 1, 40],
    ]);
    const byProvince = Object.fromEntries(table('province').map((r: { label: string; enrolled: number; attended: number }) => [r.label, [r.enrolled, r.attended]]));
    expect(byProvince).toEqual({ 'Lai Châu': [2, 2], 'Tuyên Quang': [1, 0], 'Cao Bằng': [1, 1], 'Hà Nội': [1, 1] });
    const minority = Object.fromEntries(table('minority').map((r: { label: string; enrolled: number }) => [r.label, r.enrolled]));
    expect(minority).toEqual({ Kinh: 2, 'Dân tộc thiểu số': 3 });
    const gender = Object.fromEntries(table('gender').map((r: { label: string; enrolled: number }) => [r.label, r.enrolled]));
    expect(gender).toEqual({ Nam: 2, Nữ: 3 });
    const groups = Object.fromEntries(table('ethnic-group').map((r: { label: string; enrolled: number }) => [r.label, r.enrolled]));
    expect(groups).toEqual({ Kinh: 2, Thái: 1, Mông: 1, Tày: 1 });
    expect(table('questions')).toEqual([
      { category: 'Nguồn lực', open: 1, answered: 0, published: 1, rejected: 0, total: 2 },
      { category: 'Chưa phân loại', open: 0, answered: 1, published: 0, rejected: 0, total: 1 },
    ]);
  });

  it('shows the session report page with its figures and labelled SVG charts', async () => {
    const page = await agent.get(`/sessions/${A.session.id}/report`).expect(200);
    expect(page.text).toContain('id="stat-enrolled">5<');
    expect(page.text).toContain('id="stat-women">60%<');
    expect(pageText(page.text)).toContain('Kinh và dân tộc thiểu số');
    const svg = await agent.get(`/sessions/${A.session.id}/report/charts/gender.svg`).buffer(true).parse(binary).expect(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    const donut = svg.body.toString('utf8');
    expect(donut).toMatch(/^<svg[^>]+role="img"/);
    expect(donut).toContain('<title>Học viên theo giới tính</title>');
    expect(donut).toContain('Nữ: 3 (60%)');
    const bars = await agent.get(`/sessions/${A.session.id}/report/charts/province.svg`).buffer(true).parse(binary).expect(200);
    expect(bars.body.toString('utf8')).toContain('<title>Lai Châu: 2</title>');
    await agent.get(`/sessions/${A.session.id}/report/charts/nonsense.svg`).expect(404);
    // Names that every JavaScript object answers to were taken for charts (a 500).
    for (const chart of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const res = await agent.get(`/sessions/${A.session.id}/report/charts/${chart}.svg`).expect(404);
      expect(pageText(res.text)).toContain('Không có biểu đồ này.');
      await agent.get(`/reports/charts/${chart}.svg`).expect(404);
    }
  });

  it('exports the session tables as XLSX and the report as PDF', async () => {
    const res = await agent.get(`/sessions/${A.session.id}/report.xlsx`).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const sheet = wb.getWorksheet('Chuyên cần theo buổi')!;
    expect(sheet.getCell('A4').value).toBe('Buổi');
    // Each row adds up: present, late, excused, absent and not marked make the trainees enrolled.
    expect(sheet.getRow(6).values).toEqual([undefined, 'Chiều 25/09/2025', 5, 3, 1, 0, 0, 1, 80]);
    // The report's figures come first, as on the page and in the PDF.
    expect(wb.worksheets[0].name).toBe('Tổng hợp');
    const figures = new Map<string, unknown>();
    wb.worksheets[0].eachRow((r) => figures.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(figures.get('Tỷ lệ người dân tộc thiểu số')).toBe('60%');
    expect(figures.get('Được cấp giấy chứng nhận')).toBe('1 (20%)');
    const prov = wb.getWorksheet('Theo tỉnh, thành phố (2025)')!;
    expect(prov.getRow(5).values).toEqual([undefined, 'Lai Châu', 2, 1, 2, 2, 100]);
    // Named after the course and its first day (an organiser downloads the reports of several), in UTF-8 with an ASCII stand-in.
    const name = `Báo cáo ${A.session.title} 25-09-2025`;
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${name}.xlsx`)}`);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="Bao cao [ -~]+ 25-09-2025\.xlsx"/);
    const one = await agent.get(`/sessions/${A.session.id}/report/tables/gender.xlsx`).buffer(true).parse(binary).expect(200);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(one.body);
    expect(wb2.worksheets).toHaveLength(1);
    expect(one.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${name} - `)}`);
    const pdf = await agent.get(`/sessions/${A.session.id}/report.pdf`).buffer(true).parse(binary).expect(200);
    expect(pdf.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${name}.pdf`)}`);
    const text = await pdfText(pdf.body);
    expect(text).toContain('Báo cáo kết quả');
    expect(text).toContain('Tỷ lệ người dân tộc thiểu số: 60%');
    expect(text).toContain('Được cấp giấy chứng nhận: 1 (20%)');
    expect(text).toContain('Câu hỏi theo lĩnh vực và trạng thái');
    expect(text.indexOf('Chuyên cần theo buổi')).toBeLessThan(text.indexOf('Theo tỉnh, thành phố (2025)'));
  });

  it('sums the programme across sessions in a date range (drafts and cancelled enrolments left out)', async () => {
    const res = await agent.get('/api/v1/reports/dashboard').query({ from: '2025-09-01', to: '2025-12-31' }).expect(200);
    expect(res.body.summary).toMatchObject({ sessions: 2, enrolled: 7, trainees: 6, women: 3, minorities: 4, attendedSlots: 14, sittingSlots: 24, womenPct: 42.9, minorityPct: 57.1, attendancePct: 58.3, certified: 1 });
    // The draft session's question is left out.
    expect(res.body.tables.find((x: { id: string }) => x.id === 'questions').rows).toEqual([
      { category: 'Nguồn lực', open: 1, answered: 0, published: 1, rejected: 0, total: 2 },
      { category: 'Chưa phân loại', open: 0, answered: 1, published: 0, rejected: 0, total: 1 },
    ]);
    const old = Object.fromEntries(res.body.tables.find((x: { id: string }) => x.id === 'old-province').rows.map((r: { label: string; enrolled: number }) => [r.label, r.enrolled]));
    expect(old).toEqual({ 'Tỉnh Lai Châu': 3, 'Tỉnh Hà Giang': 1, 'Tỉnh Cao Bằng': 1, 'Thành phố Hà Nội': 2 });
    // The page writes figures as Vietnamese do (decimal comma), as the PDF does: 42,9%, not 42.9%.
    const page = await agent.get('/reports').query({ from: '2025-09-01', to: '2025-12-31' }).expect(200);
    expect(page.text).toContain('id="stat-women">42,9%<');
    expect(page.text).toContain('id="stat-attendance">58,3%<');
    expect(pageText(page.text)).toContain('Kinh 3 2 0 1 33,3');
    expect(pageText(page.text)).not.toMatch(/\b\d+\.\d\b/);
    const outside = await agent.get('/api/v1/reports/dashboard').query({ from: '2025-10-01', to: '2025-10-31' }).expect(200);
    expect(outside.body.summary).toMatchObject({ sessions: 1, enrolled: 2 });
  });

  it('filters the 15 northern mountain provinces by the commune\'s old province', async () => {
    const res = await agent.get('/api/v1/reports/dashboard').query({ from: '2025-09-01', to: '2025-12-31', preset: 'mountain-15' }).expect(200);
    expect(res.body.summary).toMatchObject({ enrolled: 5, trainees: 4 });
    // Questions asked from mountain communes only: t5 (Hà Nội) is left out.
    const questions = res.body.tables.find((x: { id: string }) => x.id === 'questions').rows;
    expect(questions).toEqual([
      { category: 'Chưa phân loại', open: 0, answered: 1, published: 0, rejected: 0, total: 1 },
      { category: 'Nguồn lực', open: 1, answered: 0, published: 0, rejected: 0, total: 1 },
    ]);
    const page = await agent.get('/reports').query({ from: '2025-09-01', to: '2025-12-31', preset: 'mountain-15' }).expect(200);
    expect(page.text).toContain('id="stat-enrolled">5<');
    const xlsx = await agent.get('/reports/dashboard.xlsx').query({ from: '2025-09-01', to: '2025-12-31', preset: 'mountain-15' }).buffer(true).parse(binary).expect(200);
    expect(xlsx.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Báo cáo tổng hợp từ 01-09-2025 đến 31-12-2025.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.getWorksheet('Các lớp trong kỳ báo cáo')!.rowCount).toBe(6);
  });

  it('judges a course under way on the sittings held so far: its later sittings are not counted as missed', async () => {
    const yesterday = dayInVietnam(new Date(Date.now() - 24 * 3600 * 1000));
    const fx = await createSessionFixture(t, { startDate: yesterday, days: 2, status: 'ongoing' });
    // Today's two sittings moved to next week: two sittings held, two to come, whatever the hour of the run.
    await t.query(`UPDATE sittings SET date = date + 7 WHERE session_id = $1 AND date > $2::date`, [fx.session.id, yesterday]);
    const e = await enrollFixture(t, fx.session.id, (await createTraineeFixture(t)).id);
    const held = await t.query<{ id: string }>(`SELECT id FROM sittings WHERE session_id = $1 AND date = $2::date`, [fx.session.id, yesterday]);
    expect(held).toHaveLength(2);
    for (const s of held) await t.query(`INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) VALUES ($1, $2, 'present', now(), 'roster')`, [e.id, s.id]);
    const res = await agent.get(`/api/v1/reports/sessions/${fx.session.id}`).expect(200);
    expect(res.body.summary).toMatchObject({ sittingSlots: 2, attendedSlots: 2, attendancePct: 100 });
    expect(pageText((await agent.get(`/sessions/${fx.session.id}/report`).expect(200)).text)).toMatch(/100%\s*Chuyên cần/);
  });

  it('counts one position as one row however each province wrote it (case, accents, spaces, dashes)', async () => {
    const fx = await createSessionFixture(t, { startDate: '2024-05-06', days: 1, status: 'completed' });
    const written = ['Công chức Văn phòng - Thống kê', 'Công chức Văn phòng - Thống kê', 'công chức văn phòng – thống kê', ' CÔNG CHỨC  VĂN PHÒNG - THỐNG KÊ', 'Cong chuc Van phong - Thong ke', 'Chủ tịch UBND xã'];
    for (const position of written) await enrollFixture(t, fx.session.id, (await createTraineeFixture(t, { position })).id);
    const res = await agent.get(`/api/v1/reports/sessions/${fx.session.id}`).expect(200);
    const rows = res.body.tables.find((x: { id: string }) => x.id === 'position').rows.map((r: { label: string; enrolled: number }) => [r.label, r.enrolled]);
    expect(rows).toEqual([
      ['Công chức Văn phòng - Thống kê', 5],
      ['Chủ tịch UBND xã', 1],
    ]);
  });

  it('repeats a table\'s title and column headers on each page it runs onto in the PDF', async () => {
    const trainee = await createTraineeFixture(t);
    for (let i = 0; i < 70; i++) {
      const fx = await createSessionFixture(t, { title: `Lớp bồi dưỡng năm 2023 số ${i + 1}`, startDate: `2023-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`, days: 1, status: 'completed' });
      await enrollFixture(t, fx.session.id, trainee.id);
    }
    const pdf = await agent.get('/reports/dashboard.pdf').query({ from: '2023-01-01', to: '2023-12-31' }).buffer(true).parse(binary).expect(200);
    const text = (await pdfText(pdf.body)).replace(/\s+/g, ' ');
    expect(text).toContain('Lớp bồi dưỡng năm 2023 số 70');
    expect(text).toContain('Các lớp trong kỳ báo cáo (tiếp theo)');
    // The table's headers: once on its first page and again on the next.
    expect(text.match(/Lớp tập huấn Thời gian Địa điểm Học viên/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('names the province filtered on in the exports, and refuses a province that does not exist', async () => {
    const query = { from: '2025-09-01', to: '2025-12-31', province: '12' };
    const res = await agent.get('/api/v1/reports/dashboard').query(query).expect(200);
    expect(res.body.summary).toMatchObject({ enrolled: 3, trainees: 2 });
    const pdf = await agent.get('/reports/dashboard.pdf').query(query).buffer(true).parse(binary).expect(200);
    const text = (await pdfText(pdf.body)).replace(/\s+/g, ' ');
    expect(text).toContain('Tất cả học viên · Tỉnh Lai Châu');
    expect(text).not.toContain('Tỉnh mã');
    const xlsx = await agent.get('/reports/dashboard.xlsx').query(query).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(String(wb.getWorksheet('Các lớp trong kỳ báo cáo')!.getCell('A2').value)).toContain('Tất cả học viên · Tỉnh Lai Châu');
    // A code that names no province gave an empty report as if nobody had come from there.
    const unknown = await agent.get('/api/v1/reports/dashboard').query({ province: '99' }).expect(400);
    expect(unknown.body.message).toBe('Không có tỉnh, thành phố mã 99.');
    const page = await agent.get('/reports').query({ province: '99' }).expect(400);
    expect(pageText(page.text)).toContain('Không có tỉnh, thành phố mã 99.');
    await agent.get('/reports/dashboard.pdf').query({ province: '99' }).expect(400);
  });

  it('refuses a bad filter and lets only organisers in', async () => {
    const bad = await agent.get('/api/v1/reports/dashboard').query({ from: '2025-12-31', to: '2025-01-01' }).expect(400);
    expect(bad.body.message).toContain('Ngày bắt đầu phải trước ngày kết thúc');
    await agent.get('/api/v1/reports/dashboard').query({ from: '31/12/2025' }).expect(400);
    // Days that do not exist passed the format check and reached PostgreSQL's date cast (a 500).
    for (const from of ['2025-02-30', '2025-00-10', '2025-13-01']) {
      const res = await agent.get('/api/v1/reports/dashboard').query({ from }).expect(400);
      expect(res.body.message).toBe('Ngày không hợp lệ (yyyy-mm-dd).');
    }
    const page = await agent.get('/reports').query({ to: '2025-02-31' }).expect(400);
    expect(pageText(page.text)).toContain('Ngày không hợp lệ (yyyy-mm-dd).');
    await agent.get('/reports/dashboard.xlsx').query({ to: '2025-02-31' }).expect(400);
    const lecturer = await createUser(t, 'lecturer');
    const other = t.agent();
    await login(other, lecturer.login, lecturer.password);
    await other.get('/reports').expect(403);
  });
});
