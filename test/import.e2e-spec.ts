import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { randomBytes } from 'node:crypto';
import { INVITATION_QUEUE } from '../src/enrollments/invitations.service';
import { ImportRepository } from '../src/import/import.repository';
import { bootApp, TestApp } from './support/app';
import { createUser } from './support/factories';
import { createSessionFixture, createTraineeFixture } from './support/fixtures';
import { binary, csrfFrom, login, pageText, submitForm } from './support/http';
import { MESSY, messyWorkbook, toWindows1258 } from './support/import-files';
import { buildZip, readZip, zeros } from './support/zip';

type Agent = ReturnType<TestApp['agent']>;

/** Uploads a file through the wizard's multipart form; returns the batch id (or the redirect when refused). */
async function upload(agent: Agent, sessionId: string, content: Buffer, name: string) {
  const page = await agent.get(`/sessions/${sessionId}/import`).expect(200);
  const res = await agent.post(`/sessions/${sessionId}/import?_csrf=${encodeURIComponent(csrfFrom(page.text))}`).attach('file', content, name);
  expect(res.status).toBe(303);
  const m = res.headers.location.match(/^\/import\/([0-9a-f-]{36})\/mapping$/);
  return { batchId: m?.[1], location: res.headers.location as string };
}

const SYL = ['An', 'Bình', 'Chiến', 'Dũng', 'Giang', 'Hải', 'Khánh', 'Linh', 'Minh', 'Nam', 'Oanh', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Uyên', 'Việt', 'Xuân', 'Yên', 'Đức'];

/** Person `i` of `bigCsv`: STT, name, birth date, gender, ethnic group, commune, province, phone, national ID. */
const bigRow = (i: number) => [String(i + 1), `Lò ${SYL[i % 20]} ${SYL[Math.floor(i / 20) % 20]} ${SYL[Math.floor(i / 400) % 20]}`, `${String(1 + (i % 28)).padStart(2, '0')}/${String(1 + (i % 12)).padStart(2, '0')}/${1965 + (i % 35)}`, i % 2 ? 'Nữ' : 'Nam', 'Thái', 'Xã Sin Suối Hồ', 'Lai Châu', `097${String(7000000 + i)}`, `0120${80000000 + i}`];

/** `count` people of Xã Sin Suối Hồ as a CSV list, each with a name, birth date, phone and national ID of their own; `edit` changes rows by index. */
function bigCsv(count: number, edit: (i: number, row: string[]) => void = () => undefined): Buffer {
  const lines = ['DANH SÁCH HỌC VIÊN', '', 'STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Đơn vị công tác,Tỉnh,Số điện thoại,Số CCCD'];
  for (let i = 0; i < count; i++) {
    const row = bigRow(i);
    edit(i, row);
    lines.push(row.join(','));
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** What a commit writes in the audit trail (the job worker meanwhile records the invitations it delivers for other tests). */
const IMPORT_AUDIT = `SELECT 1 FROM audit_log WHERE action IN ('trainee.import', 'enrollment.add', 'enrollment.reactivate', 'import.commit')`;

describe('import of commune lists (XLSX, CSV)', () => {
  let t: TestApp;
  let agent: Agent;
  let organiserId: string;

  beforeAll(async () => {
    t = await bootApp();
    const organiser = await createUser(t, 'organiser');
    organiserId = organiser.user.id;
    agent = t.agent();
    await login(agent, organiser.login, organiser.password);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The error report's lines (row, column, value, problem, level) of each sheet, the header left out. */
  const reportLines = async (batchId: string) => {
    const res = await agent.get(`/import/${batchId}/errors.xlsx`).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as Buffer as unknown as ArrayBuffer);
    const sheets = wb.worksheets.map((ws) => {
      const lines: unknown[][] = [];
      ws.eachRow((r, n) => n > 1 && lines.push((r.values as unknown[]).slice(1)));
      return lines;
    });
    return { errors: sheets[0], result: wb.worksheets[1] ? [wb.worksheets[1].getRow(1).values, ...sheets[1]].map((l) => (l as unknown[]).filter((v) => v !== undefined)) : undefined };
  };

  it('reads a messy province file: title block, guessed mapping, old communes, aliases, every row problem with its row number', async () => {
    const { session } = await createSessionFixture(t, { capacity: 300 });
    const file = await messyWorkbook();
    const { batchId } = await upload(agent, session.id, file, 'Danh sách Lai Châu.xlsx');
    expect(batchId).toBeDefined();
    const [batch] = await t.query<{ header_row: number; mapping: Record<string, number>; rows: unknown[] }>(`SELECT header_row, mapping, rows FROM import_batches WHERE id = $1`, [batchId]);
    expect(batch.mapping).toEqual({ fullName: 1, dateOfBirth: 2, gender: 3, ethnicGroup: 4, position: 5, workplace: 6, province: 7, phone: 8, email: 9, nationalId: 10 });

    const mapping = await agent.get(`/import/${batchId}/mapping`).expect(200);
    expect(pageText(mapping.text)).toContain('Chọn cột cho từng thông tin');
    // The samples of a column: a date cell as it was typed (dd/mm/yyyy), like the text dates next to it.
    expect(pageText(mapping.text)).toContain('Ngày sinh (vd: (3) · 12/03/1985 · 20/05/1990)');
    expect(mapping.text).toMatch(/<select id="map-fullName" name="fullName">[\s\S]*?<option value="1" selected>Họ và tên/);
    const posted = await submitForm(agent, `/import/${batchId}/mapping`, `/import/${batchId}/mapping`, { fullName: '1', dateOfBirth: '2', gender: '3', ethnicGroup: '4', position: '5', workplace: '6', province: '7', phone: '8', email: '9', nationalId: '10' });
    expect(posted.headers.location).toBe(`/import/${batchId}/preview`);

    const preview = await agent.get(`/import/${batchId}/preview`).expect(200);
    const text = pageText(preview.text);
    expect(text).toContain('13 dòng');
    expect(text).toContain('4 mới');
    expect(text).toContain('1 cần chọn xã');
    expect(text).toContain('8 lỗi');
    expect(text).toContain('Xã Thèn Sin, Huyện Tam Đường (cũ) → Xã Sin Suối Hồ');
    expect(text).toContain('Xã Bản Hon, Huyện Tam Đường (cũ) → Xã Khun Há');
    expect(text).toContain("H'Mông → dân tộc Mông");
    expect(text).toContain('dùng giá trị đã tính: Lò Văn Công');
    for (const [row, message] of Object.entries(MESSY.errors)) {
      const tr = preview.text.match(new RegExp(`<tr class="row-error" data-row="${row}">([\\s\\S]*?)</tr>`));
      expect(tr && pageText(tr[1])).toContain(message);
    }
    const review = preview.text.match(/<tr class="row-review" data-row="13">([\s\S]*?)<\/tr>/)![1];
    expect(pageText(review)).toContain('Cần chọn xã cho "Nam Cha"');
    expect(review).toContain('value="03472"');
    expect(review).toContain('value="03517"');
    expect(await t.query(`SELECT 1 FROM trainees`)).toHaveLength(0);

    // The error report as XLSX: row, column, value, problem.
    const report = await agent.get(`/import/${batchId}/errors.xlsx`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(report.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.body as Buffer as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, 'Dòng', 'Cột', 'Giá trị', 'Vấn đề', 'Mức độ']);
    const lines: unknown[][] = [];
    ws.eachRow((r, n) => n > 1 && lines.push((r.values as unknown[]).slice(1)));
    expect(lines).toContainEqual([15, 'Ngày sinh', '31/02/1988', 'Ngày sinh không tồn tại.', 'Lỗi']);
    expect(lines).toContainEqual([17, 'Ngày sinh', '12/03/85', 'Năm sinh phải đủ 4 chữ số (không nhận năm 2 chữ số).', 'Lỗi']);
    expect(lines).toContainEqual([18, 'Số điện thoại', '09l2abc345', 'Số điện thoại có chữ cái.', 'Lỗi']);
    expect(lines.some((l) => l[0] === 13 && l[4] === 'Cần chọn')).toBe(true);

    // Commit is refused while a row waits for a commune choice, then while rows have errors.
    let res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
    expect(res.status).toBe(303);
    let back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Còn 1 dòng cần chọn xã, phường trước khi nhập.');
    res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r13]': '03472' });
    back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('0 cần chọn xã');
    res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
    back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Còn 8 dòng có lỗi.');
    expect(await t.query(`SELECT 1 FROM trainees`)).toHaveLength(0);

    // With errors left out: all valid rows created and enrolled.
    res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
    expect(res.headers.location).toBe(`/sessions/${session.id}/enrollments`);
    const list = await agent.get(res.headers.location).expect(200);
    expect(pageText(list.text)).toContain('Đã nhập: 5 học viên mới, 0 học viên đã có trong danh bạ; 5 học viên được thêm vào lớp; bỏ qua 8 dòng lỗi.');
    const people = await t.query<Record<string, string | number | null>>(
      `SELECT t.full_name, t.date_of_birth::text AS dob, t.birth_year, t.gender, t.ethnic_group_code, t.commune_code, t.province_code, t.phone, t.national_id
         FROM trainees t JOIN enrollments e ON e.trainee_id = t.id WHERE e.session_id = $1 ORDER BY t.phone`,
      [session.id],
    );
    expect(people).toEqual([
      { full_name: 'Lò Văn Pành', dob: '1985-03-12', birth_year: 1985, gender: 'male', ethnic_group_code: '03', commune_code: '03394', province_code: '12', phone: '0912000001', national_id: '012085000001' },
      { full_name: 'Vàng A Sử', dob: '1990-05-20', birth_year: 1990, gender: 'male', ethnic_group_code: '08', commune_code: '03394', province_code: '12', phone: '0912000002', national_id: '012090000002' },
      { full_name: 'Tẩn Thị Mẩy', dob: null, birth_year: 1992, gender: 'female', ethnic_group_code: '09', commune_code: '03430', province_code: '12', phone: '0912000003', national_id: null },
      { full_name: 'Lù Thị Dung', dob: '1990-05-07', birth_year: 1990, gender: 'female', ethnic_group_code: expect.any(String), commune_code: '03472', province_code: '12', phone: '0912000004', national_id: null },
      { full_name: 'Lò Văn Công', dob: '1987-06-05', birth_year: 1987, gender: 'male', ethnic_group_code: '03', commune_code: '03390', province_code: '12', phone: '0912000012', national_id: null },
    ]);
    const [{ n: audited }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'trainee.import'`);
    expect(audited).toBe(5);
    // Each new record's audit entry: who, from which file, and the values as stored.
    const [entry] = await t.query<{ actor_id: string; note: string; old_value: unknown; new_value: Record<string, unknown> }>(
      `SELECT a.actor_id, a.note, a.old_value, a.new_value FROM audit_log a JOIN trainees t ON a.entity_id = t.id::text WHERE a.action = 'trainee.import' AND t.phone = '0912000001'`,
    );
    expect(entry).toEqual({
      actor_id: organiserId,
      note: `Nhập từ tệp Danh sách Lai Châu.xlsx (lần nhập ${batchId})`,
      old_value: null,
      new_value: { fullName: 'Lò Văn Pành', gender: 'male', dateOfBirth: '1985-03-12', birthYear: 1985, ethnicGroupCode: '03', position: expect.any(String), workplace: expect.any(String), communeCode: '03394', provinceCode: '12', phone: '0912000001', email: 'panh@example.vn', nationalId: '012085000001' },
    });
    // A committed batch cannot be committed twice.
    res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
    back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Lượt nhập này đã được thực hiện.');
    // The preview of a committed batch tells what the commit did; its rows are not matched again (the directory
    // now holds the people it created, who would all read "already in the directory").
    const [{ result }] = await t.query<{ result: { created: number; matched: number; enrolled: number; skipped: number } }>(`SELECT result FROM import_batches WHERE id = $1`, [batchId]);
    const done = pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(done).toContain(`${result.created} hồ sơ mới, ${result.matched} người đã có trong danh bạ, ${result.enrolled} người được thêm vào lớp, bỏ qua ${result.skipped} dòng lỗi.`);
    expect(done).not.toContain('Nhập vào lớp');
    expect(done).not.toContain('sẽ dùng hồ sơ này');
  });

  it('commits all or nothing: a capacity failure after the trainees were written leaves no trace', async () => {
    const { session } = await createSessionFixture(t, { capacity: 3 });
    const before = await t.query(`SELECT id FROM trainees`);
    const { batchId } = await upload(agent, session.id, await messyWorkbook(), 'ds.xlsx');
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r13]': '03472' });
    // New people in this file (the first test created the five valid rows already, so use other names).
    await t.query(`UPDATE trainees SET national_id = NULL, phone = NULL, name_search = name_search || ' x'`);
    const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
    const back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Lớp chỉ nhận tối đa 3 học viên; đã có 0, không thể thêm 5.');
    expect(await t.query(`SELECT id FROM trainees`)).toHaveLength(before.length);
    expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(0);
    expect(await t.query(`SELECT 1 FROM audit_log WHERE action = 'import.commit' AND entity_id = $1`, [session.id])).toHaveLength(0);
    const [b] = await t.query<{ status: string }>(`SELECT status FROM import_batches WHERE id = $1`, [batchId]);
    expect(b.status).toBe('uploaded');
  });

  it('refuses the commit when the picks changed after it read the batch, and writes nothing', async () => {
    const { session } = await createSessionFixture(t, { capacity: 300 });
    const { batchId } = await upload(agent, session.id, await messyWorkbook(), 'ds.xlsx');
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r13]': '03472' });
    const before = await t.query(`SELECT id FROM trainees`);
    // Another tab saves the mapping again (which clears the picks) right after this commit read the batch, before its transaction locks it.
    const batches = t.app.get(ImportRepository);
    const find = batches.findById.bind(batches);
    const spy = jest.spyOn(batches, 'findById').mockImplementationOnce(async (...args) => {
      const read = await find(...args);
      await t.query(`UPDATE import_batches SET resolutions = '{}' WHERE id = $1`, [batchId]);
      return read;
    });
    // (The form's token comes from the upload page, which does not read the batch.)
    const res = await submitForm(agent, `/sessions/${session.id}/import`, `/import/${batchId}/commit`, { skipErrors: '1' });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    const back = await agent.get(res.headers.location).expect(200);
    expect(pageText(back.text)).toContain('Cách chọn cột hoặc chọn xã vừa được thay đổi. Vui lòng xem lại bản xem trước rồi nhập.');
    expect(await t.query(`SELECT id FROM trainees`)).toHaveLength(before.length);
    expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(0);
    const [b] = await t.query<{ status: string }>(`SELECT status FROM import_batches WHERE id = $1`, [batchId]);
    expect(b.status).toBe('uploaded');
    // Committed again, it sees the row that needs a commune choice again.
    const again = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
    expect(pageText((await agent.get(again.headers.location).expect(200)).text)).toContain('Còn 1 dòng cần chọn xã, phường trước khi nhập.');
    expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(0);
  });

  it('answers the same commune question for every row at once when asked, hidden rows included, and says which hidden rows need attention', async () => {
    const { session } = await createSessionFixture(t, { capacity: 1000 });
    // 520 people from "Xã Nam Cha" (a pre-2025 name now split: a choice to make), then 10 of Sin Suối Hồ; the page shows 500 rows.
    const file = bigCsv(530, (i, row) => {
      row[1] = row[1].replace('Lò', 'Pờ');
      row[7] = `092${String(7000000 + i)}`;
      row[8] = `0160${80000000 + i}`;
      if (i < 520) row[5] = 'Xã Nam Cha';
    });
    const { batchId } = await upload(agent, session.id, file, 'nam-cha.csv');
    const page = pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(page).toContain('520 cần chọn xã');
    expect(page).toContain('… và 30 dòng khác chưa hiện, trong đó 20 dòng cần chọn xã');
    expect(page).not.toContain('dòng hợp lệ khác');
    // Row 5 is someone of the other commune, picked on its own first.
    const html = (await agent.get(`/import/${batchId}/preview`).expect(200)).text;
    const other = [...html.match(/name="pick\[r5\]"[\s\S]*?<\/select>/)![0].matchAll(/<option value="(\d{5})"/g)].map((m) => m[1]).find((c) => c !== '03472')!;
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r5]': other });
    // One row picked, "the same for every row like it" ticked: the 518 others still waiting are answered, row 5 keeps its pick.
    const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r4]': '03472', sameForAll: '1' });
    const after = pageText((await agent.get(res.headers.location).expect(200)).text);
    expect(after).toContain('Đã lưu lựa chọn xã cho 519 dòng.');
    expect(after).toContain('0 cần chọn xã');
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
    const communes = await t.query<{ commune_code: string; n: number }>(
      `SELECT t.commune_code, count(*)::int AS n FROM trainees t JOIN enrollments e ON e.trainee_id = t.id WHERE e.session_id = $1 GROUP BY 1 ORDER BY 1`,
      [session.id],
    );
    expect(communes).toEqual(
      [
        { commune_code: '03394', n: 10 },
        { commune_code: '03472', n: 519 },
        { commune_code: other, n: 1 },
      ].sort((a, b) => a.commune_code.localeCompare(b.commune_code)),
    );
  });

  it('names the sheet it read from a workbook and warns about other sheets holding a list, not about an instructions tab', async () => {
    const { session } = await createSessionFixture(t);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Hướng dẫn').getCell('A1').value = 'Ghi đầy đủ họ tên có dấu, ngày sinh dạng ngày/tháng/năm.';
    const list = (name: string, people: string[]) => {
      const ws = wb.addWorksheet(name);
      ws.getRow(1).values = ['STT', 'Họ và tên', 'Năm sinh', 'Đơn vị công tác', 'Tỉnh'];
      people.forEach((p, i) => (ws.getRow(i + 2).values = [i + 1, p, 1980 + i, 'Xã Sin Suối Hồ', 'Lai Châu']));
    };
    list('Tam Đường', ['Lò Văn Một', 'Lò Văn Hai', 'Lò Văn Ba']);
    list('Sìn Hồ', ['Pờ Thị Bốn', 'Pờ Thị Năm']);
    const { batchId } = await upload(agent, session.id, Buffer.from(await wb.xlsx.writeBuffer()), 'hai-trang.xlsx');
    const page = pageText((await agent.get(`/import/${batchId}/mapping`).expect(200)).text);
    expect(page).toContain('Tệp hai-trang.xlsx, trang tính Tam Đường: 3 dòng có nội dung dưới tiêu đề');
    expect(page).toContain('Mỗi lần nhập chỉ đọc một trang tính. Tệp còn 1 trang tính khác có danh sách: Sìn Hồ (2 dòng).');
    expect(page).not.toContain('Hướng dẫn (');
    expect(pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text)).toContain('Tệp hai-trang.xlsx, trang tính Tam Đường · 3 dòng');
  });

  it('refuses to commit from a preview whose mapping another tab changed since, and commits from the new preview', async () => {
    const { session } = await createSessionFixture(t, { capacity: 300 });
    // People of their own (the other tests' lists name Lò …, phones 097…, IDs 0120…).
    const file = bigCsv(3, (i, row) => {
      row[1] = row[1].replace('Lò', 'Đèo');
      row[7] = `093${String(7000000 + i)}`;
      row[8] = `0150${80000000 + i}`;
    });
    const { batchId } = await upload(agent, session.id, file, 'ds-3.csv');
    const all = { fullName: '1', dateOfBirth: '2', gender: '3', ethnicGroup: '4', workplace: '5', province: '6', phone: '7', nationalId: '8' };
    await submitForm(agent, `/import/${batchId}/mapping`, `/import/${batchId}/mapping`, all);
    const seen = (html: string) => html.match(/<input type="hidden" name="seen" value="([0-9a-f]{16})">/)?.[1];
    const looked = seen((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(looked).toBeDefined();
    // Another tab leaves the national ID out; this tab's preview still shows it.
    const { nationalId: _, ...withoutId } = all;
    await submitForm(agent, `/import/${batchId}/mapping`, `/import/${batchId}/mapping`, withoutId);
    const before = await t.query(`SELECT id FROM trainees`);
    const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { seen: looked! });
    expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Cách chọn cột hoặc chọn xã vừa được thay đổi. Vui lòng xem lại bản xem trước rồi nhập.');
    expect(await t.query(`SELECT id FROM trainees`)).toHaveLength(before.length);
    expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(0);
    // From the preview as it now is, the commit goes through, with what that preview showed (no national IDs).
    const now = seen((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(now).not.toBe(looked);
    const done = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { seen: now! });
    expect(pageText((await agent.get(done.headers.location).expect(200)).text)).toContain('Đã nhập: 3 học viên mới');
    expect(await t.query(`SELECT national_id FROM trainees t JOIN enrollments e ON e.trainee_id = t.id WHERE e.session_id = $1`, [session.id])).toEqual([{ national_id: null }, { national_id: null }, { national_id: null }]);
  });

  describe('a list longer than one slice of the commit (2,000 rows)', () => {
    const summaryOf = async (batchId: string) => pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text);

    it('writes what the preview showed: duplicates within the file across slices, a person already in the directory in the last slice', async () => {
      const { session } = await createSessionFixture(t, { capacity: 5000 });
      const [known] = await t.query<{ id: string }>(`INSERT INTO trainees (full_name, name_search, phone) VALUES ('Giàng A Dơ', 'giang a do', '0966000001') RETURNING id`);
      const file = bigCsv(4500, (i, row) => {
        if (i === 2100) row.splice(1, row.length - 1, ...bigRow(5).slice(1)); // person 5 again (first slice): the later row is an error
        if (i === 2200) row[7] = '0977000006'; // the phone of person 6, another name: a person of their own, with a warning
        if (i === 2500) [row[1], row[2], row[7], row[8]] = ['Lò An An An', '1965', '0966999999', '']; // person 0 (born 01/01/1965, same commune) with the birth year only: the same person, an error
        if (i === 4300) [row[1], row[7]] = ['Giàng A Dơ', '0966000001']; // already in the directory
        // Texts first seen in the last slice: their look-ups run while the previous slice is being written.
        if (i >= 4100 && i % 50 === 0) [row[4], row[5]] = ["H'Mông", '"Xã Thèn Sin, Huyện Tam Đường"'];
      });
      const { batchId } = await upload(agent, session.id, file, 'ds-lon.csv');
      const before = await summaryOf(batchId!);
      expect(before).toContain('4500 dòng');
      expect(before).toContain('4497 mới');
      expect(before).toContain('1 đã có trong danh bạ');
      expect(before).toContain('2 lỗi');
      expect(before).toContain('Trùng với dòng 9 trong tệp (cùng số CCCD, cùng số điện thoại, cùng họ tên, ngày sinh và xã).');
      expect(before).toContain('Trùng với dòng 4 trong tệp (cùng họ tên, năm sinh và xã).');
      expect(before).toContain('Cùng số điện thoại với dòng 10 (Lò Khánh An An), nhưng khác họ tên, ngày sinh, số CCCD: coi là hai người khác nhau');
      const created = await t.query(`SELECT 1 FROM trainees`);
      const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Đã nhập: 4497 học viên mới, 1 học viên đã có trong danh bạ; 4498 học viên được thêm vào lớp; bỏ qua 2 dòng lỗi.');
      expect(await t.query(`SELECT 1 FROM trainees`)).toHaveLength(created.length + 4497);
      expect(await t.query(`SELECT 1 FROM audit_log WHERE action = 'trainee.import' AND note = $1`, [`Nhập từ tệp ds-lon.csv (lần nhập ${batchId})`])).toHaveLength(4497);
      const enrolled = await t.query<{ phone: string; trainee_id: string }>(`SELECT t.phone, e.trainee_id FROM enrollments e JOIN trainees t ON t.id = e.trainee_id WHERE e.session_id = $1`, [session.id]);
      expect(enrolled).toHaveLength(4498);
      expect(enrolled.filter((e) => e.phone === '0977000005')).toHaveLength(1);
      expect(enrolled.filter((e) => e.phone === '0977000006')).toHaveLength(2);
      expect(enrolled.find((e) => e.phone === '0966000001')?.trainee_id).toBe(known.id);
      expect(await t.query(`SELECT 1 FROM trainees WHERE name_search = 'lo an an an'`)).toHaveLength(1);
      const late = await t.query<{ commune_code: string; ethnic: string }>(
        `SELECT t.commune_code, g.name AS ethnic FROM trainees t JOIN ethnic_groups g ON g.code = t.ethnic_group_code WHERE t.phone = ANY($1)`,
        [[4100, 4150, 4450].map((i) => `097${7000000 + i}`)],
      );
      expect(late).toEqual([0, 1, 2].map(() => ({ commune_code: '03394', ethnic: 'Mông' })));
    });

    it('refuses when rows of the last slice have errors, after earlier slices were written, and leaves no trace', async () => {
      const { session } = await createSessionFixture(t, { capacity: 5000 });
      const file = bigCsv(4500, (i, row) => {
        row[7] = `098${String(7000000 + i)}`;
        row[8] = `0130${80000000 + i}`;
        if (i === 4400 || i === 4401) row[2] = '31/02/1990';
      });
      const { batchId } = await upload(agent, session.id, file, 'ds-loi.csv');
      expect(await summaryOf(batchId!)).toContain('2 lỗi');
      const trainees = await t.query(`SELECT 1 FROM trainees`);
      const audit = await t.query(IMPORT_AUDIT);
      const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Còn 2 dòng có lỗi. Sửa tệp và tải lên lại, hoặc chọn chỉ nhập các dòng hợp lệ.');
      expect(await t.query(`SELECT 1 FROM trainees`)).toHaveLength(trainees.length);
      expect(await t.query(IMPORT_AUDIT)).toHaveLength(audit.length);
      expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(0);
    });
    it('enrols slice by slice: the capacity counts every slice, and a cancelled enrolment in the last slice comes back with its invitation', async () => {
      const { session } = await createSessionFixture(t, { capacity: 4000 });
      const [known] = await t.query<{ id: string }>(`INSERT INTO trainees (full_name, name_search, phone, email) VALUES ('Sùng A Páo', 'sung a pao', '0966000002', 'pao@example.vn') RETURNING id`);
      const [gone] = await t.query<{ id: string }>(
        `INSERT INTO enrollments (session_id, trainee_id, status, checkin_token, invitation_state, cancelled_at) VALUES ($1, $2, 'cancelled', md5(random()::text), 'none', now()) RETURNING id`,
        [session.id, known.id],
      );
      const csv = bigCsv(4500, (i, row) => {
        row[1] = row[1].replace('Lò', 'Tẩn');
        row[7] = `094${String(7000000 + i)}`;
        row[8] = `0140${80000000 + i}`;
        if (i === 4300) [row[1], row[7]] = ['Sùng A Páo', '0966000002']; // already in the directory, enrolled once and cancelled
      });
      // An email on every hundredth row (i = 1, 101, ..., 4401): 45 people to invite, in every slice.
      const lines = csv.toString('utf8').split('\n');
      const file = Buffer.from(lines.map((l, k) => (k < 2 ? l : k === 2 ? `${l},Email` : `${l},${(k - 3) % 100 === 1 ? `tan${k - 3}@example.vn` : ''}`)).join('\n'), 'utf8');
      const { batchId } = await upload(agent, session.id, file, 'ds-suc-chua.csv');
      const trainees = await t.query(`SELECT 1 FROM trainees`);
      const audit = await t.query(IMPORT_AUDIT);
      const jobs = async () => (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job j JOIN enrollments e ON e.id::text = j.data->>'enrollmentId' WHERE j.name = $1 AND e.session_id = $2`, [INVITATION_QUEUE, session.id]))[0].n;

      let res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Lớp chỉ nhận tối đa 4000 học viên; đã có 0, không thể thêm 4500.');
      expect(await t.query(`SELECT 1 FROM trainees`)).toHaveLength(trainees.length);
      expect(await t.query(IMPORT_AUDIT)).toHaveLength(audit.length);
      expect(await t.query(`SELECT id, status FROM enrollments WHERE session_id = $1`, [session.id])).toEqual([{ id: gone.id, status: 'cancelled' }]);
      expect(await jobs()).toBe(0);

      await t.query(`UPDATE training_sessions SET capacity = 4500 WHERE id = $1`, [session.id]);
      res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Đã nhập: 4499 học viên mới, 1 học viên đã có trong danh bạ; 4500 học viên được thêm vào lớp');
      const enrolled = await t.query<{ id: string; trainee_id: string; status: string; invitation_state: string; email: string | null }>(
        `SELECT e.id, e.trainee_id, e.status, e.invitation_state, t.email FROM enrollments e JOIN trainees t ON t.id = e.trainee_id WHERE e.session_id = $1`,
        [session.id],
      );
      expect(enrolled).toHaveLength(4500);
      expect(enrolled.filter((e) => e.status !== 'registered')).toEqual([]);
      expect(enrolled.find((e) => e.trainee_id === known.id)?.id).toBe(gone.id);
      const invited = enrolled.filter((e) => e.invitation_state !== 'none');
      expect(invited).toHaveLength(46);
      expect(invited.every((e) => e.email)).toBe(true);
      expect(await jobs()).toBe(46);
      // The audit names every one of them, 500 to an entry (each fits a spreadsheet cell of the audit CSV).
      const entries = await t.query<{ new_value: { added: number; reactivated: number; traineeIds: string[]; part: string; batchId: string } }>(
        `SELECT new_value FROM audit_log WHERE action = 'enrollment.add' AND entity_id = $1 ORDER BY id`,
        [session.id],
      );
      expect(entries.map((e) => e.new_value.part)).toEqual(['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
      // Each names the import it came from.
      expect(entries.every((e) => e.new_value.batchId === batchId)).toBe(true);
      expect(entries.reduce((n, e) => n + e.new_value.added, 0)).toBe(4499);
      expect(entries.reduce((n, e) => n + e.new_value.reactivated, 0)).toBe(1);
      expect(entries.every((e) => JSON.stringify(e.new_value).length < 32767)).toBe(true);
      expect(new Set(entries.flatMap((e) => e.new_value.traineeIds))).toEqual(new Set(enrolled.map((e) => e.trainee_id)));
    });
  });

  it('adds no duplicates when two lists naming the same people are committed at the same moment', async () => {
    const file = bigCsv(30, (i, row) => {
      row[1] = row[1].replace('Lò', 'Vàng');
      row[7] = `095${String(7000000 + i)}`;
      row[8] = `0150${80000000 + i}`;
    });
    const one = (await createSessionFixture(t, { capacity: 300 })).session;
    const two = (await createSessionFixture(t, { capacity: 300 })).session;
    const a = await upload(agent, one.id, file, 'huyen-a.csv');
    const b = await upload(agent, two.id, file, 'huyen-b.csv');
    const token = csrfFrom((await agent.get(`/sessions/${one.id}/import`).expect(200)).text);
    const commit = (id: string) => agent.post(`/import/${id}/commit`).type('form').send({ skipErrors: '1', _csrf: token });
    const [ra, rb] = await Promise.all([commit(a.batchId!), commit(b.batchId!)]);
    expect([ra.status, rb.status]).toEqual([303, 303]);
    const people = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM trainees WHERE phone LIKE '0957%'`);
    expect(people[0].n).toBe(30);
    for (const s of [one, two]) expect(await t.query(`SELECT 1 FROM enrollments e JOIN trainees t ON t.id = e.trainee_id WHERE e.session_id = $1 AND t.phone LIKE '0957%'`, [s.id])).toHaveLength(30);
  });

  it('adds no duplicates when the same file is imported again', async () => {
    const { session } = await createSessionFixture(t, { capacity: 300 });
    const first = await upload(agent, session.id, await messyWorkbook(), 'ds.xlsx');
    await submitForm(agent, `/import/${first.batchId}/preview`, `/import/${first.batchId}/resolve`, { 'pick[r13]': '03472' });
    await submitForm(agent, `/import/${first.batchId}/preview`, `/import/${first.batchId}/commit`, { skipErrors: '1' });
    const count = async () => (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM trainees WHERE merged_into_id IS NULL`))[0].n;
    const after1 = await count();
    const second = await upload(agent, session.id, await messyWorkbook(), 'ds (1).xlsx');
    await submitForm(agent, `/import/${second.batchId}/preview`, `/import/${second.batchId}/resolve`, { 'pick[r13]': '03472' });
    const preview = await agent.get(`/import/${second.batchId}/preview`).expect(200);
    expect(pageText(preview.text)).toContain('5 đã có trong danh bạ');
    expect(pageText(preview.text)).toContain('Đã có trong danh bạ: Vàng A Sử (cùng số CCCD, cùng số điện thoại');
    const res = await submitForm(agent, `/import/${second.batchId}/preview`, `/import/${second.batchId}/commit`, { skipErrors: '1' });
    const list = await agent.get(res.headers.location).expect(200);
    expect(pageText(list.text)).toContain('Đã nhập: 0 học viên mới, 5 học viên đã có trong danh bạ; 0 học viên được thêm vào lớp');
    expect(await count()).toBe(after1);
    expect(await t.query(`SELECT 1 FROM enrollments WHERE session_id = $1`, [session.id])).toHaveLength(5);
  });

  describe('people who share a phone or a national ID with someone in the directory', () => {
    const csv = (lines: string[]) => Buffer.from(['STT,Họ và tên,Giới tính,Ngày sinh,Số điện thoại,Số CCCD', ...lines].join('\n'), 'utf8');
    const rowText = (html: string, n: number) => pageText(html.match(new RegExp(`<tr class="row-\\w+" data-row="${n}">([\\s\\S]*?)</tr>`))?.[1] ?? '');

    it('creates a new person, with a warning, when only the phone is shared; reuses a record only on strong evidence; refuses a national ID of someone clearly different', async () => {
      const { session } = await createSessionFixture(t, { capacity: 300 });
      // The demo's Tẩn Láo Lở: his commune office gives its phone for other officials too.
      const lo = await createTraineeFixture(t, { fullName: 'Tẩn Láo Lở', gender: 'male', dateOfBirth: '1987-11-20', phone: '0912345603', communeCode: '03445' });
      const chu = await createTraineeFixture(t, { fullName: 'Sùng A Chứ', dateOfBirth: '1979-03-04', nationalId: '012079000777' });
      const sai = await createTraineeFixture(t, { fullName: 'Lý Thị Sai', gender: 'female', dateOfBirth: '1988-08-08', nationalId: '012088000555' });
      const file = csv([
        '1,Nguyễn Thị Hoa,Nữ,02/02/1995,0912345603,', // line 2: Lở's phone, another name and birth: a new person
        '2,Tẩn Láo Lở,Nam,1987,0912345603,', // line 3: his name, birth year and phone: him
        '3,Hà Văn Khác,Nam,01/01/2000,,012079000777', // line 4: Chứ's national ID, another name and birth: refused
        '4,Lý Thị Say,Nữ,08/08/1988,,012088000555', // line 5: Sai's national ID and birth date, the name misspelt: her, with a warning
      ]);
      const { batchId } = await upload(agent, session.id, file, 'xa-chung-so.csv');
      const preview = await agent.get(`/import/${batchId}/preview`).expect(200);
      const text = pageText(preview.text);
      expect(text).toContain('1 mới');
      expect(text).toContain('2 đã có trong danh bạ');
      expect(text).toContain('1 lỗi');
      expect(text).toContain('1 mới nhưng có điểm chung với người khác');
      expect(preview.text).toContain('<tr class="row-new" data-row="2">');
      expect(rowText(preview.text, 2)).toContain('Cùng số điện thoại với Tẩn Láo Lở (sinh 20/11/1987) trong danh bạ, nhưng khác họ tên, ngày sinh: có thể là người khác, sẽ tạo hồ sơ mới');
      expect(rowText(preview.text, 2)).not.toContain('Đã có trong danh bạ');
      expect(rowText(preview.text, 3)).toContain('Đã có trong danh bạ: Tẩn Láo Lở (cùng số điện thoại, cùng họ tên và năm sinh); sẽ dùng hồ sơ này.');
      expect(rowText(preview.text, 3)).toContain('Cùng số điện thoại với dòng 2 (Nguyễn Thị Hoa), nhưng khác họ tên, năm sinh: coi là hai người khác nhau');
      expect(preview.text).toContain('<tr class="row-error" data-row="4">');
      expect(rowText(preview.text, 4)).toContain('Số CCCD 012079000777 đã có trong danh bạ: Sùng A Chứ (sinh 04/03/1979), khác họ tên và ngày sinh. Kiểm tra lại số CCCD');
      expect(rowText(preview.text, 5)).toContain('Đã có trong danh bạ: Lý Thị Sai (cùng số CCCD; khác họ tên); sẽ dùng hồ sơ này.');

      const res = await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, { skipErrors: '1' });
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Đã nhập: 1 học viên mới, 2 học viên đã có trong danh bạ; 3 học viên được thêm vào lớp; bỏ qua 1 dòng lỗi.');
      const enrolled = await t.query<{ id: string; full_name: string; gender: string; dob: string; phone: string }>(
        `SELECT t.id, t.full_name, t.gender, t.date_of_birth::text AS dob, t.phone FROM enrollments e JOIN trainees t ON t.id = e.trainee_id WHERE e.session_id = $1 ORDER BY t.full_name`,
        [session.id],
      );
      expect(enrolled.map((e) => e.full_name)).toEqual(['Lý Thị Sai', 'Nguyễn Thị Hoa', 'Tẩn Láo Lở']);
      const hoa = enrolled[1];
      expect(hoa).toMatchObject({ gender: 'female', dob: '1995-02-02', phone: '0912345603' });
      expect([lo.id, chu.id, sai.id]).not.toContain(hoa.id);
      expect(enrolled.map((e) => e.id)).toEqual([sai.id, hoa.id, lo.id]);
      expect(await t.query(`SELECT 1 FROM trainees WHERE national_id = '012079000777'`)).toHaveLength(1);
      // Her record is flagged as possibly Tẩn Láo Lở, for the organiser to merge if they were one person.
      const profile = pageText((await agent.get(`/trainees/${hoa.id}`).expect(200)).text);
      expect(profile).toContain('Có thể trùng lặp');
      expect(profile).toContain('Tẩn Láo Lở 20/11/1987');
      expect(profile).toContain('Có điểm chung, có thể là người khác cùng số điện thoại; khác họ tên, ngày sinh');

      // The report of the committed batch: the file's problems as the commit saw them, no "already in the directory" for the people it created.
      const report = await reportLines(batchId!);
      expect(report.errors.filter((l) => String(l[3]).includes('Đã có trong danh bạ'))).toEqual([]);
      expect(report.errors).toContainEqual([4, 'Số CCCD', '012079000777', expect.stringContaining('đã có trong danh bạ: Sùng A Chứ'), 'Lỗi']);
      expect(report.result).toEqual(
        expect.arrayContaining([
          ['Học viên mới (hồ sơ tạo từ tệp)', 1],
          ['Học viên đã có trong danh bạ', 2],
          ['Dòng lỗi bị bỏ qua', 1],
        ]),
      );

      // The same file again: everyone is now in the directory (Hoa as herself, not as Tẩn Láo Lở), nobody is added.
      const count = async () => (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM trainees`))[0].n;
      const before = await count();
      const again = await upload(agent, session.id, file, 'xa-chung-so (1).csv');
      expect(rowText((await agent.get(`/import/${again.batchId}/preview`).expect(200)).text, 2)).toContain('Đã có trong danh bạ: Nguyễn Thị Hoa (cùng số điện thoại, cùng họ tên và ngày sinh)');
      const res2 = await submitForm(agent, `/import/${again.batchId}/preview`, `/import/${again.batchId}/commit`, { skipErrors: '1' });
      expect(pageText((await agent.get(res2.headers.location).expect(200)).text)).toContain('Đã nhập: 0 học viên mới, 3 học viên đã có trong danh bạ; 0 học viên được thêm vào lớp; bỏ qua 1 dòng lỗi.');
      expect(await count()).toBe(before);
    });

    it('takes a birth year and a full date of that year for the same person, in the file and against the directory', async () => {
      const { session } = await createSessionFixture(t, { capacity: 300 });
      const lines = (rows: string[]) => Buffer.from(['STT,Họ và tên,Ngày sinh,Đơn vị công tác,Tỉnh', ...rows].join('\n'), 'utf8');
      const first = await upload(agent, session.id, lines(['1,Nguyễn Văn Năm,1985,Xã Sin Suối Hồ,Lai Châu', '2,Nguyễn Văn Năm,15/06/1985,Xã Sin Suối Hồ,Lai Châu', '3,Nguyễn Văn Năm,15/06/1986,Xã Sin Suối Hồ,Lai Châu']), 'nam.csv');
      const preview = await agent.get(`/import/${first.batchId}/preview`).expect(200);
      expect(pageText(preview.text)).toContain('2 mới');
      expect(preview.text).toContain('<tr class="row-error" data-row="3">');
      expect(rowText(preview.text, 3)).toContain('Trùng với dòng 2 trong tệp (cùng họ tên, năm sinh và xã).');
      expect(preview.text).toContain('<tr class="row-new" data-row="4">');
      await submitForm(agent, `/import/${first.batchId}/preview`, `/import/${first.batchId}/commit`, { skipErrors: '1' });
      expect(await t.query(`SELECT birth_year FROM trainees WHERE name_search = 'nguyen van nam' ORDER BY birth_year`)).toEqual([{ birth_year: 1985 }, { birth_year: 1986 }]);

      // A later list with his full date finds the record that has his year only.
      const other = (await createSessionFixture(t, { capacity: 300 })).session;
      const second = await upload(agent, other.id, lines(['1,Nguyễn Văn Năm,15/06/1985,Xã Sin Suối Hồ,Lai Châu']), 'nam-2.csv');
      const p2 = pageText((await agent.get(`/import/${second.batchId}/preview`).expect(200)).text);
      expect(p2).toContain('1 đã có trong danh bạ');
      expect(p2).toContain('Đã có trong danh bạ: Nguyễn Văn Năm (cùng họ tên, năm sinh và xã)');
      const res = await submitForm(agent, `/import/${second.batchId}/preview`, `/import/${second.batchId}/commit`, {});
      expect(pageText((await agent.get(res.headers.location).expect(200)).text)).toContain('Đã nhập: 0 học viên mới, 1 học viên đã có trong danh bạ');
    });
  });

  it('shows on the mapping page how many rows the file has under its header, and the number of the header row in the file', async () => {
    const { session } = await createSessionFixture(t);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    ws.getCell('A1').value = 'DANH SÁCH HỌC VIÊN';
    ws.getRow(3).values = ['STT', 'Họ và tên', 'Năm sinh'];
    ws.getRow(4).values = [1, 'Lò Văn Một', 1980];
    ws.getRow(5).values = [2, 'Lò Văn Hai', 1981];
    ws.getRow(7).values = [3, 'Lò Văn Ba', 1982];
    const { batchId } = await upload(agent, session.id, Buffer.from(await wb.xlsx.writeBuffer()), 'imp1.xlsx');
    const page = pageText((await agent.get(`/import/${batchId}/mapping`).expect(200)).text);
    expect(page).toContain('Tệp imp1.xlsx, trang tính DS: 3 dòng có nội dung dưới tiêu đề, tiêu đề ở dòng 3.');
    expect((await t.query<{ header_row: number }>(`SELECT header_row FROM import_batches WHERE id = $1`, [batchId]))[0].header_row).toBe(3);
  });

  it('refuses a broken file with a message: 10 MB of garbage renamed .xlsx, a zip that is not a workbook, an old .xls', async () => {
    const { session } = await createSessionFixture(t);
    const garbage = randomBytes(10 * 1024 * 1024);
    garbage[0] = 0x47;
    let r = await upload(agent, session.id, garbage, 'danh-sach.xlsx');
    expect(r.location).toBe(`/sessions/${session.id}/import`);
    let page = await agent.get(r.location).expect(200);
    expect(pageText(page.text)).toContain('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ');
    const fakeZip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(2000)]);
    r = await upload(agent, session.id, fakeZip, 'hong.xlsx');
    page = await agent.get(r.location).expect(200);
    expect(pageText(page.text)).toContain('Không đọc được tệp Excel');
    r = await upload(agent, session.id, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), randomBytes(500)]), 'cu.xls');
    page = await agent.get(r.location).expect(200);
    expect(pageText(page.text)).toContain('định dạng cũ (.xls)');
    r = await upload(agent, session.id, randomBytes(3000), 'rac.csv');
    page = await agent.get(r.location).expect(200);
    expect(pageText(page.text)).toContain('Tệp CSV không hợp lệ');
    expect(await t.query(`SELECT 1 FROM import_batches WHERE session_id = $1`, [session.id])).toHaveLength(0);
  });

  it('refuses a workbook that is a zip bomb before exceljs unpacks it', async () => {
    const { session } = await createSessionFixture(t);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Danh sách').addRow(['Họ và tên', 'Xã']);
    const parts = await readZip(Buffer.from(await wb.xlsx.writeBuffer()));
    // The real workbook's parts plus 300 MB of zeros (about 300 KB compressed).
    const bomb = await buildZip([...parts.map((p) => ({ name: p.name, data: p.data })), { name: 'xl/media/image1.bin', data: zeros(300 * 1024 * 1024) }]);
    const r = await upload(agent, session.id, bomb, 'danh-sach.xlsx');
    expect(r.location).toBe(`/sessions/${session.id}/import`);
    expect(pageText((await agent.get(r.location).expect(200)).text)).toContain('nghi là "bom nén"');
    expect(await t.query(`SELECT 1 FROM import_batches WHERE session_id = $1`, [session.id])).toHaveLength(0);
  });

  it('reads CSV in Windows-1258 and UTF-8 with a BOM (semicolons), with a title line above the header', async () => {
    const { session } = await createSessionFixture(t);
    const lines = [
      'DANH SÁCH HỌC VIÊN XÃ KHUN HÁ',
      '',
      'STT;Họ và tên;Năm sinh;Giới tính;Dân tộc;Đơn vị công tác;Tỉnh;SĐT',
      '1;Phàn Thị Mý;1991;Nữ;Dao;Xã Khun Há;Lai Châu;0913000001',
      '2;Tả Văn Chờ;13/13/1990;Nam;Mèo;Xã Khun Há;Lai Châu;0913000002',
    ];
    const cp1258 = toWindows1258(lines.join('\r\n'));
    expect(iconv.decode(cp1258, 'windows-1258').normalize('NFC')).toBe(lines.join('\r\n'));
    expect(cp1258.toString('utf8')).not.toContain('Phàn');
    let r = await upload(agent, session.id, cp1258, 'khun-ha.csv');
    let preview = await agent.get(`/import/${r.batchId}/preview`).expect(200);
    let text = pageText(preview.text);
    expect(text).toContain('Phàn Thị Mý');
    expect(text).toContain('Tả Văn Chờ');
    expect(text).toContain('Ngày sinh không tồn tại.');
    expect(text).toContain('Mèo → dân tộc Mông');

    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\n').normalize('NFD'), 'utf8')]);
    r = await upload(agent, session.id, bom, 'khun-ha-utf8.csv');
    const [batch] = await t.query<{ headers: string[] }>(`SELECT headers FROM import_batches WHERE id = $1`, [r.batchId]);
    expect(batch.headers[0]).toBe('STT');
    preview = await agent.get(`/import/${r.batchId}/preview`).expect(200);
    text = pageText(preview.text);
    expect(text).toContain('1 mới');
    await submitForm(agent, `/import/${r.batchId}/preview`, `/import/${r.batchId}/commit`, { skipErrors: '1' });
    const [mý] = await t.query<{ full_name: string; commune_code: string }>(`SELECT full_name, commune_code FROM trainees WHERE phone = '0913000001'`);
    expect(mý.full_name).toBe('Phàn Thị Mý'.normalize('NFC'));
    expect(mý.commune_code).toBe('03430');
  });

  it('reports a row that has only a national ID or a phone as missing its name, and still skips notes and signature lines', async () => {
    const { session } = await createSessionFixture(t);
    const lines = [
      'STT,Họ và tên,Năm sinh,Đơn vị công tác,Tỉnh,SĐT,Số CCCD',
      '1,Lò Văn Khánh,1981,Xã Bình Lư,Lai Châu,0915000001,012081000101',
      '2,,,,,,012081000102',
      '3,,,,,0915000003,',
      ',Tổng cộng: 3 người,,,,,',
      ',,,,,,"Sìn Hồ, ngày 15 tháng 9 năm 2025"',
      ',,,,,,Người lập biểu',
    ];
    const { batchId } = await upload(agent, session.id, Buffer.from(lines.join('\n'), 'utf8'), 'thieu-ten.csv');
    const page = pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(page).toContain('3 dòng');
    expect(page).toContain('2 lỗi');
    const { errors } = await reportLines(batchId!);
    expect(errors.map((l) => [l[0], l[3]])).toEqual([
      [3, 'Thiếu họ và tên.'],
      [4, 'Thiếu họ và tên.'],
    ]);
  });

  it('asks which commune when the file names no province and the name is a new commune in one place and an old one in another', async () => {
    const { session } = await createSessionFixture(t);
    const lines = [
      'STT,Họ và tên,Năm sinh,Giới tính,Dân tộc,Đơn vị công tác,SĐT',
      // Hồ Thầu: a 2025 commune of Tuyên Quang, and a pre-2025 commune of Lai Châu now in Tả Lèng.
      '1,Tẩn Láo San,1982,Nam,Dao,Xã Hồ Thầu,0914000001',
      // Sin Suối Hồ: the 2025 commune, and its own pre-2025 name: nothing to ask.
      '2,Lò Thị Hoa,1984,Nữ,Thái,Xã Sin Suối Hồ,0914000002',
    ];
    const { batchId } = await upload(agent, session.id, Buffer.from(lines.join('\n'), 'utf8'), 'khong-tinh.csv');
    const text = pageText((await agent.get(`/import/${batchId}/preview`).expect(200)).text);
    expect(text).toContain('1 mới');
    expect(text).toContain('1 cần chọn xã');
    expect(text).toContain('Cần chọn xã cho "Hồ Thầu": tệp không ghi tỉnh, và tên này vừa là một xã mới vừa là xã cũ (trước 2025) ở nơi khác.');
    expect(text).toContain('Xã Hồ Thầu (tên mới, Tuyên Quang)');
    expect(text).toContain('Xã Tả Lèng (từ Xã Hồ Thầu, Huyện Tam Đường)');
    // Picked, it is the commune chosen.
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/resolve`, { 'pick[r2]': '03405' });
    await submitForm(agent, `/import/${batchId}/preview`, `/import/${batchId}/commit`, {});
    const rows = await t.query<{ phone: string; commune_code: string; province_code: string }>(`SELECT phone, commune_code, province_code FROM trainees WHERE phone LIKE '091400000_' ORDER BY phone`);
    expect(rows).toEqual([
      { phone: '0914000001', commune_code: '03405', province_code: '12' },
      { phone: '0914000002', commune_code: '03394', province_code: '12' },
    ]);
  });
});
