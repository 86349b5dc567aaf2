import ExcelJS from 'exceljs';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { csrfToken, login } from './support/http';
import { pdfPageCount, pdfText } from './support/pdf';

type Agent = ReturnType<TestApp['agent']>;

/** Reads a binary response body into a Buffer. */
function binary(res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** Asserts that the fragments occur in this order in the text; returns their positions. */
function expectInOrder(text: string, fragments: string[]): number[] {
  const positions: number[] = [];
  let from = 0;
  for (const f of fragments) {
    const at = text.indexOf(f, from);
    if (at < 0) throw new Error(`"${f}" not found after position ${from} (found anywhere: ${text.indexOf(f)})`);
    positions.push(at);
    from = at + f.length;
  }
  return positions;
}

describe('Q&A booklet: published questions and answers as PDF and XLSX', () => {
  let t: TestApp;
  let organiser: Agent;
  let lecturer: Agent;
  let sessionId: string;
  let csrf: string;
  let traineeAgent: Agent;
  let outsiderAgent: Agent;
  const LONG_ANSWER = Array.from({ length: 60 }, (_, i) => `Đoạn ${i + 1}: Ủy ban nhân dân xã chủ động rà soát, bố trí nguồn lực và báo cáo Sở Nội vụ về những khó khăn, vướng mắc phát sinh.`).join('\n') + '\nKết thúc câu trả lời dài.';

  async function api(method: 'post' | 'put', url: string, body: Record<string, unknown> = {}) {
    const res = await organiser[method](url).set('x-csrf-token', csrf).send(body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function publishedQuestion(sid: string, q: Record<string, unknown>, answer: string): Promise<string> {
    const created = await api('post', '/api/v1/questions', { sessionId: sid, ...q });
    await api('put', `/api/v1/questions/${created.id}/answer`, { text: answer });
    await api('post', `/api/v1/questions/${created.id}/publish`);
    return created.id;
  }

  const download = (agent: Agent, url: string) => agent.get(url).buffer(true).parse(binary as never);

  beforeAll(async () => {
    t = await bootApp();
    const org = await createUser(t, 'organiser');
    organiser = t.agent();
    await login(organiser, org.login, org.password);
    csrf = await csrfToken(organiser);
    const lect = await createUser(t, 'lecturer', { fullName: 'Nguyễn Văn Thành' });
    await t.query(`UPDATE users SET title = 'TS., Vụ trưởng Vụ Chính quyền địa phương' WHERE id = $1`, [lect.user.id]);
    lecturer = t.agent();
    await login(lecturer, lect.login, lect.password);

    const { session } = await createSessionFixture(t, { title: 'Lớp bồi dưỡng cán bộ, công chức xã tỉnh Lai Châu', startDate: '2025-09-25' });
    sessionId = session.id;
    // created in the reverse of the agenda order, so the booklet must follow the position, not creation
    const digital = await createTopicFixture(t, sessionId, { title: 'Chuyển đổi số cấp xã' });
    const local = await createTopicFixture(t, sessionId, { title: 'Chính quyền địa phương hai cấp', lecturers: [lect.user] });
    await t.query('UPDATE topics SET position = 1 WHERE id = $1', [local.id]);
    await t.query('UPDATE topics SET position = 2 WHERE id = $1', [digital.id]);
    const cats = Object.fromEntries((await t.query<{ id: string; name: string }>('SELECT id, name FROM question_categories')).map((r) => [r.name, r.id]));
    const trainee = await createTraineeFixture(t, { fullName: 'Lò Văn Hỏi', communeCode: '03394' });
    await enrollFixture(t, sessionId, trainee.id);
    const tu = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [trainee.id, tu.user.id]);
    traineeAgent = t.agent();
    await login(traineeAgent, tu.login, tu.password);
    const outsider = await createTraineeFixture(t, { fullName: 'Quàng Văn Ngoài' });
    const ou = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [outsider.id, ou.user.id]);
    outsiderAgent = t.agent();
    await login(outsiderAgent, ou.login, ou.password);

    // published in an order unlike the booklet's
    await publishedQuestion(sessionId, { askerKind: 'province', provinceCode: '12', text: 'Câu hỏi chung về lịch bồi dưỡng năm 2026 của tỉnh?' }, LONG_ANSWER);
    await publishedQuestion(sessionId, { askerKind: 'commune', communeCode: '03394', topicId: digital.id, categoryId: cats['Ứng dụng CNTT'], text: 'Xã chưa có đường truyền ổn định để dùng phần mềm một cửa.' }, 'Tỉnh bố trí kinh phí nâng cấp đường truyền năm 2026.');
    await publishedQuestion(sessionId, { askerKind: 'trainee', traineeId: trainee.id, topicId: local.id, categoryId: cats['Nguồn lực'], anonymous: true, text: 'Vướng mắc về nguồn lực khi sáp nhập trụ sở xã?' }, 'Ưu tiên dùng trụ sở hiện có, bố trí lại theo đề án của tỉnh.');
    await publishedQuestion(sessionId, { askerKind: 'trainee', traineeId: trainee.id, topicId: local.id, categoryId: cats['Cơ chế, chính sách'], text: 'Chế độ phụ cấp của công chức kiêm nhiệm tính thế nào?' }, 'Công chức kiêm nhiệm được hưởng phụ cấp kiêm nhiệm theo quy định.');
    // answered by the topic's lecturer (the author shown in the booklet)
    const byLecturer = await api('post', '/api/v1/questions', { sessionId, askerKind: 'trainee', traineeId: trainee.id, topicId: local.id, categoryId: cats['Cơ chế, chính sách'], text: 'Thời hạn hoàn thành sắp xếp công chức dôi dư?' });
    await lecturer.put(`/api/v1/questions/${byLecturer.id}/answer`).set('x-csrf-token', await csrfToken(lecturer)).send({ text: 'Hoàn thành trước ngày 31/12/2025.' }).expect(200);
    await api('post', `/api/v1/questions/${byLecturer.id}/publish`);
    // not published: never in the booklet
    await api('post', '/api/v1/questions', { sessionId, askerKind: 'province', provinceCode: '12', text: 'Câu hỏi chưa công bố không được in.' });
    const answeredOnly = await api('post', '/api/v1/questions', { sessionId, askerKind: 'province', provinceCode: '12', text: 'Câu hỏi đã trả lời nhưng chưa công bố.' });
    await api('put', `/api/v1/questions/${answeredOnly.id}/answer`, { text: 'Trả lời chưa công bố.' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('prints the session booklet grouped by topic (agenda order) then category, numbered, with who asked and the answer', async () => {
    const res = await download(organiser, `/sessions/${sessionId}/qa-booklet.pdf`).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    // Named after the course in Vietnamese, with an ASCII stand-in for old clients.
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Hoi dap - Lop boi duong can bo, cong chuc xa tinh Lai Chau.pdf"; filename*=UTF-8''${encodeURIComponent('Hỏi đáp - Lớp bồi dưỡng cán bộ, công chức xã tỉnh Lai Châu.pdf')}`,
    );
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pdfText(body)).replace(/\s+/g, ' ');
    expectInOrder(text, [
      'TÀI LIỆU HỎI – ĐÁP',
      'Lớp bồi dưỡng cán bộ, công chức xã tỉnh Lai Châu',
      'Gồm 5 câu hỏi đã được công bố',
      'Chuyên đề: Chính quyền địa phương hai cấp',
      'Lĩnh vực: Cơ chế, chính sách',
      'Câu 1. Chế độ phụ cấp của công chức kiêm nhiệm tính thế nào?',
      'Người hỏi: Lò Văn Hỏi (Xã Sin Suối Hồ, Tỉnh Lai Châu)',
      'Trả lời (Người dùng organiser',
      'Công chức kiêm nhiệm được hưởng phụ cấp kiêm nhiệm theo quy định.',
      'Câu 2. Thời hạn hoàn thành sắp xếp công chức dôi dư?',
      'Trả lời (Nguyễn Văn Thành, TS., Vụ trưởng Vụ Chính quyền địa phương):',
      'Hoàn thành trước ngày 31/12/2025.',
      'Lĩnh vực: Nguồn lực',
      'Câu 3. Vướng mắc về nguồn lực khi sáp nhập trụ sở xã?',
      'Người hỏi: ẩn danh',
      'Ưu tiên dùng trụ sở hiện có, bố trí lại theo đề án của tỉnh.',
      'Chuyên đề: Chuyển đổi số cấp xã',
      'Lĩnh vực: Ứng dụng CNTT',
      'Câu 4. Xã chưa có đường truyền ổn định để dùng phần mềm một cửa.',
      'Người hỏi: Xã Sin Suối Hồ, Tỉnh Lai Châu',
      'Tỉnh bố trí kinh phí nâng cấp đường truyền năm 2026.',
      'Câu hỏi chung (không thuộc chuyên đề)',
      'Lĩnh vực: Chưa phân loại',
      'Câu 5. Câu hỏi chung về lịch bồi dưỡng năm 2026 của tỉnh?',
      'Người hỏi: Tỉnh Lai Châu',
      'Đoạn 1: Ủy ban nhân dân xã chủ động rà soát',
      'Đoạn 60: Ủy ban nhân dân xã',
      'Kết thúc câu trả lời dài.',
    ]);
    // the anonymous question does not name its asker anywhere near it
    const q3 = text.indexOf('Câu 3.');
    expect(text.slice(q3, text.indexOf('Câu 4.'))).not.toContain('Lò Văn Hỏi');
    expect(text).not.toContain('Câu hỏi chưa công bố không được in.');
    expect(text).not.toContain('Câu hỏi đã trả lời nhưng chưa công bố.');
    expect(text).not.toContain('Câu 6.');
    // the long answer flows onto further pages, each numbered
    const pages = await pdfPageCount(body);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`Trang 1/${pages}`);
    expect(text).toContain(`Trang ${pages}/${pages}`);
  });

  it('exports the same booklet as XLSX, one row per published question in booklet order', async () => {
    const res = await download(organiser, `/sessions/${sessionId}/qa-booklet.xlsx`).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const ws = wb.getWorksheet('Hỏi đáp')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'STT', 'Lớp tập huấn', 'Chuyên đề', 'Lĩnh vực', 'Người hỏi', 'Câu hỏi', 'Trả lời', 'Người trả lời', 'Ngày công bố']);
    expect(ws.rowCount).toBe(6);
    const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(row(2).slice(0, 8)).toEqual([
      1,
      'Lớp bồi dưỡng cán bộ, công chức xã tỉnh Lai Châu',
      'Chính quyền địa phương hai cấp',
      'Cơ chế, chính sách',
      'Lò Văn Hỏi (Xã Sin Suối Hồ, Tỉnh Lai Châu)',
      'Chế độ phụ cấp của công chức kiêm nhiệm tính thế nào?',
      'Công chức kiêm nhiệm được hưởng phụ cấp kiêm nhiệm theo quy định.',
      expect.any(String),
    ]);
    // The day it was published (in Vietnam) as an Excel date shown dd/mm/yyyy, not text.
    const [{ day }] = await t.query<{ day: string }>(
      `SELECT to_char(published_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS day FROM questions WHERE text = 'Chế độ phụ cấp của công chức kiêm nhiệm tính thế nào?'`,
    );
    expect(row(2)[8]).toEqual(new Date(`${day}T00:00:00Z`));
    expect(ws.getRow(2).getCell(9).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getRow(2).getCell(1).numFmt).not.toBe('dd/mm/yyyy');
    expect(row(3)[7]).toBe('Nguyễn Văn Thành, TS., Vụ trưởng Vụ Chính quyền địa phương');
    expect(row(4)).toEqual(expect.arrayContaining([3, 'Nguồn lực', 'ẩn danh']));
    expect(row(6)[0]).toBe(5);
    expect(row(6)[2]).toBe('');
    expect(row(6)[3]).toBe('Chưa phân loại');
    expect(String(row(6)[6])).toContain('Kết thúc câu trả lời dài.');
  });

  it('compiles a period across sessions, and refuses a bad period', async () => {
    const other = await createSessionFixture(t, { title: 'Hội nghị tập huấn Điện Biên', startDate: '2025-10-10', hostProvinceCode: '11' });
    const old = await createSessionFixture(t, { title: 'Lớp năm 2024 ngoài khoảng', startDate: '2024-05-01' });
    await publishedQuestion(other.session.id, { askerKind: 'province', provinceCode: '11', text: 'Điện Biên hỏi về cơ chế đặc thù cho xã biên giới?' }, 'Áp dụng theo Nghị định về xã biên giới.');
    await publishedQuestion(old.session.id, { askerKind: 'province', provinceCode: '12', text: 'Câu hỏi của lớp năm 2024.' }, 'Trả lời năm 2024.');
    // A course of the period that was cancelled (after its question was published) was not held: not in the booklet, as not in the reports.
    const cancelled = await createSessionFixture(t, { title: 'Lớp Sơn La đã hủy', startDate: '2025-10-05', hostProvinceCode: '14' });
    await publishedQuestion(cancelled.session.id, { askerKind: 'province', provinceCode: '14', text: 'Câu hỏi của lớp đã hủy.' }, 'Trả lời của lớp đã hủy.');
    await t.query(`UPDATE training_sessions SET status = 'cancelled', cancel_reason = 'Mưa lũ' WHERE id = $1`, [cancelled.session.id]);
    const res = await download(lecturer, '/qa/booklet.pdf?from=2025-09-01&to=2025-10-31').expect(200);
    const text = (await pdfText(res.body as Buffer)).replace(/\s+/g, ' ');
    expectInOrder(text, [
      'Các lớp tập huấn từ ngày 01/09/2025 đến ngày 31/10/2025',
      'Lớp bồi dưỡng cán bộ, công chức xã tỉnh Lai Châu (25/09/2025)',
      'Câu 1. Chế độ phụ cấp',
      'Câu 5. Câu hỏi chung về lịch bồi dưỡng',
      'Hội nghị tập huấn Điện Biên (10/10/2025)',
      'Câu 6. Điện Biên hỏi về cơ chế đặc thù cho xã biên giới?',
      'Áp dụng theo Nghị định về xã biên giới.',
    ]);
    expect(text).not.toContain('Câu hỏi của lớp năm 2024.');
    expect(text).not.toContain('Lớp Sơn La đã hủy');
    expect(text).not.toContain('Câu hỏi của lớp đã hủy.');
    const xlsx = await download(organiser, '/qa/booklet.xlsx?from=2025-10-01&to=2025-10-31').expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const ws = wb.getWorksheet('Hỏi đáp')!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(2).value).toBe('Hội nghị tập huấn Điện Biên');

    expect((await organiser.get('/qa/booklet.pdf?from=2025-02-30&to=2025-03-01')).status).toBe(400);
    const reversed = await organiser.get('/qa/booklet.pdf?from=2025-10-01&to=2025-09-01');
    expect(reversed.status).toBe(400);
    expect(reversed.text).toContain('phải sau hoặc bằng');
    expect((await organiser.get('/qa/booklet.pdf?from=hom-qua&to=2025-09-01')).status).toBe(400);
    expect((await traineeAgent.get('/qa/booklet.pdf?from=2025-09-01&to=2025-10-31')).status).toBe(403);
  });

  it('lets an enrolled trainee download the booklet of their session, not of another', async () => {
    const res = await download(traineeAgent, `/portal/sessions/${sessionId}/qa-booklet.pdf`).expect(200);
    expect((await pdfText(res.body as Buffer)).replace(/\s+/g, ' ')).toContain('Câu 3. Vướng mắc về nguồn lực khi sáp nhập trụ sở xã?');
    // Not enrolled: the session is not shown to this trainee at all.
    expect((await outsiderAgent.get(`/portal/sessions/${sessionId}/qa-booklet.pdf`)).status).toBe(404);
    expect((await traineeAgent.get(`/sessions/${sessionId}/qa-booklet.pdf`)).status).toBe(403);
  });

  it('prints an empty booklet with a sentence rather than failing', async () => {
    const { session } = await createSessionFixture(t, { title: 'Lớp chưa có hỏi đáp' });
    const res = await download(organiser, `/sessions/${session.id}/qa-booklet.pdf`).expect(200);
    expect((await pdfText(res.body as Buffer)).replace(/\s+/g, ' ')).toContain('Chưa có câu hỏi nào được công bố.');
  });
});
