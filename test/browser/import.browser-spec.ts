import { Browser } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { createUser } from '../support/factories';
import { createSessionFixture } from '../support/fixtures';
import { messyWorkbook } from '../support/import-files';

describe('browser: import wizard', () => {
  let t: ServedApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await serveApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('uploads a messy file, keeps the guessed mapping, picks a commune for a row in review and commits into the session', async () => {
    const organiser = await createUser(t, 'organiser');
    const { session } = await createSessionFixture(t, { title: 'Lớp tập huấn Lai Châu', capacity: 300 });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, t.baseUrl, organiser.login, organiser.password);

    await page.goto(`${t.baseUrl}/sessions/${session.id}/enrollments`);
    await Promise.all([page.waitForURL(`**/sessions/${session.id}/import`), page.click('text=Nhập danh sách từ Excel/CSV')]);
    await page.setInputFiles('#file', { name: 'Danh sách Lai Châu.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await messyWorkbook() });
    await Promise.all([page.waitForURL(/\/import\/[0-9a-f-]+\/mapping$/), page.click('#import-upload button[type=submit]')]);

    expect(await page.textContent('h1')).toBe('Chọn cột cho từng thông tin');
    expect(await page.inputValue('#map-fullName')).toBe('1');
    expect(await page.inputValue('#map-workplace')).toBe('6');
    expect(await page.inputValue('#map-nationalId')).toBe('10');
    expect(await page.inputValue('#map-district')).toBe('');
    await Promise.all([page.waitForURL(/\/preview$/), page.click('#import-mapping button[type=submit]')]);

    const summary = await page.textContent('.import-summary');
    expect(summary).toContain('4 mới');
    expect(summary).toContain('1 cần chọn xã');
    expect(summary).toContain('8 lỗi');
    expect(await page.textContent('tr[data-row="10"]')).toContain('Xã Thèn Sin, Huyện Tam Đường (cũ) → Xã Sin Suối Hồ');
    expect(await page.textContent('tr[data-row="15"]')).toContain('Ngày sinh không tồn tại.');
    expect(await page.isDisabled('#import-commit button[type=submit]')).toBe(true);
    // The page fits a phone: wide tables scroll inside their frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    await page.selectOption('select[name="pick[r13]"]', '03472');
    // Post → redirect → the same URL: wait for the page that follows the POST, not for the URL.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#import-resolve button[type=submit]')]);
    expect(await page.locator('.flash-success').textContent({ timeout: 10_000 })).toContain('Đã lưu lựa chọn xã cho 1 dòng.');
    expect(await page.textContent('.import-summary')).toContain('0 cần chọn xã');
    expect(await page.inputValue('select[name="pick[r13]"]')).toBe('03472');

    const download = page.waitForEvent('download');
    await page.click('text=Tải báo cáo lỗi (Excel)');
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);

    await page.check('input[name=skipErrors]');
    await Promise.all([page.waitForURL(`**/sessions/${session.id}/enrollments`), page.click('#import-commit button[type=submit]')]);
    expect(await page.textContent('.flash-success')).toContain('Đã nhập: 5 học viên mới');
    expect(await page.locator('table.enrollments tbody tr').count()).toBe(5);
    expect(await page.textContent('table.enrollments')).toContain('Vàng A Sử');
    const [{ n }] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM enrollments WHERE session_id = $1`, [session.id]);
    expect(n).toBe(5);
    await context.close();
  });

  it('says why a broken file is refused', async () => {
    const organiser = await createUser(t, 'organiser');
    const { session } = await createSessionFixture(t);
    const context = await browser.newContext();
    const page = await signIn(context, t.baseUrl, organiser.login, organiser.password);
    await page.goto(`${t.baseUrl}/sessions/${session.id}/import`);
    await page.setInputFiles('#file', { name: 'danh-sach.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a spreadsheet at all '.repeat(100)) });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#import-upload button[type=submit]')]);
    expect(await page.locator('.flash-error').textContent({ timeout: 5000 })).toContain('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ');
    await context.close();
  });
});
