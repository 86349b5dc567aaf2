import { ADMIN, bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture } from './support/fixtures';
import { csrfFrom, csrfToken, login, pageText, submitForm } from './support/http';
import type { User } from '../src/users/user.entity';

type Agent = ReturnType<TestApp['agent']>;

interface QuestionDb {
  id: string;
  session_id: string;
  topic_id: string | null;
  category_id: string | null;
  asker_kind: string;
  trainee_id: string | null;
  commune_code: string | null;
  province_code: string | null;
  anonymous: boolean;
  channel: string;
  text: string;
  text_search: string;
  status: string;
  reject_reason: string | null;
  created_by_id: string | null;
}

describe('Q&A log: asking, logging on behalf, answering, publishing, search, similar questions', () => {
  let t: TestApp;
  let sessionId: string;
  let otherSessionId: string;
  let topic1: string; // taught by lecturer A
  let topic2: string; // taught by lecturer B
  let otherTopic: string; // topic of the other session
  let categories: Record<string, string>;
  let organiser: Agent;
  let lecturerA: Agent;
  let lecturerB: Agent;
  let lecturerAUser: User;
  let trainee: Agent; // enrolled in the session
  let traineeId: string;
  let classmate: Agent; // enrolled too
  let outsider: Agent; // enrolled only in the other session
  let cancelled: Agent; // enrolment cancelled
  let organiserUser: User;

  async function traineeAccount(sessionIds: string[], status: 'confirmed' | 'cancelled' = 'confirmed', name?: string) {
    const tr = await createTraineeFixture(t, { fullName: name });
    for (const s of sessionIds) await enrollFixture(t, s, tr.id, status);
    const u = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [tr.id, u.user.id]);
    const agent = t.agent();
    await login(agent, u.login, u.password);
    return { agent, trainee: tr, user: u.user };
  }

  async function staff(role: 'organiser' | 'lecturer', fullName?: string) {
    const u = await createUser(t, role, { fullName });
    const agent = t.agent();
    await login(agent, u.login, u.password);
    return { agent, user: u.user };
  }

  const question = async (id: string) => (await t.query<QuestionDb>('SELECT * FROM questions WHERE id = $1', [id]))[0];
  const latestQuestion = async () => (await t.query<QuestionDb>('SELECT * FROM questions ORDER BY created_at DESC LIMIT 1'))[0];
  const countQuestions = async () => Number((await t.query<{ n: string }>('SELECT count(*) AS n FROM questions'))[0].n);
  const portal = (id = sessionId) => `/portal/sessions/${id}/questions`;

  /** Posts a form and returns the text of the page it redirects to. */
  async function postAndFollow(agent: Agent, pageUrl: string, action: string, fields: Record<string, string>) {
    const res = await submitForm(agent, pageUrl, action, fields);
    expect(res.status).toBe(303);
    const page = await agent.get(res.headers.location).expect(200);
    return { res, location: res.headers.location as string, text: pageText(page.text), html: page.text };
  }

  /** Logs a question through the organiser's form; returns its id. */
  async function logQuestion(fields: Record<string, string>, sid = sessionId): Promise<string> {
    const res = await submitForm(organiser, `/sessions/${sid}/questions`, `/sessions/${sid}/questions`, fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/questions\/[0-9a-f-]{36}$/);
    return res.headers.location.split('/').pop()!;
  }

  async function answerAndPublish(id: string, text: string) {
    expect((await submitForm(organiser, `/questions/${id}`, `/questions/${id}/answer`, { text })).status).toBe(303);
    expect((await submitForm(organiser, `/questions/${id}`, `/questions/${id}/publish`, {})).status).toBe(303);
    expect((await question(id)).status).toBe('published');
  }

  beforeAll(async () => {
    t = await bootApp();
    const o = await staff('organiser', 'Trần Văn Tổ Chức');
    organiser = o.agent;
    organiserUser = o.user;
    const a = await staff('lecturer', 'Nguyễn Văn Thành');
    lecturerA = a.agent;
    lecturerAUser = a.user;
    const b = await staff('lecturer', 'Hoàng Thị Lan');
    lecturerB = b.agent;
    const { session } = await createSessionFixture(t, { title: 'Bồi dưỡng cán bộ xã Lai Châu 2025' });
    sessionId = session.id;
    const other = await createSessionFixture(t, { title: 'Tập huấn Điện Biên 2025', hostProvinceCode: '11' });
    otherSessionId = other.session.id;
    topic1 = (await createTopicFixture(t, sessionId, { title: 'Chính quyền địa phương hai cấp', lecturers: [a.user] })).id;
    topic2 = (await createTopicFixture(t, sessionId, { title: 'Chuyển đổi số cấp xã', lecturers: [b.user] })).id;
    otherTopic = (await createTopicFixture(t, otherSessionId, { title: 'Chuyên đề lớp khác', lecturers: [a.user] })).id;
    const tr = await traineeAccount([sessionId], 'confirmed', 'Lò Văn Hỏi');
    trainee = tr.agent;
    traineeId = tr.trainee.id;
    classmate = (await traineeAccount([sessionId], 'confirmed', 'Tòng Thị Bạn')).agent;
    outsider = (await traineeAccount([otherSessionId], 'confirmed', 'Quàng Văn Ngoài')).agent;
    cancelled = (await traineeAccount([sessionId], 'cancelled', 'Lường Văn Hủy')).agent;
    const rows = await t.query<{ id: string; name: string }>('SELECT id, name FROM question_categories');
    categories = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });

  afterAll(async () => {
    await t.close();
  });

  it('seeds the category list by migration', async () => {
    expect(Object.keys(categories).sort()).toEqual(['Cơ chế, chính sách', 'Khác', 'Nguồn lực', 'Tổ chức bộ máy', 'Ứng dụng CNTT'].sort());
  });

  describe('a trainee asks in the portal', () => {
    it('stores the question (NFC, folded search text, the trainee and their commune) and shows it as theirs', async () => {
      const page = await trainee.get(portal()).expect(200);
      expect(pageText(page.text)).toContain('Gửi câu hỏi, khó khăn, vướng mắc');
      expect(page.text).toContain('Chính quyền địa phương hai cấp'); // topic choice
      expect(page.text).not.toContain('[object Object]'); // empty fields stay empty
      expect((await organiser.get(`/sessions/${sessionId}/questions`).expect(200)).text).not.toContain('[object Object]');
      const nfd = 'Xã còn nhiều vướng mắc về nguồn lực để bố trí công chức địa chính.'.normalize('NFD');
      const { location, text } = await postAndFollow(trainee, portal(), portal(), { text: nfd, topicId: topic1, categoryId: categories['Nguồn lực'] });
      expect(location).toBe(portal());
      expect(text).toContain('Đã gửi câu hỏi');
      const q = await latestQuestion();
      expect(q).toMatchObject({
        session_id: sessionId,
        topic_id: topic1,
        category_id: categories['Nguồn lực'],
        asker_kind: 'trainee',
        trainee_id: traineeId,
        commune_code: '03394',
        province_code: '12',
        channel: 'portal',
        status: 'open',
        anonymous: false,
      });
      expect(q.text).toBe('Xã còn nhiều vướng mắc về nguồn lực để bố trí công chức địa chính.'.normalize('NFC'));
      expect(q.text_search).toBe('xa con nhieu vuong mac ve nguon luc de bo tri cong chuc dia chinh');
      expect(text).toContain('Câu hỏi của tôi');
      expect(text).toContain('Xã còn nhiều vướng mắc về nguồn lực');
      expect(text).toContain('Chưa trả lời');
      const audit = await t.query(`SELECT 1 FROM audit_log WHERE action = 'qa.question.ask' AND entity_id = $1`, [q.id]);
      expect(audit).toHaveLength(1);
    });

    it('keeps what a trainee typed when their sign-in expired before they sent it: sign in again, the question is still there', async () => {
      const tr = await createTraineeFixture(t, { fullName: 'Sùng A Hết' });
      await enrollFixture(t, sessionId, tr.id, 'confirmed');
      const u = await createUser(t, 'trainee');
      await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [tr.id, u.user.id]);
      const phone = t.agent();
      await login(phone, u.login, u.password);
      const token = csrfFrom((await phone.get(portal()).expect(200)).text);
      // The page stayed open on the phone; meanwhile the sign-in expired.
      await t.query(`DELETE FROM http_sessions WHERE sess->>'userId' = $1`, [u.user.id]);
      const text = 'Thôn tôi chưa có nhà văn hóa, xin hỏi nguồn vốn nào hỗ trợ xây dựng?';
      const sent = await phone.post(portal()).type('form').set('Referer', `http://127.0.0.1${portal()}`).send({ _csrf: token, text, anonymous: '1' });
      expect(sent.status).toBe(303);
      expect(sent.headers.location).toBe(`/login?next=${encodeURIComponent(portal())}`);
      expect(pageText((await phone.get(sent.headers.location).expect(200)).text)).toContain('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại; nội dung bạn vừa nhập vẫn được giữ để gửi lại.');
      expect(await t.query(`SELECT 1 FROM questions WHERE text = $1`, [text])).toHaveLength(0);
      const signIn = await phone.post('/login').type('form').send({ _csrf: csrfFrom((await phone.get(sent.headers.location)).text), login: u.login, password: u.password, next: portal() });
      expect(signIn.headers.location).toBe(portal());
      const form = (await phone.get(portal()).expect(200)).text;
      expect(form).toContain(`>${text}</textarea>`);
      expect(form).toMatch(/name="anonymous" value="1" checked/);
      await postAndFollow(phone, portal(), portal(), { text });
      expect(await t.query(`SELECT 1 FROM questions WHERE text = $1 AND trainee_id = $2`, [text, tr.id])).toHaveLength(1);
      // Still signed in, but the page's token is stale (another tab signed in again): back to the form, text kept.
      const later = 'Xin hỏi thủ tục đề nghị hỗ trợ làm đường vào bản?';
      const stale = await phone.post(portal()).type('form').set('Referer', `http://127.0.0.1${portal()}`).send({ _csrf: 'cu-qua-roi', text: later });
      expect(stale.headers.location).toBe(portal());
      const again = (await phone.get(portal()).expect(200)).text;
      expect(pageText(again)).toContain('Nội dung bạn nhập vẫn còn: vui lòng bấm gửi lại.');
      expect(again).toContain(`>${later}</textarea>`);
      // Signing out after the sign-in expired just lands on the sign-in page.
      await t.query(`DELETE FROM http_sessions WHERE sess->>'userId' = $1`, [u.user.id]);
      expect((await phone.post('/logout').type('form').send({ _csrf: 'cu-qua-roi' })).headers.location).toBe('/login');
    });

    it("keeps nothing from another site's form: a cross-site post is refused and sets no cookie", async () => {
      const planted = { text: 'Nội dung do trang khác cài vào', _csrf: 'x' };
      for (const headers of [{ Origin: 'https://ke-xau.example' }, { 'Sec-Fetch-Site': 'cross-site', Referer: `http://127.0.0.1${portal()}` }]) {
        const res = await t.agent().post(portal()).set(headers).type('form').send(planted);
        expect(res.status).toBe(403);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(await t.query(`SELECT 1 FROM http_sessions WHERE sess::text LIKE '%trang khác cài vào%'`)).toHaveLength(0);
    });

    it('keeps one question when the same text is sent twice (a double tap, a resend after a lost answer)', async () => {
      const text = 'Đề nghị hướng dẫn cách lập dự toán kinh phí hoạt động của thôn, bản.';
      const count = async () => (await t.query(`SELECT id FROM questions WHERE trainee_id = $1 AND text = $2`, [traineeId, text])).length;
      const token = csrfFrom((await trainee.get(portal())).text);
      const send = () => trainee.post(portal()).type('form').send({ _csrf: token, text });
      expect((await Promise.all([send(), send()])).map((r) => r.status)).toEqual([303, 303]);
      expect(await count()).toBe(1);
      expect((await postAndFollow(trainee, portal(), portal(), { text })).text).toContain('Đã gửi câu hỏi');
      expect(await count()).toBe(1);
      const [{ id }] = await t.query<{ id: string }>(`SELECT id FROM questions WHERE trainee_id = $1 AND text = $2`, [traineeId, text]);
      expect(await t.query(`SELECT 1 FROM audit_log WHERE action = 'qa.question.ask' AND entity_id = $1`, [id])).toHaveLength(1);
      // Asked again later, it is a new question.
      await t.query(`UPDATE questions SET created_at = created_at - interval '11 minutes' WHERE id = $1`, [id]);
      await postAndFollow(trainee, portal(), portal(), { text });
      expect(await count()).toBe(2);
    });

    it('shows HTML and script in a question as text, never as markup', async () => {
      const evil = '<script>alert("xss")</script> Thắc mắc <b>in đậm</b> & <img src=x onerror=alert(1)>';
      const { html } = await postAndFollow(trainee, portal(), portal(), { text: evil });
      expect(html).not.toContain('<script>alert("xss")</script>');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
      expect(html).toContain('&lt;b&gt;in đậm&lt;/b&gt; &amp; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      const id = (await latestQuestion()).id;
      expect((await question(id)).text).toBe(evil); // stored as written
      const staffPage = await organiser.get(`/questions/${id}`).expect(200);
      expect(staffPage.text).not.toContain('<script>alert("xss")</script>');
      expect(staffPage.text).toContain('&lt;script&gt;');
      const list = await organiser.get(`/sessions/${sessionId}/questions`).expect(200);
      expect(list.text).not.toContain('<img src=x');
    });

    it('refuses an empty question and a 20,000-character one with a message, keeping nothing', async () => {
      const before = await countQuestions();
      const empty = await postAndFollow(trainee, portal(), portal(), { text: '   ' });
      expect(empty.text).toMatch(/Câu hỏi quá ngắn|Vui lòng nhập nội dung câu hỏi/);
      const short = await postAndFollow(trainee, portal(), portal(), { text: 'Hỏi' });
      expect(short.text).toContain('Câu hỏi quá ngắn: cần ít nhất 5 ký tự.');
      const long = await postAndFollow(trainee, portal(), portal(), { text: 'Vướng mắc '.repeat(2000) });
      expect(long.text).toContain('Câu hỏi tối đa 10.000 ký tự');
      expect(long.text).toContain('đã nhập 19.999 ký tự'); // trailing space trimmed
      expect(await countQuestions()).toBe(before);
      const csrf = await csrfToken(trainee);
      const api = await trainee.post('/api/v1/questions').set('x-csrf-token', csrf).send({ sessionId, text: 'x'.repeat(20000) }).expect(400);
      expect(api.body.message).toContain('Câu hỏi tối đa 10.000 ký tự');
      expect(await countQuestions()).toBe(before);
    });

    it('refuses a trainee not enrolled in the session, or whose enrolment is cancelled (the session is not shown to them: 404)', async () => {
      const before = await countQuestions();
      // A session a trainee is not enrolled in is not shown to them at all (the sessions module's rule).
      expect((await outsider.get(portal())).status).toBe(404);
      expect((await cancelled.get(portal())).status).toBe(404);
      const csrf = await csrfToken(outsider);
      const res = await outsider.post(portal()).type('form').send({ _csrf: csrf, text: 'Tôi không học lớp này nhưng vẫn hỏi.' });
      expect(res.status).toBe(404);
      const api = await outsider.post('/api/v1/questions').set('x-csrf-token', csrf).send({ sessionId, text: 'Tôi không học lớp này nhưng vẫn hỏi.' });
      expect(api.status).toBe(404);
      expect(api.body.message).toContain('Không tìm thấy lớp tập huấn');
      expect(await countQuestions()).toBe(before);
    });

    it('shows a question refused because the enrolment was cancelled meanwhile, to copy, instead of losing it', async () => {
      const late = await traineeAccount([sessionId], 'confirmed', 'Giàng Thị Muộn');
      const csrf = await csrfToken(late.agent, portal());
      await t.query(`UPDATE enrollments SET status = 'cancelled' WHERE trainee_id = $1`, [late.trainee.id]);
      const before = await countQuestions();
      const text = 'Xã tôi có ba thôn đặc biệt khó khăn, xin hỏi chính sách hỗ trợ sau sáp nhập thế nào?';
      const res = await late.agent.post(portal()).type('form').set('Origin', 'http://127.0.0.1').set('Referer', `http://127.0.0.1${portal()}`).send({ _csrf: csrf, text });
      expect(res.status).toBe(404);
      expect(res.text).toContain('chưa được lưu');
      expect(res.text).toMatch(/<textarea class="unsaved-text" readonly[^>]*>Xã tôi có ba thôn đặc biệt khó khăn, xin hỏi chính sách hỗ trợ sau sáp nhập thế nào\?<\/textarea>/);
      expect(await countQuestions()).toBe(before);
      // Not from one of the app's pages (another site posting into it): nothing of the post is shown back.
      const crossSite = await late.agent.post(portal()).type('form').set('Origin', 'https://example.com').send({ _csrf: csrf, text });
      expect(crossSite.text).not.toContain('chưa được lưu');
    });

    it('refuses a topic of another session', async () => {
      const before = await countQuestions();
      const res = await postAndFollow(trainee, portal(), portal(), { text: 'Câu hỏi gắn sai chuyên đề.', topicId: otherTopic });
      expect(res.text).toContain('Chuyên đề không thuộc lớp này.');
      expect(await countQuestions()).toBe(before);
    });
  });

  describe('an organiser logs questions on behalf of a trainee, a commune or a province', () => {
    it('logs for a trainee of the session and lands on the question page', async () => {
      const id = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic2, categoryId: categories['Ứng dụng CNTT'], text: 'Phần mềm một cửa điện tử cấp xã thường xuyên bị lỗi, xin hướng dẫn xử lý.', anonymous: '1' });
      expect(await question(id)).toMatchObject({ asker_kind: 'trainee', trainee_id: traineeId, channel: 'logged', anonymous: true, created_by_id: organiserUser.id, province_code: '12', topic_id: topic2 });
      const page = pageText((await organiser.get(`/questions/${id}`).expect(200)).text);
      expect(page).toContain('Đã ghi nhận câu hỏi');
      expect(page).toContain('Lò Văn Hỏi (Xã Sin Suối Hồ, Tỉnh Lai Châu)');
      expect(page).toContain('ẩn danh khi công bố');
      expect(page).toContain('ghi nhận bởi Trần Văn Tổ Chức');
    });

    it('logs for a commune (province taken from it) and for a province', async () => {
      const c = await logQuestion({ askerKind: 'commune', communeCode: '03394', text: 'Xã đề nghị hướng dẫn sắp xếp bộ phận tiếp nhận và trả kết quả.' });
      expect(await question(c)).toMatchObject({ asker_kind: 'commune', trainee_id: null, commune_code: '03394', province_code: '12' });
      const p = await logQuestion({ askerKind: 'province', provinceCode: '11', categoryId: categories['Tổ chức bộ máy'], text: 'Tỉnh đề nghị làm rõ biên chế công chức cấp xã sau sắp xếp.' });
      expect(await question(p)).toMatchObject({ asker_kind: 'province', commune_code: null, province_code: '11' });
      expect(pageText((await organiser.get(`/questions/${p}`).expect(200)).text)).toContain('Tỉnh Điện Biên');
    });

    it('refuses an unknown commune, a missing trainee, a trainee of another session', async () => {
      const before = await countQuestions();
      const url = `/sessions/${sessionId}/questions`;
      expect((await postAndFollow(organiser, url, url, { askerKind: 'commune', communeCode: '99999', text: 'Mã xã không tồn tại.' })).text).toContain('Không có xã, phường nào mã 99999.');
      expect((await postAndFollow(organiser, url, url, { askerKind: 'trainee', text: 'Thiếu học viên.' })).text).toContain('Vui lòng chọn học viên đặt câu hỏi.');
      const stranger = await createTraineeFixture(t);
      expect((await postAndFollow(organiser, url, url, { askerKind: 'trainee', traineeId: stranger.id, text: 'Học viên lớp khác.' })).text).toContain('Học viên này không có tên trong lớp.');
      expect(await countQuestions()).toBe(before);
    });

    it('does not let a lecturer or a trainee log on behalf of others (403)', async () => {
      const url = `/sessions/${sessionId}/questions`;
      const page = await lecturerA.get(url).expect(200);
      expect(page.text).not.toContain('Ghi nhận câu hỏi thay người hỏi');
      const csrf = await csrfToken(lecturerA);
      expect((await lecturerA.post(url).type('form').send({ _csrf: csrf, askerKind: 'province', provinceCode: '12', text: 'Báo cáo viên ghi thay.' })).status).toBe(403);
      const api = await lecturerA.post('/api/v1/questions').set('x-csrf-token', csrf).send({ sessionId, askerKind: 'province', provinceCode: '12', text: 'Báo cáo viên ghi thay.' });
      expect(api.status).toBe(403);
      expect((await trainee.get(url)).status).toBe(403);
    });
  });

  describe('answering', () => {
    let q1: string; // topic 1 (lecturer A)
    let noTopic: string;

    beforeAll(async () => {
      q1 = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, text: 'Công chức kiêm nhiệm nhiều việc thì chế độ phụ cấp được tính thế nào?' });
      noTopic = await logQuestion({ askerKind: 'province', provinceCode: '12', text: 'Câu hỏi chung không thuộc chuyên đề nào cả.' });
    });

    it('lets the lecturer of the topic answer; the question becomes answered', async () => {
      const page = await lecturerA.get(`/questions/${q1}`).expect(200);
      expect(page.text).toContain(`action="/questions/${q1}/answer"`);
      const { text } = await postAndFollow(lecturerA, `/questions/${q1}`, `/questions/${q1}/answer`, { text: 'Theo Nghị định, công chức kiêm nhiệm được hưởng phụ cấp kiêm nhiệm.' });
      expect(text).toContain('Đã lưu câu trả lời.');
      expect((await question(q1)).status).toBe('answered');
      const [a] = await t.query<{ text: string; author_id: string }>('SELECT text, author_id FROM answers WHERE question_id = $1', [q1]);
      expect(a).toEqual({ text: 'Theo Nghị định, công chức kiêm nhiệm được hưởng phụ cấp kiêm nhiệm.', author_id: lecturerAUser.id });
    });

    it('keeps what a lecturer typed when the answer was published while they were editing it', async () => {
      const q = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, text: 'Xã có được tự quyết định số lượng công chức văn hóa - xã hội không?' });
      await postAndFollow(lecturerA, `/questions/${q}`, `/questions/${q}/answer`, { text: 'Bản trả lời đầu tiên.' });
      const editing = await lecturerA.get(`/questions/${q}`).expect(200); // the lecturer's edit form is open
      await postAndFollow(organiser, `/questions/${q}`, `/questions/${q}/publish`, {});
      const typed = 'Bản trả lời đã sửa kỹ, dẫn Nghị định số 33/2023/NĐ-CP về cán bộ, công chức cấp xã.';
      const res = await lecturerA.post(`/questions/${q}/answer`).set('Referer', `/questions/${q}`).type('form').send({ text: typed, _csrf: csrfFrom(editing.text) });
      expect(res.status).toBe(303);
      const text = pageText((await lecturerA.get(res.headers.location).expect(200)).text);
      expect(text).toContain('Câu trả lời đã được công bố nên không sửa được nữa');
      expect(text).toContain(typed);
      expect((await t.query<{ text: string }>('SELECT text FROM answers WHERE question_id = $1', [q]))[0].text).toBe('Bản trả lời đầu tiên.');
      // Out of the way of the tests below, which count and read the published questions.
      await t.query('DELETE FROM answers WHERE question_id = $1', [q]);
      await t.query('DELETE FROM questions WHERE id = $1', [q]);
    });

    it("refuses a lecturer answering another lecturer's topic (403), and a question without topic", async () => {
      const page = await lecturerB.get(`/questions/${q1}`).expect(200);
      expect(page.text).not.toContain(`action="/questions/${q1}/answer"`);
      const csrf = await csrfToken(lecturerB);
      const res = await lecturerB.post(`/questions/${q1}/answer`).type('form').send({ _csrf: csrf, text: 'Tôi trả lời thay.' });
      expect(res.status).toBe(403);
      expect(pageText(res.text)).toContain('chuyên đề mình phụ trách');
      const api = await lecturerB.put(`/api/v1/questions/${q1}/answer`).set('x-csrf-token', csrf).send({ text: 'Tôi trả lời thay.' });
      expect(api.status).toBe(403);
      expect((await t.query<{ text: string }>('SELECT text FROM answers WHERE question_id = $1', [q1]))[0].text).toContain('phụ cấp kiêm nhiệm');
      const none = await lecturerA.put(`/api/v1/questions/${noTopic}/answer`).set('x-csrf-token', await csrfToken(lecturerA)).send({ text: 'Trả lời.' });
      expect(none.status).toBe(403);
      expect(none.body.message).toContain('ban tổ chức trả lời');
      expect(await t.query('SELECT 1 FROM answers WHERE question_id = $1', [noTopic])).toHaveLength(0);
    });

    it('lets organisers answer a question without topic, and keeps answer edits in the audit log', async () => {
      await postAndFollow(organiser, `/questions/${noTopic}`, `/questions/${noTopic}/answer`, { text: 'Bản trả lời thứ nhất.' });
      await postAndFollow(organiser, `/questions/${noTopic}`, `/questions/${noTopic}/answer`, { text: 'Bản trả lời đã sửa.' });
      expect((await t.query<{ text: string }>('SELECT text FROM answers WHERE question_id = $1', [noTopic]))[0].text).toBe('Bản trả lời đã sửa.');
      const audit = await t.query<{ action: string; old_value: { text: string } | null; new_value: { text: string } }>(
        `SELECT action, old_value, new_value FROM audit_log WHERE entity = 'question' AND entity_id = $1 AND action LIKE 'qa.answer.%' ORDER BY id`,
        [noTopic],
      );
      expect(audit.map((a) => a.action)).toEqual(['qa.answer.create', 'qa.answer.edit']);
      expect(audit[1].old_value).toMatchObject({ text: 'Bản trả lời thứ nhất.' });
      expect(audit[1].new_value).toMatchObject({ text: 'Bản trả lời đã sửa.' });
      const page = pageText((await organiser.get(`/questions/${noTopic}`).expect(200)).text);
      expect(page).toContain('Nội dung trả lời trước khi sửa');
      // The history says what was done and by whom, in words (it showed "qa.answer.create").
      const [{ full_name: by }] = await t.query<{ full_name: string }>(`SELECT u.full_name FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.entity_id = $1 AND a.action = 'qa.answer.edit'`, [noTopic]);
      expect(page).toContain(`Trả lời câu hỏi · ${by}`);
      expect(page).toContain(`Sửa câu trả lời · ${by}`);
      expect(page).not.toMatch(/qa\.(answer|question)\./);
    });

    it('refuses trainees on staff pages and on answering', async () => {
      expect((await trainee.get(`/questions/${q1}`)).status).toBe(403);
      const api = await trainee.put(`/api/v1/questions/${q1}/answer`).set('x-csrf-token', await csrfToken(trainee)).send({ text: 'Học viên tự trả lời.' });
      expect(api.status).toBe(403);
    });
  });

  describe('publishing', () => {
    let open: string;
    let answered: string;

    beforeAll(async () => {
      open = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, text: 'Câu hỏi chưa được trả lời để thử công bố.' });
      answered = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, text: 'Quy trình tiếp nhận hồ sơ đất đai ở xã mới thế nào?', anonymous: '1' });
      await postAndFollow(lecturerA, `/questions/${answered}`, `/questions/${answered}/answer`, { text: 'Hồ sơ đất đai nộp tại Trung tâm phục vụ hành chính công cấp xã.' });
    });

    it('refuses to publish an unanswered question, with a message (form: back with flash; API: 409)', async () => {
      const page = await organiser.get(`/questions/${open}`).expect(200);
      expect(page.text).not.toContain(`action="/questions/${open}/publish"`);
      const { text } = await postAndFollow(organiser, `/questions/${open}`, `/questions/${open}/publish`, {});
      expect(text).toContain('Câu hỏi chưa có câu trả lời nên chưa thể công bố.');
      const api = await organiser.post(`/api/v1/questions/${open}/publish`).set('x-csrf-token', await csrfToken(organiser));
      expect(api.status).toBe(409);
      expect(api.body).toMatchObject({ statusCode: 409, message: 'Câu hỏi chưa có câu trả lời nên chưa thể công bố.' });
      expect((await question(open)).status).toBe('open');
    });

    it('does not let a lecturer publish (403)', async () => {
      const res = await lecturerA.post(`/questions/${answered}/publish`).type('form').send({ _csrf: await csrfToken(lecturerA) });
      expect(res.status).toBe(403);
      expect((await question(answered)).status).toBe('answered');
    });

    it('publishes an answered question; trainees of the session then see the answer, anonymised', async () => {
      const before = pageText((await classmate.get(portal()).expect(200)).text);
      expect(before).not.toContain('Quy trình tiếp nhận hồ sơ đất đai');
      const { text } = await postAndFollow(organiser, `/questions/${answered}`, `/questions/${answered}/publish`, {});
      expect(text).toContain('Đã công bố câu hỏi và câu trả lời.');
      const q = await question(answered);
      expect(q.status).toBe('published');
      expect((await t.query<{ published_at: Date | null }>('SELECT published_at FROM questions WHERE id = $1', [answered]))[0].published_at).not.toBeNull();
      const after = pageText((await classmate.get(portal()).expect(200)).text);
      expect(after).toContain('Quy trình tiếp nhận hồ sơ đất đai ở xã mới thế nào?');
      expect(after).toContain('Hồ sơ đất đai nộp tại Trung tâm phục vụ hành chính công cấp xã.');
      expect(after).toContain('Người hỏi: ẩn danh');
      expect(after).not.toContain('Lò Văn Hỏi');
      // the classmate does not see the asker's unpublished questions
      expect(after).not.toContain('Câu hỏi chưa được trả lời để thử công bố.');
      // the asker sees their own questions, published or not
      const own = pageText((await trainee.get(portal()).expect(200)).text);
      expect(own).toContain('Câu hỏi chưa được trả lời để thử công bố.');
      // a trainee of another session sees nothing of it
      const api = await outsider.get('/api/v1/questions').expect(200);
      expect(api.body.items.map((i: { id: string }) => i.id)).not.toContain(answered);
      const detail = await outsider.get(`/api/v1/questions/${answered}`);
      expect(detail.status).toBe(404);
      const mine = await classmate.get(`/api/v1/questions/${answered}`).expect(200);
      expect(mine.body).toMatchObject({ status: 'published', asker: 'ẩn danh', answer: { text: 'Hồ sơ đất đai nộp tại Trung tâm phục vụ hành chính công cấp xã.' } });
    });

    it('refuses to edit a published answer (409) until it is taken back', async () => {
      const api = await lecturerA.put(`/api/v1/questions/${answered}/answer`).set('x-csrf-token', await csrfToken(lecturerA)).send({ text: 'Sửa sau khi công bố.' });
      expect(api.status).toBe(409);
      expect(api.body.message).toContain('đã được công bố');
      const page = await lecturerA.get(`/questions/${answered}`).expect(200);
      expect(page.text).not.toContain(`action="/questions/${answered}/answer"`);
      await postAndFollow(organiser, `/questions/${answered}`, `/questions/${answered}/unpublish`, {});
      expect((await question(answered)).status).toBe('answered');
      await lecturerA.put(`/api/v1/questions/${answered}/answer`).set('x-csrf-token', await csrfToken(lecturerA)).send({ text: 'Hồ sơ đất đai nộp tại Trung tâm phục vụ hành chính công cấp xã (đã bổ sung).' }).expect(200);
      await postAndFollow(organiser, `/questions/${answered}`, `/questions/${answered}/publish`, {});
      expect((await question(answered)).status).toBe('published');
    });

    it('rejects with a reason (required), and reopens', async () => {
      const missing = await postAndFollow(organiser, `/questions/${open}`, `/questions/${open}/reject`, { reason: '' });
      expect(missing.text).toContain('Vui lòng nhập lý do');
      expect((await question(open)).status).toBe('open');
      const { text } = await postAndFollow(organiser, `/questions/${open}`, `/questions/${open}/reject`, { reason: 'Trùng với câu hỏi đã trả lời.' });
      expect(text).toContain('Đã từ chối câu hỏi.');
      expect(await question(open)).toMatchObject({ status: 'rejected', reject_reason: 'Trùng với câu hỏi đã trả lời.' });
      const own = pageText((await trainee.get(portal()).expect(200)).text);
      expect(own).toContain('Không trả lời: Trùng với câu hỏi đã trả lời.');
      const publish = await organiser.post(`/api/v1/questions/${open}/publish`).set('x-csrf-token', await csrfToken(organiser));
      expect(publish.status).toBe(409);
      await postAndFollow(organiser, `/questions/${open}`, `/questions/${open}/reopen`, {});
      expect(await question(open)).toMatchObject({ status: 'open', reject_reason: null });
    });
  });

  describe('classifying (topic, category, anonymity)', () => {
    const put = async (id: string, body: Record<string, unknown>) => organiser.put(`/api/v1/questions/${id}/classification`).set('x-csrf-token', await csrfToken(organiser)).send(body);

    it('API: changes only the fields sent (null clears), so an anonymous asker stays anonymous', async () => {
      const id = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, categoryId: categories['Nguồn lực'], anonymous: '1', text: 'Câu hỏi ẩn danh để thử phân loại lại.' });
      const res = await put(id, { topicId: topic2 });
      expect(res.status).toBe(200);
      expect(await question(id)).toMatchObject({ topic_id: topic2, category_id: categories['Nguồn lực'], anonymous: true });
      await put(id, { categoryId: null }).then((r) => expect(r.status).toBe(200));
      expect(await question(id)).toMatchObject({ topic_id: topic2, category_id: null, anonymous: true });
      await put(id, { anonymous: false }).then((r) => expect(r.status).toBe(200));
      expect(await question(id)).toMatchObject({ topic_id: topic2, category_id: null, anonymous: false });
      const bad = await put(id, { anonymous: 'có lẽ' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('Giá trị "ẩn danh" phải là true hoặc false.');
      expect((await question(id)).anonymous).toBe(false);
    });

    it('form: sends all three fields, an empty select is none and an unchecked box is not anonymous', async () => {
      const id = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, categoryId: categories['Khác'], anonymous: '1', text: 'Câu hỏi để thử mẫu phân loại.' });
      const page = await organiser.get(`/questions/${id}`).expect(200);
      expect(page.text).toContain(`action="/questions/${id}/classify"`);
      const { text } = await postAndFollow(organiser, `/questions/${id}`, `/questions/${id}/classify`, { topicId: topic2, categoryId: '' });
      expect(text).toContain('Đã cập nhật chuyên đề, lĩnh vực.');
      expect(await question(id)).toMatchObject({ topic_id: topic2, category_id: null, anonymous: false });
      await postAndFollow(organiser, `/questions/${id}`, `/questions/${id}/classify`, { topicId: '', categoryId: categories['Nguồn lực'], anonymous: '1' });
      expect(await question(id)).toMatchObject({ topic_id: null, category_id: categories['Nguồn lực'], anonymous: true });
    });

    it('refuses to reclassify a published question (API 409, form back with the message) until it is taken back', async () => {
      const id = await logQuestion({ askerKind: 'trainee', traineeId, topicId: topic1, anonymous: '1', text: 'Câu hỏi ẩn danh đã công bố, không được lộ tên.' });
      await answerAndPublish(id, 'Câu trả lời đã công bố.');
      const api = await put(id, { topicId: topic2 });
      expect(api.status).toBe(409);
      expect(api.body).toMatchObject({ statusCode: 409, message: 'Câu hỏi đã được công bố nên không phân loại lại được. Ban tổ chức cần thu hồi công bố trước.' });
      const page = await organiser.get(`/questions/${id}`).expect(200);
      expect(page.text).not.toContain(`action="/questions/${id}/classify"`);
      const form = await postAndFollow(organiser, `/questions/${id}`, `/questions/${id}/classify`, { topicId: topic2, categoryId: '' });
      expect(form.location).toBe(`/questions/${id}`);
      expect(form.text).toContain('Câu hỏi đã được công bố nên không phân loại lại được.');
      expect(await question(id)).toMatchObject({ topic_id: topic1, anonymous: true, status: 'published' });
      const seen = pageText((await classmate.get(portal()).expect(200)).text);
      expect(seen).toContain('Câu hỏi ẩn danh đã công bố, không được lộ tên.');
      expect(seen).not.toContain('Lò Văn Hỏi');
      await postAndFollow(organiser, `/questions/${id}`, `/questions/${id}/unpublish`, {});
      expect((await put(id, { topicId: topic2 })).status).toBe(200);
      expect(await question(id)).toMatchObject({ topic_id: topic2, anonymous: true, status: 'answered' });
    });
  });

  describe('search across sessions, ignoring diacritics', () => {
    let hit1: string;
    let hit2: string;
    let miss: string;

    beforeAll(async () => {
      hit1 = await logQuestion({ askerKind: 'province', provinceCode: '12', categoryId: categories['Nguồn lực'], text: 'Những vướng mắc trong bố trí nguồn lực thực hiện Chương trình 1719 ở cấp xã.' });
      hit2 = await logQuestion({ askerKind: 'province', provinceCode: '11', text: 'Vướng mắc lớn nhất của xã là thiếu nguồn lực con người.' }, otherSessionId);
      miss = await logQuestion({ askerKind: 'province', provinceCode: '12', text: 'Lịch học buổi chiều có thay đổi không?' });
    });

    const ids = (html: string) => [...html.matchAll(/href="\/questions\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

    it('finds "vướng mắc … nguồn lực" from "vuong mac nguon luc" in every session', async () => {
      const res = await organiser.get('/questions').query({ q: 'vuong mac nguon luc' }).expect(200);
      const found = ids(res.text);
      expect(found).toEqual(expect.arrayContaining([hit1, hit2]));
      expect(found).not.toContain(miss);
      expect(pageText(res.text)).toContain('Tập huấn Điện Biên 2025');
      // upper case and with marks, too
      const marked = await organiser.get('/questions').query({ q: 'VƯỚNG MẮC Nguồn Lực' }).expect(200);
      expect(ids(marked.text)).toEqual(expect.arrayContaining([hit1, hit2]));
      // a typo still finds it through trigram word similarity
      const typo = await organiser.get('/api/v1/questions').query({ q: 'nguon lucc' }).expect(200);
      expect(typo.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([hit1, hit2]));
    });

    it('filters by session, province, category and status', async () => {
      const q = 'vuong mac nguon luc';
      const bySession = await organiser.get('/api/v1/questions').query({ q, sessionId: otherSessionId }).expect(200);
      expect(bySession.body.items.map((i: { id: string }) => i.id)).toEqual([hit2]);
      const byProvince = await organiser.get('/api/v1/questions').query({ q, provinceCode: '12' }).expect(200);
      expect(byProvince.body.items.map((i: { id: string }) => i.id)).toContain(hit1);
      expect(byProvince.body.items.map((i: { id: string }) => i.id)).not.toContain(hit2);
      const byCategory = await organiser.get('/api/v1/questions').query({ q, categoryId: categories['Nguồn lực'] }).expect(200);
      expect(byCategory.body.items.map((i: { id: string }) => i.id)).toContain(hit1);
      expect(byCategory.body.items.map((i: { id: string }) => i.id)).not.toContain(hit2);
      const byStatus = await organiser.get('/api/v1/questions').query({ q, status: 'published' }).expect(200);
      expect(byStatus.body.items).toHaveLength(0);
      const page = await organiser.get(`/sessions/${sessionId}/questions`).query({ q: 'lich hoc' }).expect(200);
      expect(ids(page.text)).toEqual([miss]);
      const bad = await organiser.get('/api/v1/questions').query({ status: 'xoa' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('Trạng thái không hợp lệ.');
    });

    it('shows a lecturer the open questions of their topics first', async () => {
      const mineOpen = await logQuestion({ askerKind: 'province', provinceCode: '12', topicId: topic1, text: 'Câu hỏi mới nhất về chính quyền hai cấp cho báo cáo viên A.' });
      await logQuestion({ askerKind: 'province', provinceCode: '12', topicId: topic2, text: 'Câu hỏi mới hơn nữa của chuyên đề B.' });
      const res = await lecturerA.get('/questions').expect(200);
      expect(pageText(res.text)).toContain('Câu hỏi chưa trả lời thuộc chuyên đề của bạn được xếp lên đầu.');
      const order = ids(res.text);
      const openOfA = (await t.query<{ id: string }>(`SELECT q.id FROM questions q JOIN topic_lecturers tl ON tl.topic_id = q.topic_id WHERE tl.user_id = $1 AND q.status = 'open'`, [lecturerAUser.id])).map((r) => r.id);
      expect(openOfA).toContain(mineOpen);
      expect(new Set(order.slice(0, openOfA.length))).toEqual(new Set(openOfA));
      // the organiser sees newest first instead
      const orgOrder = ids((await organiser.get('/questions').expect(200)).text);
      expect(orgOrder.indexOf(mineOpen)).toBeGreaterThan(0);
    });
  });

  describe('similar questions', () => {
    let published: string;
    let unrelated: string;

    beforeAll(async () => {
      published = await logQuestion({ askerKind: 'province', provinceCode: '12', topicId: topic1, text: 'Xã thiếu kinh phí đối ứng để thực hiện Chương trình 1719, đề nghị hướng dẫn.' });
      await answerAndPublish(published, 'Ngân sách tỉnh hỗ trợ phần đối ứng theo Nghị quyết của HĐND tỉnh.');
      unrelated = await logQuestion({ askerKind: 'province', provinceCode: '12', text: 'Trang phục khi dự lớp tập huấn có yêu cầu gì không?' });
      await answerAndPublish(unrelated, 'Trang phục lịch sự.');
    });

    it('shows published questions alike to a newly logged one, with their answers, so lecturers can reuse them', async () => {
      const id = await logQuestion({ askerKind: 'province', provinceCode: '11', text: 'Kinh phí đối ứng thực hiện chương trình 1719 của xã còn thiếu thì xử lý thế nào?' }, otherSessionId);
      const page = await organiser.get(`/questions/${id}`).expect(200);
      const text = pageText(page.text);
      const section = text.slice(text.indexOf('Câu hỏi tương tự đã công bố'));
      expect(section).toContain('Xã thiếu kinh phí đối ứng để thực hiện Chương trình 1719');
      expect(section).toContain('Ngân sách tỉnh hỗ trợ phần đối ứng');
      expect(section).not.toContain('Trang phục khi dự lớp');
      expect(page.text).toContain(`href="/questions/${published}"`);
      const lecturerView = pageText((await lecturerA.get(`/questions/${id}`).expect(200)).text);
      expect(lecturerView).toContain('Xã thiếu kinh phí đối ứng');
    });

    it('answers the API as the text is typed, and shows nothing alike for an unrelated text', async () => {
      const res = await lecturerA.get('/api/v1/questions/similar').query({ text: 'kinh phi doi ung chuong trinh 1719' }).expect(200);
      expect(res.body.items[0]).toMatchObject({ id: published, status: 'published' });
      expect(res.body.items[0].score).toBeGreaterThan(0.3);
      const none = await lecturerA.get('/api/v1/questions/similar').query({ text: 'Phần mềm quản lý văn bản bị treo máy' }).expect(200);
      expect(none.body.items.map((i: { id: string }) => i.id)).not.toContain(published);
      expect((await trainee.get('/api/v1/questions/similar').query({ text: 'kinh phi' })).status).toBe(403);
    });

    it('does not list unpublished questions as similar', async () => {
      const draft = await logQuestion({ askerKind: 'province', provinceCode: '12', text: 'Lịch học buổi chiều có thay đổi không ạ?' });
      const page = pageText((await organiser.get(`/questions/${draft}`).expect(200)).text);
      const section = page.slice(page.indexOf('Câu hỏi tương tự đã công bố'));
      expect(section).not.toContain('Lịch học buổi chiều có thay đổi không?'); // open, not published
    });
  });

  describe('categories', () => {
    it('lets an organiser add, rename and delete an unused category, and refuses deleting a used one', async () => {
      const { text } = await postAndFollow(organiser, '/qa/categories', '/qa/categories', { name: 'Đất đai, môi trường' });
      expect(text).toContain('Đã thêm lĩnh vực "Đất đai, môi trường".');
      const [row] = await t.query<{ id: string }>(`SELECT id FROM question_categories WHERE name = 'Đất đai, môi trường'`);
      const dup = await postAndFollow(organiser, '/qa/categories', '/qa/categories', { name: 'nguồn lực' });
      expect(dup.text).toContain('đã có');
      await postAndFollow(organiser, '/qa/categories', `/qa/categories/${row.id}`, { name: 'Đất đai', position: '5' });
      expect((await t.query<{ name: string }>('SELECT name FROM question_categories WHERE id = $1', [row.id]))[0].name).toBe('Đất đai');
      await postAndFollow(organiser, '/qa/categories', `/qa/categories/${row.id}/delete`, {});
      expect(await t.query('SELECT 1 FROM question_categories WHERE id = $1', [row.id])).toHaveLength(0);
      const used = await postAndFollow(organiser, '/qa/categories', `/qa/categories/${categories['Nguồn lực']}/delete`, {});
      expect(used.text).toContain('Không xóa được lĩnh vực "Nguồn lực"');
      expect(await t.query('SELECT 1 FROM question_categories WHERE id = $1', [categories['Nguồn lực']])).toHaveLength(1);
      expect((await lecturerA.get('/qa/categories')).status).toBe(403);
      const admin = t.agent();
      await login(admin, ADMIN.email, ADMIN.password);
      await admin.get('/qa/categories').expect(200);
      const api = await trainee.get('/api/v1/question-categories').expect(200);
      expect(api.body.items.map((c: { name: string }) => c.name)).toContain('Ứng dụng CNTT');
    });
  });
});
