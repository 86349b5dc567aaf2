import { Browser } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { createUser } from '../support/factories';
import { createSessionFixture } from '../support/fixtures';

describe('browser: Q&A log', () => {
  let t: ServedApp;
  let browser: Browser;
  let sessionId: string;
  let organiser: { login: string; password: string };

  beforeAll(async () => {
    t = await serveApp();
    browser = await launchBrowser();
    const { session } = await createSessionFixture(t, { title: 'Lớp thử trình duyệt' });
    sessionId = session.id;
    organiser = await createUser(t, 'organiser');
    // one published question to be found while typing
    await t.query(
      `INSERT INTO questions (session_id, asker_kind, province_code, channel, text, text_search, status, published_at)
       VALUES ($1, 'province', '12', 'logged', 'Xã thiếu kinh phí đối ứng để thực hiện Chương trình 1719?', 'xa thieu kinh phi doi ung de thuc hien chuong trinh 1719', 'published', now())`,
      [sessionId],
    );
    const [{ id }] = await t.query<{ id: string }>('SELECT id FROM questions');
    await t.query(`INSERT INTO answers (question_id, text) VALUES ($1, 'Ngân sách tỉnh hỗ trợ phần đối ứng.')`, [id]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists published questions alike while the organiser types, then logs the question, on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const errors: string[] = [];
    const page = await signIn(context, t.baseUrl, organiser.login, organiser.password);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${t.baseUrl}/sessions/${sessionId}/questions`);
    await page.selectOption('#askerKind', 'province');
    await page.selectOption('#provinceCode', '12');
    await page.fill('#text', 'Kinh phí đối ứng chương trình 1719 của xã còn thiếu <b>gấp</b>');
    await page.waitForSelector('#similar-live:not([hidden]) li');
    expect(await page.textContent('#similar-live')).toContain('Xã thiếu kinh phí đối ứng để thực hiện Chương trình 1719?');
    expect(await page.textContent('#similar-live')).toContain('Ngân sách tỉnh hỗ trợ phần đối ứng.');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.inputValue('#communeCode')).toBe('');
    await Promise.all([page.waitForURL(/\/questions\/[0-9a-f-]{36}$/), page.click('button:has-text("Ghi nhận câu hỏi")')]);
    // (the flash message is checked by the e2e spec; here the page content is what counts)
    expect(await page.textContent('h1')).toBe('Câu hỏi');
    expect(await page.textContent('.qa-question .qa-text')).toBe('Kinh phí đối ứng chương trình 1719 của xã còn thiếu <b>gấp</b>');
    expect(await page.locator('.qa-question b').count()).toBe(0);
    expect(await page.textContent('.qa-similar')).toContain('Ngân sách tỉnh hỗ trợ phần đối ứng.');
    expect(errors).toEqual([]);
    await context.close();
  });
});
