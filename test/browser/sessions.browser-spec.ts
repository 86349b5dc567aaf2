import { Browser } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { createUser } from '../support/factories';
import { pdfBytes } from '../support/sessions';

describe('browser: an organiser builds a session and a material is uploaded', () => {
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

  it('creates a session, adds two topics with lecturers and uploads a material', async () => {
    const organiser = await createUser(t, 'organiser', { fullName: 'Phạm Minh Đức' });
    await createUser(t, 'lecturer', { fullName: 'Nguyễn Văn Thành' });
    await createUser(t, 'lecturer', { fullName: 'Hoàng Thị Lan' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, t.baseUrl, organiser.login, organiser.password);

    await page.goto(`${t.baseUrl}/sessions`);
    await Promise.all([page.waitForURL(`${t.baseUrl}/sessions/new`), page.click('text=Tạo lớp')]);
    await page.fill('#title', 'Lớp tập huấn Chương trình mục tiêu quốc gia tại Lai Châu');
    await page.fill('#organisingUnit', 'Bộ Nội vụ');
    await page.selectOption('#hostProvinceCode', '12');
    await page.fill('#venue', 'Hội trường tỉnh Lai Châu');
    await page.fill('#startDate', '2026-09-24');
    await page.fill('#endDate', '2026-09-25');
    await page.fill('#capacity', '300');
    await Promise.all([page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/), page.click('button[type=submit].primary')]);
    expect(await page.textContent('.flash-success')).toContain('Đã tạo lớp');
    const sessionId = new URL(page.url()).pathname.split('/').pop()!;

    const topics = [
      { title: 'Kết quả triển khai giai đoạn I của Chương trình', sitting: 1, start: '08:00', end: '11:30', lecturer: 'Nguyễn Văn Thành' },
      { title: 'Thực trạng đội ngũ cán bộ, công chức người dân tộc thiểu số', sitting: 2, start: '13:30', end: '15:30', lecturer: 'Hoàng Thị Lan' },
    ];
    for (const tp of topics) {
      await page.goto(`${t.baseUrl}/sessions/${sessionId}/agenda`);
      await Promise.all([page.waitForURL(`${t.baseUrl}/sessions/${sessionId}/topics/new`), page.click('text=Thêm nội dung')]);
      await page.fill('#topic-title', tp.title);
      await page.selectOption('#sittingId', { index: tp.sitting });
      await page.fill('#startTime', tp.start);
      await page.fill('#endTime', tp.end);
      await page.check(`label.check:has-text("${tp.lecturer}") input`);
      await Promise.all([page.waitForURL(`${t.baseUrl}/sessions/${sessionId}/agenda`), page.click('#topic-form button[type=submit]')]);
      expect(await page.textContent('.flash-success')).toContain(tp.title);
    }
    const agendaText = (await page.textContent('main'))!;
    expect(agendaText).toContain('Ngày thứ 1');
    expect(agendaText).toContain('Báo cáo viên: Nguyễn Văn Thành');
    expect(agendaText).toContain('Báo cáo viên: Hoàng Thị Lan');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await Promise.all([page.waitForURL(/\/topics\/[0-9a-f-]{36}$/), page.click(`a.agenda-title:has-text("${topics[0].title}")`)]);
    await page.setInputFiles('#material-file', { name: 'Bài giảng giai đoạn I.pdf', mimeType: 'application/pdf', buffer: pdfBytes('giai đoạn I') });
    await Promise.all([page.waitForURL(/\/topics\/[0-9a-f-]{36}$/), page.click('#upload-form button[type=submit]')]);
    expect(await page.textContent('.flash-success')).toContain('Đã tải lên "Bài giảng giai đoạn I.pdf" (phiên bản 1).');
    expect(await page.textContent('#materials')).toContain('Bài giảng giai đoạn I');

    const rows = await t.query<{ original_name: string; title: string }>(`SELECT m.original_name, t.title FROM materials m JOIN topics t ON t.id = m.topic_id`);
    expect(rows).toEqual([{ original_name: 'Bài giảng giai đoạn I.pdf', title: topics[0].title }]);
    expect(await t.query(`SELECT 1 FROM topics WHERE session_id = $1`, [sessionId])).toHaveLength(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.material-current')]);
    expect(download.suggestedFilename()).toBe('Bài giảng giai đoạn I.pdf');

    // A long file name without spaces still fits a 360 px phone: the page does not scroll sideways.
    const longName = 'Bai_giang_CD1_phuong_huong_nhiem_vu_giai_doan_2026-2030_ban_cuoi_cung_da_sua.pdf';
    await page.setInputFiles('#material-file', { name: longName, mimeType: 'application/pdf', buffer: pdfBytes('bản cuối') });
    await Promise.all([page.waitForURL(/\/topics\/[0-9a-f-]{36}$/), page.click('#upload-form button[type=submit]')]);
    expect(await page.textContent('#materials')).toContain(longName);
    await page.setViewportSize({ width: 360, height: 740 });
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(sideways).toBeLessThanOrEqual(0);
    await context.close();
  });
});
