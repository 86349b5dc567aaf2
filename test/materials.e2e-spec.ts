import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import QRCode from 'qrcode';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTopicFixture, createTraineeFixture, enrollFixture, SessionFixture } from './support/fixtures';
import { csrfToken, login, pageText, submitForm } from './support/http';
import { pdfBytes, uploadMaterial } from './support/sessions';
import { binaryParser, buildZip, DOCX_SKELETON, readZip, withCentralName, withDeclaredSize, zeros } from './support/zip';
import { pdfText } from './support/pdf';
import { UsersService } from '../src/users/users.service';
import { Topic } from '../src/training-sessions/topic.entity';
import { User } from '../src/users/user.entity';
import { StorageNotFoundError, StorageService } from '../src/storage/storage.service';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('materials: upload, type from content, limits, versions, access, offline ZIP (local disk)', () => {
  let t: TestApp;
  let fx: SessionFixture;
  let topic: Topic;
  let otherTopic: Topic;
  let lecturer: Awaited<ReturnType<typeof createUser>>;
  let otherLecturer: Awaited<ReturnType<typeof createUser>>;
  let organiser: Awaited<ReturnType<typeof createUser>>;
  let lec: ReturnType<TestApp['agent']>;
  let org: ReturnType<TestApp['agent']>;
  let filesDir: string;
  let firstId: string;

  beforeAll(async () => {
    t = await bootApp({ MAX_UPLOAD_MB: '1' });
    filesDir = join(t.config.dataDir, 'files');
    organiser = await createUser(t, 'organiser');
    lecturer = await createUser(t, 'lecturer', { fullName: 'Nguyễn Văn Thành' });
    otherLecturer = await createUser(t, 'lecturer', { fullName: 'Hoàng Thị Lan' });
    fx = await createSessionFixture(t, { title: 'Lớp tập huấn có tài liệu', status: 'published' });
    topic = await createTopicFixture(t, fx.session.id, { title: 'Chính quyền địa phương hai cấp', sittingId: fx.sittings[0].id, startTime: '07:30:00', endTime: '09:30:00', lecturers: [lecturer.user as User] });
    otherTopic = await createTopicFixture(t, fx.session.id, { title: 'Công tác dân tộc', sittingId: fx.sittings[0].id, startTime: '09:30:00', endTime: '11:30:00', lecturers: [otherLecturer.user as User] });
    lec = t.agent();
    await login(lec, lecturer.login, lecturer.password);
    org = t.agent();
    await login(org, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const materialRows = () => t.query<{ id: string; original_name: string; storage_key: string; sha256: string; size: string; version: number; series_id: string; content_type: string; title: string }>(
    `SELECT id, original_name, storage_key, sha256, size::text, version, series_id, content_type, title FROM materials ORDER BY created_at`,
  );

  it('lets a lecturer upload a PDF for their topic: type from content, sha256 and size stored, safe storage key', async () => {
    const bytes = pdfBytes('Bài giảng');
    const res = await uploadMaterial(lec, fx.session.id, topic.id, bytes, 'Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${fx.session.id}/topics/${topic.id}`);
    const [row] = await materialRows();
    firstId = row.id;
    expect(row).toMatchObject({
      original_name: 'Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf',
      title: 'Bài giảng chuyên đề 1 – Chính quyền địa phương',
      content_type: 'application/pdf',
      sha256: sha(bytes),
      size: String(bytes.length),
      version: 1,
      series_id: row.id,
    });
    expect(row.storage_key).toBe(`materials/${fx.session.id}/${row.id}`);
    expect(readFileSync(join(filesDir, 'materials', fx.session.id, row.id))).toEqual(bytes);
    const page = await lec.get(res.headers.location).expect(200);
    expect(pageText(page.text)).toContain('Đã tải lên "Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf" (phiên bản 1).');
  });

  it('serves the download with the Vietnamese name (RFC 5987) to the organiser', async () => {
    const res = await org.get(`/sessions/${fx.session.id}/materials/${firstId}`).buffer(true).parse(binaryParser).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const cd = res.headers['content-disposition'];
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf')}`);
    expect(cd).toMatch(/^attachment; filename="Bai giang chuyen de 1 _ Chinh quyen dia phuong.pdf"/);
    expect(sha(res.body as Buffer)).toBe(sha(pdfBytes('Bài giảng')));
  });

  it('accepts XLSX and PNG (detected from content) and appends the right extension to a misleading name', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Danh sách').addRow(['Họ và tên', 'Xã']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await uploadMaterial(lec, fx.session.id, topic.id, xlsx, 'Danh sách học viên.xlsx')).status).toBe(303);
    const png = await QRCode.toBuffer('tap huan');
    expect((await uploadMaterial(lec, fx.session.id, topic.id, png, 'so-do.pdf')).status).toBe(303);
    const rows = await materialRows();
    expect(rows.slice(-2).map((r) => [r.original_name, r.content_type])).toEqual([
      ['Danh sách học viên.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['so-do.pdf.png', 'image/png'],
    ]);
  });

  it('refuses an .exe renamed .pdf with 415 and stores nothing', async () => {
    const before = await materialRows();
    const filesBefore = filesUnder(filesDir).length;
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(400, 1)]);
    // On the page: back to the topic with the message (the form is not lost behind an error page).
    const topicPage = `/sessions/${fx.session.id}/topics/${topic.id}`;
    const res = await uploadMaterial(lec, fx.session.id, topic.id, exe, 'tai-lieu.pdf', { title: 'Bài giảng' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(topicPage);
    const back = await lec.get(topicPage).expect(200);
    expect(pageText(back.text)).toContain('Nội dung tệp không phải loại được chấp nhận (phát hiện: EXE)');
    const token = await csrfToken(lec);
    const api = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', exe, 'tai-lieu.pdf');
    expect(api.status).toBe(415);
    expect(api.body).toMatchObject({ statusCode: 415, error: 'Loại tệp không được chấp nhận' });
    const text = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', Buffer.from('chỉ là văn bản'), 'ghi-chu.docx');
    expect(text.status).toBe(415);
    const wrongField = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('upload', pdfBytes(), 'x.pdf');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.message).toContain('Dữ liệu tệp gửi lên không đọc được');
    const noFile = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).field('title', 'Không có tệp');
    expect(noFile.status).toBe(400);
    expect(noFile.body.message).toBe('Vui lòng chọn tệp tài liệu.');
    expect(await materialRows()).toEqual(before);
    expect(filesUnder(filesDir).length).toBe(filesBefore);
  });

  it('refuses a file over the limit with 413 and stores nothing (not even a temporary file)', async () => {
    const before = await materialRows();
    const filesBefore = filesUnder(filesDir).length;
    const tmp = join(require('node:os').tmpdir(), 'taphuan-uploads');
    const tmpBefore = filesUnder(tmp).length;
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const token = await csrfToken(lec);
    const res = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', big, 'qua-lon.pdf');
    expect(res.status).toBe(413);
    expect(res.body.message).toBe('Tệp vượt quá dung lượng cho phép (tối đa 1 MB). Không có gì được lưu.');
    expect(await materialRows()).toEqual(before);
    expect(filesUnder(filesDir).length).toBe(filesBefore);
    expect(filesUnder(tmp).length).toBe(tmpBefore);
  });

  it('keeps a name with ../ and control characters (bidi override, tab) safe: cleaned for display, never used as the storage key', async () => {
    const res = await uploadMaterial(lec, fx.session.id, topic.id, pdfBytes('x'), '../../etc/Tài\u202e liệu\t mật.pdf');
    expect(res.status).toBe(303);
    const row = (await materialRows()).at(-1)!;
    expect(row.original_name).toBe('Tài liệu mật.pdf');
    expect(row.storage_key).toBe(`materials/${fx.session.id}/${row.id}`);
    expect(filesUnder(filesDir).every((f) => f.startsWith(join(filesDir, 'materials')))).toBe(true);
    const page = await lec.get(`/sessions/${fx.session.id}/topics/${topic.id}`).expect(200);
    expect(pageText(page.text)).toContain('Tài liệu mật.pdf');
  });

  it('keeps old versions listed when a new version is uploaded', async () => {
    const v2 = pdfBytes('phiên bản 2');
    const res = await uploadMaterial(lec, fx.session.id, topic.id, v2, 'Bài giảng chuyên đề 1 (sửa).pdf', { seriesId: firstId });
    expect(res.status).toBe(303);
    const series = (await materialRows()).filter((r) => r.series_id === firstId);
    expect(series.map((r) => [r.version, r.original_name, r.title])).toEqual([
      [1, 'Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf', 'Bài giảng chuyên đề 1 – Chính quyền địa phương'],
      [2, 'Bài giảng chuyên đề 1 (sửa).pdf', 'Bài giảng chuyên đề 1 – Chính quyền địa phương'],
    ]);
    const page = await lec.get(`/sessions/${fx.session.id}/topics/${topic.id}`).expect(200);
    const text = pageText(page.text);
    expect(text).toContain('phiên bản 2');
    expect(text).toContain('Phiên bản cũ (1)');
    expect(page.text).toContain(`/sessions/${fx.session.id}/materials/${firstId}`);
    const api = await lec.get(`/api/v1/topics/${topic.id}/materials`).expect(200);
    expect(api.body.filter((m: { seriesId: string }) => m.seriesId === firstId).map((m: { version: number }) => m.version)).toEqual([2, 1]);
    // The old version is still downloadable, byte for byte.
    const old = await org.get(`/sessions/${fx.session.id}/materials/${firstId}`).buffer(true).parse(binaryParser).expect(200);
    expect(sha(old.body as Buffer)).toBe(sha(pdfBytes('Bài giảng')));
  });

  it('adds nothing when the same file comes twice (a double tap, a retry): no second material, no new version, no stored file', async () => {
    const before = await materialRows();
    const files = filesUnder(filesDir).length;
    const current = pdfBytes('phiên bản 2');
    for (const fields of [{}, { seriesId: firstId }] as Record<string, string>[]) {
      const res = await uploadMaterial(lec, fx.session.id, topic.id, current, 'Bài giảng chuyên đề 1 (sửa).pdf', fields);
      expect(res.status).toBe(303);
      expect(pageText((await lec.get(res.headers.location)).text)).toContain('Tệp này đã có trong tài liệu của chuyên đề: "Bài giảng chuyên đề 1 – Chính quyền địa phương" (phiên bản 2). Không tải lên lại.');
    }
    expect(await materialRows()).toEqual(before);
    expect(filesUnder(filesDir)).toHaveLength(files);
    // Two uploads of a new file at the same moment: one material.
    const fresh = pdfBytes('sơ đồ tổ chức');
    const both = await Promise.all([1, 2].map(() => uploadMaterial(lec, fx.session.id, topic.id, fresh, 'So do.pdf')));
    expect(both.map((r) => r.status)).toEqual([303, 303]);
    const added = (await materialRows()).filter((r) => !before.some((b) => b.id === r.id));
    expect(added.map((r) => [r.original_name, r.version])).toEqual([['So do.pdf', 1]]);
    expect(filesUnder(filesDir)).toHaveLength(files + 1);
    // The same file under another topic is that topic's material.
    expect((await uploadMaterial(org, fx.session.id, otherTopic.id, fresh, 'So do.pdf')).status).toBe(303);
    expect((await materialRows()).filter((r) => r.sha256 === sha(fresh))).toHaveLength(2);
    await t.query(`DELETE FROM materials WHERE sha256 = $1`, [sha(fresh)]);
  });

  it("refuses a lecturer uploading to or downloading another lecturer's topic (403)", async () => {
    const before = await materialRows();
    const res = await uploadMaterial(lec, fx.session.id, otherTopic.id, pdfBytes(), 'khong-duoc.pdf');
    expect(res.status).toBe(403);
    expect(pageText(res.text)).toContain('Bạn chỉ được tải tài liệu lên cho chuyên đề mình phụ trách.');
    expect(await materialRows()).toEqual(before);
    const other = t.agent();
    await login(other, otherLecturer.login, otherLecturer.password);
    expect((await other.get(`/sessions/${fx.session.id}/materials/${firstId}`)).status).toBe(403);
    expect((await other.get(`/api/v1/materials/${firstId}/download`)).status).toBe(403);
  });

  it('lets an enrolled trainee download; a cancelled enrolment, a stranger and an anonymous caller are refused', async () => {
    const enrolled = await createTraineeFixture(t);
    await enrollFixture(t, fx.session.id, enrolled.id, 'registered');
    await t.app.get(UsersService).create({ fullName: enrolled.fullName, phone: '0912000201', role: 'trainee', password: 'trainee-pass-1' }, null, undefined, enrolled.id);
    const cancelled = await createTraineeFixture(t);
    await enrollFixture(t, fx.session.id, cancelled.id, 'cancelled');
    await t.app.get(UsersService).create({ fullName: cancelled.fullName, phone: '0912000202', role: 'trainee', password: 'trainee-pass-2' }, null, undefined, cancelled.id);
    const stranger = await createUser(t, 'trainee');

    const a = t.agent();
    await login(a, '0912000201', 'trainee-pass-1');
    const ok = await a.get(`/sessions/${fx.session.id}/materials/${firstId}`).buffer(true).parse(binaryParser).expect(200);
    expect((ok.body as Buffer).length).toBe(pdfBytes('Bài giảng').length);
    const agenda = await a.get(`/sessions/${fx.session.id}/agenda`).expect(200);
    expect(agenda.text).toContain(`/sessions/${fx.session.id}/materials/`);

    const b = t.agent();
    await login(b, '0912000202', 'trainee-pass-2');
    expect((await b.get(`/sessions/${fx.session.id}/materials/${firstId}`)).status).toBe(403);
    const c = t.agent();
    await login(c, stranger.login, stranger.password);
    expect((await c.get(`/api/v1/materials/${firstId}/download`)).status).toBe(403);
    expect((await t.agent().get(`/api/v1/materials/${firstId}/download`)).status).toBe(401);
    // A trainee cannot upload at all.
    const token = await csrfToken(a);
    expect((await a.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', pdfBytes(), 'x.pdf')).status).toBe(403);
  });

  it('builds the offline ZIP: agenda PDF, every current material with matching checksums, SHA256SUMS', async () => {
    // A material of the other topic, uploaded by the organiser (who may upload for any topic).
    const odp = pdfBytes('tài liệu chuyên đề 2');
    expect((await uploadMaterial(org, fx.session.id, otherTopic.id, odp, 'Công tác dân tộc.pdf')).status).toBe(303);
    const res = await org.get(`/sessions/${fx.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const entries = await readZip(res.body as Buffer);
    const names = entries.map((e) => e.name);
    expect(names[0]).toBe('Chuong-trinh.pdf');
    expect(names.at(-1)).toBe('SHA256SUMS.txt');
    const current = await t.query<{ original_name: string; sha256: string; size: string; topic_title: string }>(
      `SELECT DISTINCT ON (m.series_id) m.original_name, m.sha256, m.size::text, t.title AS topic_title FROM materials m JOIN topics t ON t.id = m.topic_id ORDER BY m.series_id, m.version DESC`,
    );
    expect(current).toHaveLength(5);
    const materialEntries = entries.filter((e) => e.name.startsWith('Tai-lieu/'));
    expect(materialEntries).toHaveLength(5);
    for (const m of current) {
      const e = materialEntries.find((x) => x.name.endsWith(`/${m.original_name}`) && x.name.includes(m.topic_title));
      expect(e).toBeDefined();
      expect(e!.sha256).toBe(m.sha256);
      expect(String(e!.size)).toBe(m.size);
    }
    // Version 1 of the revised material is not in the package: only the current version.
    expect(names.some((n) => n.endsWith('/Bài giảng chuyên đề 1 – Chính quyền địa phương.pdf'))).toBe(false);
    const sums = entries.find((e) => e.name === 'SHA256SUMS.txt')!.data.toString('utf8').trim().split('\n');
    expect(sums).toHaveLength(5);
    for (const line of sums) {
      const [hash, name] = [line.slice(0, 64), line.slice(66)];
      expect(entries.find((e) => e.name === name)!.sha256).toBe(hash);
    }
    const pdf = await pdfText(entries[0].data);
    expect(pdf).toContain('CHƯƠNG TRÌNH');
    expect(pdf).toContain('Lớp tập huấn có tài liệu');
    expect(pdf).toContain('Chính quyền địa phương hai cấp');
    expect(pdf).toContain('Báo cáo viên: Nguyễn Văn Thành');
  });

  it('cuts long topic titles for the ZIP folders without leaving a trailing space or dot (Windows refuses them)', async () => {
    const [{ title }] = await t.query<{ title: string }>(`SELECT title FROM topics WHERE id = $1`, [otherTopic.id]);
    const long = 'Công tác dân tộc '.repeat(5).slice(0, 79) + ' và tôn giáo ở cơ sở';
    expect(long[79]).toBe(' ');
    await t.query(`UPDATE topics SET title = $1 WHERE id = $2`, [long, otherTopic.id]);
    try {
      const res = await org.get(`/sessions/${fx.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200);
      const folders = [...new Set((await readZip(res.body as Buffer)).map((e) => e.name.split('/').slice(0, -1).join('/')).filter(Boolean))];
      const cut = folders.find((f) => f.includes('Công tác dân tộc Công tác'))!;
      expect(cut).toBe(`Tai-lieu/02 ${long.slice(0, 79)}`);
      for (const f of folders) for (const part of f.split('/')) expect(part).not.toMatch(/[ .]$/);
    } finally {
      await t.query(`UPDATE topics SET title = $1 WHERE id = $2`, [title, otherTopic.id]);
    }
  });

  it('gives a lecturer an offline ZIP with only the materials they may download', async () => {
    const res = await lec.get(`/sessions/${fx.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200);
    const names = (await readZip(res.body as Buffer)).map((e) => e.name).filter((n) => n.startsWith('Tai-lieu/'));
    expect(names).toHaveLength(4);
    expect(names.every((n) => n.includes('Chính quyền địa phương hai cấp'))).toBe(true);
  });

  it('refuses a DOCX zip bomb, a lying ZIP directory and a ZIP that is not really a DOCX (nothing stored); a normal DOCX still uploads', async () => {
    const before = await materialRows();
    const filesBefore = filesUnder(filesDir).length;
    const tmp = join(require('node:os').tmpdir(), 'taphuan-uploads');
    const tmpBefore = filesUnder(tmp).length;
    // 300 MB of zeros behind a real DOCX skeleton: about 300 KB on the wire, under the 1 MB upload limit.
    const bomb = await buildZip([...DOCX_SKELETON, { name: 'word/media/image1.bin', data: zeros(300 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const page = await uploadMaterial(lec, fx.session.id, topic.id, bomb, 'Bài giảng.docx');
    expect(page.status).toBe(303); // back to the topic page, with the reason
    expect(pageText((await lec.get(page.headers.location)).text)).toContain('nghi là "bom nén"');
    const token = await csrfToken(lec);
    const api = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', bomb, 'Bài giảng.docx');
    expect(api.status).toBe(422);
    expect(api.body).toMatchObject({ statusCode: 422, message: expect.stringContaining('Không có gì được lưu.') });
    // The directory says 64 KB; the entry inflates to 2 MB: stopped at the declared size.
    const honest = await buildZip([...DOCX_SKELETON, { name: 'word/media/image1.bin', data: zeros(2 * 1024 * 1024) }]);
    const lying = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', withDeclaredSize(honest, 'word/media/image1.bin', 64 * 1024), 'lying.docx');
    expect(lying.status).toBe(422);
    // The local header says [Content_Types].xml (so the type sniffer sees a DOCX); the central directory does not.
    const docx = await buildZip(DOCX_SKELETON);
    const notDocx = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', token).attach('file', withCentralName(docx, '[Content_Types].xml', '[Content_Types].xmL'), 'gia.docx');
    expect(notDocx.status).toBe(415);
    expect(notDocx.body.message).toContain('không phải tài liệu Word, PowerPoint, Excel hoặc OpenDocument hợp lệ');
    expect(await materialRows()).toEqual(before);
    expect(filesUnder(filesDir).length).toBe(filesBefore);
    expect(filesUnder(tmp).length).toBe(tmpBefore);

    const ok = await uploadMaterial(lec, fx.session.id, topic.id, docx, 'Đề cương.docx');
    expect(ok.status).toBe(303);
    const last = (await materialRows()).at(-1)!;
    expect(last).toMatchObject({ original_name: 'Đề cương.docx', content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', sha256: sha(docx) });
    expect(readFileSync(join(filesDir, last.storage_key))).toEqual(docx);
  });

  it('refuses uploads to a cancelled session (409), nothing stored', async () => {
    const token = await csrfToken(org);
    await org.post(`/api/v1/sessions/${fx.session.id}/status`).set('x-csrf-token', token).send({ status: 'cancelled', reason: 'Hoãn lớp.' }).expect(200);
    const before = await materialRows();
    const res = await lec.post(`/api/v1/topics/${topic.id}/materials`).set('x-csrf-token', await csrfToken(lec)).attach('file', pdfBytes(), 'muon.pdf');
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('Lớp tập huấn đã bị hủy, không thể chỉnh sửa.');
    expect(await materialRows()).toEqual(before);
  });

  describe('a refused upload on a topic page (two forms: the upload and, for organisers, the topic itself)', () => {
    it('keeps the typed title in the upload form, and leaves the topic form as it was (its title, its lecturers ticked)', async () => {
      const fx3 = await createSessionFixture(t, { title: 'Lớp sửa chuyên đề', status: 'published' });
      const tp = await createTopicFixture(t, fx3.session.id, { title: 'Chuyển đổi số cấp xã', lecturers: [lecturer.user as User, otherLecturer.user as User] });
      const res = await uploadMaterial(org, fx3.session.id, tp.id, Buffer.from('MZ\x90\x00 this is no document'), 'bai-giang.pdf', { title: 'Bài giảng chuyển đổi số (bản cuối)' });
      expect(res.status).toBe(303);
      const html = (await org.get(res.headers.location).expect(200)).text;
      expect(pageText(html)).toContain('Nội dung tệp không phải loại được chấp nhận');
      const formOf = (id: string) => html.slice(html.indexOf(`id="${id}"`), html.indexOf('</form>', html.indexOf(`id="${id}"`)));
      expect(formOf('upload-form')).toContain('value="Bài giảng chuyển đổi số (bản cuối)"');
      const topicForm = formOf('topic-form');
      expect(topicForm).toContain('value="Chuyển đổi số cấp xã"');
      expect(topicForm).not.toContain('Bài giảng chuyển đổi số');
      expect(topicForm).toContain(`value="${lecturer.user.id}" checked`);
      expect(topicForm).toContain(`value="${otherLecturer.user.id}" checked`);

      // The other way round: a refused edit of the topic refills the topic form only.
      const url = `/sessions/${fx3.session.id}/topics/${tp.id}`;
      const edit = await submitForm(org, url, url, { kind: 'topic', title: 'Chuyển đổi số cấp xã (sửa)', sittingId: fx3.sittings[0].id, startTime: '25:99', endTime: '09:00', lecturerIds: lecturer.user.id });
      expect(edit.status).toBe(303);
      const again = (await org.get(edit.headers.location).expect(200)).text;
      const formIn = (id: string) => again.slice(again.indexOf(`id="${id}"`), again.indexOf('</form>', again.indexOf(`id="${id}"`)));
      expect(formIn('topic-form')).toContain('value="Chuyển đổi số cấp xã (sửa)"');
      expect(formIn('topic-form')).not.toContain(`value="${otherLecturer.user.id}" checked`);
      expect(formIn('upload-form')).toContain('<input id="material-title" name="title" maxlength="500" value="">');
    });
  });

  describe('a download given up halfway (a weak connection at the venue)', () => {
    it('closes the stored file when the trainee goes away in the middle of a material or of the offline ZIP', async () => {
      const fx5 = await createSessionFixture(t, { title: 'Lớp tải dở', status: 'published' });
      const tp = await createTopicFixture(t, fx5.session.id, { title: 'Bài giảng lớn', lecturers: [lecturer.user as User] });
      expect((await uploadMaterial(lec, fx5.session.id, tp.id, pdfBytes('lớn'), 'Bài giảng lớn.pdf')).status).toBe(303);
      const [m] = await t.query<{ id: string; storage_key: string }>(`SELECT m.id, m.storage_key FROM materials m JOIN topics t ON t.id = m.topic_id WHERE t.session_id = $1`, [fx5.session.id]);
      // 24 MB of slides (more than the upload limit of this spec, so written to the storage directly), incompressible.
      const big = join(filesDir, m.storage_key);
      writeFileSync(big, Buffer.concat([pdfBytes('lớn'), randomBytes(24 * 1024 * 1024)]));
      await t.query(`UPDATE materials SET size = $1 WHERE id = $2`, [statSync(big).size, m.id]);
      const tr = await createTraineeFixture(t, { fullName: 'Thào A Dính' });
      await enrollFixture(t, fx5.session.id, tr.id, 'confirmed');
      await t.app.get(UsersService).create({ fullName: tr.fullName, phone: '0912000298', role: 'trainee', password: 'trainee-pass-8' }, null, undefined, tr.id);
      const signedIn = await login(t.agent(), '0912000298', 'trainee-pass-8');
      const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
      const server = t.app.getHttpServer();
      if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const openHandles = () => readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === big;
        } catch {
          return false;
        }
      });
      /** Reads the first 256 KB of the answer, then drops the connection, as a phone losing its signal. */
      const giveUp = (path: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpGet({ host: '127.0.0.1', port, path, headers: { cookie } }, (res) => {
            let got = 0;
            res.on('data', (c: Buffer) => {
              got += c.length;
              if (got > 256 * 1024) {
                req.destroy();
                resolve(res.statusCode!);
              }
            });
            res.on('error', () => undefined);
          });
          req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        });
      const settle = () => new Promise((r) => setTimeout(r, 500));

      expect(await giveUp(`/sessions/${fx5.session.id}/materials/${m.id}`)).toBe(200);
      await settle();
      expect(openHandles()).toEqual([]);
      expect(await giveUp(`/sessions/${fx5.session.id}/offline.zip`)).toBe(200);
      await settle();
      expect(openHandles()).toEqual([]);
    });
  });

  describe('long names in the offline ZIP (Windows Explorer refuses paths over 260 characters)', () => {
    it('shortens a long file name inside the ZIP, keeping its start and its extension, so that the path fits', async () => {
      const fx6 = await createSessionFixture(t, { title: 'Lớp tên tệp dài', status: 'published' });
      const tp = await createTopicFixture(t, fx6.session.id, { title: 'Tổ chức chính quyền địa phương hai cấp theo Luật Tổ chức chính quyền địa phương năm 2025 sửa đổi', lecturers: [lecturer.user as User] });
      const long = `Bài giảng chuyên đề 1 - Tổ chức chính quyền địa phương hai cấp theo Luật năm 2025 - ${'phần trình bày chi tiết '.repeat(4)}- bản cuối.pdf`;
      expect(long.length).toBeGreaterThan(180);
      expect(long.length).toBeLessThanOrEqual(200); // the longest name kept whole at upload
      const bytes = pdfBytes('tên dài');
      expect((await uploadMaterial(lec, fx6.session.id, tp.id, bytes, long)).status).toBe(303);
      const res = await lec.get(`/sessions/${fx6.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200);
      const entries = await readZip(res.body as Buffer);
      const file = entries.find((e) => e.name.startsWith('Tai-lieu/'))!;
      expect(file.sha256).toBe(sha(bytes));
      expect(file.name.length).toBeLessThanOrEqual(180);
      const base = file.name.split('/').pop()!;
      expect(base.startsWith('Bài giảng chuyên đề 1 - Tổ chức chính quyền')).toBe(true);
      expect(base).toMatch(/[^ .]\.pdf$/);
      expect(entries.find((e) => e.name === 'SHA256SUMS.txt')!.data.toString('utf8')).toContain(`${sha(bytes)}  ${file.name}`);
      // The download of the material itself keeps the whole name.
      const [m] = await t.query<{ id: string }>(`SELECT m.id FROM materials m JOIN topics t ON t.id = m.topic_id WHERE t.session_id = $1`, [fx6.session.id]);
      const one = await lec.get(`/sessions/${fx6.session.id}/materials/${m.id}`).buffer(true).parse(binaryParser).expect(200);
      expect(one.headers['content-disposition']).toContain(encodeURIComponent(long).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
    });

    it('renames a file called like a Windows device (CON.pdf) in the ZIP and on upload, which Explorer would not extract', async () => {
      const fx7 = await createSessionFixture(t, { title: 'Lớp tên thiết bị', status: 'published' });
      const tp = await createTopicFixture(t, fx7.session.id, { lecturers: [lecturer.user as User] });
      const bytes = pdfBytes('con');
      expect((await uploadMaterial(lec, fx7.session.id, tp.id, bytes, 'CON.pdf')).status).toBe(303);
      const [m] = await t.query<{ id: string; original_name: string }>(`SELECT m.id, m.original_name FROM materials m WHERE m.topic_id = $1`, [tp.id]);
      expect(m.original_name).toBe('_CON.pdf');
      // A name stored before this rule: the ZIP renames it all the same.
      await t.query(`UPDATE materials SET original_name = 'nul.pdf' WHERE id = $1`, [m.id]);
      const entries = await readZip((await lec.get(`/sessions/${fx7.session.id}/offline.zip`).buffer(true).parse(binaryParser).expect(200)).body as Buffer);
      expect(entries.find((e) => e.name.startsWith('Tai-lieu/'))!.name.split('/').pop()).toBe('_nul.pdf');
    });
  });

  describe('a stored file gone (removed from the disk or the bucket) while its material is listed', () => {
    let sid: string;
    let gone: { id: string; storage_key: string; original_name: string };
    let kept: { id: string; storage_key: string; original_name: string; sha256: string };
    let trainee: ReturnType<TestApp['agent']>;

    beforeAll(async () => {
      const fx2 = await createSessionFixture(t, { title: 'Lớp có tệp bị mất', status: 'published' });
      sid = fx2.session.id;
      const tp = await createTopicFixture(t, sid, { title: 'Quản lý đất đai cấp xã', lecturers: [lecturer.user as User] });
      expect((await uploadMaterial(lec, sid, tp.id, pdfBytes('mất'), 'Bài giảng đất đai.pdf')).status).toBe(303);
      expect((await uploadMaterial(lec, sid, tp.id, pdfBytes('còn'), 'Phụ lục biểu mẫu.pdf')).status).toBe(303);
      const rows = await t.query<{ id: string; storage_key: string; original_name: string; sha256: string }>(
        `SELECT m.id, m.storage_key, m.original_name, m.sha256 FROM materials m JOIN topics t ON t.id = m.topic_id WHERE t.session_id = $1 ORDER BY m.created_at`,
        [sid],
      );
      [gone, kept] = rows;
      const tr = await createTraineeFixture(t, { fullName: 'Giàng Thị Mỷ' });
      await enrollFixture(t, sid, tr.id, 'confirmed');
      await t.app.get(UsersService).create({ fullName: tr.fullName, phone: '0912000299', role: 'trainee', password: 'trainee-pass-9' }, null, undefined, tr.id);
      trainee = t.agent();
      await login(trainee, '0912000299', 'trainee-pass-9');
      rmSync(join(filesDir, gone.storage_key));
    });

    it('answers the download of the lost file with a 404 in Vietnamese, not a 500', async () => {
      const res = await trainee.get(`/sessions/${sid}/materials/${gone.id}`).set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(pageText(res.text)).toContain('Tệp của tài liệu này không còn trên máy chủ');
      expect((await trainee.get(`/sessions/${sid}/materials/${kept.id}`).buffer(true).parse(binaryParser)).status).toBe(200);
    });

    it('still builds the offline ZIP with the other files, and says which file is missing', async () => {
      const res = await trainee.get(`/sessions/${sid}/offline.zip`).buffer(true).parse(binaryParser).timeout(20000);
      expect(res.status).toBe(200);
      const entries = await readZip(res.body as Buffer);
      const names = entries.map((e) => e.name);
      expect(names.some((n) => n.endsWith(`/${kept.original_name}`))).toBe(true);
      expect(names.some((n) => n.endsWith(`/${gone.original_name}`))).toBe(false);
      const note = entries.find((e) => e.name === 'Tai-lieu-thieu.txt');
      expect(note?.data.toString('utf8')).toContain(gone.original_name);
      const sums = entries.find((e) => e.name === 'SHA256SUMS.txt')!.data.toString('utf8');
      expect(sums).toContain(kept.sha256);
      expect(sums).not.toContain(gone.original_name);
    });

    it('ends the ZIP download (no hang, no crash) when a file vanishes while the ZIP is being sent; the app keeps serving', async () => {
      const storage = t.app.get(StorageService);
      const open = storage.open.bind(storage);
      const spy = jest.spyOn(storage, 'open').mockImplementation((key: string) => (key === kept.storage_key ? Promise.reject(new StorageNotFoundError(key)) : open(key)));
      try {
        const outcome = await trainee
          .get(`/sessions/${sid}/offline.zip`)
          .buffer(true)
          .parse(binaryParser)
          .timeout(20000)
          .then(
            (r) => `status ${r.status}`,
            (e: Error & { timeout?: number }) => (e.timeout ? 'timeout' : 'aborted'),
          );
        expect(outcome).toBe('aborted');
      } finally {
        spy.mockRestore();
      }
      expect((await trainee.get(`/sessions/${sid}/agenda`)).status).toBe(200);
    });
  });
});
