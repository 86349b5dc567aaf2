import { Browser } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { ADMIN } from '../support/app';

describe('browser: sign-in flow', () => {
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

  it('refuses a wrong password, then signs the admin in and out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/admin/users`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.textContent('h1')).toBe('Đăng nhập');
    await page.fill('#login', ADMIN.email);
    await page.fill('#password', 'not the password');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
    await page.waitForSelector('.flash-error');
    expect(await page.textContent('.flash-error')).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(await page.inputValue('#login')).toBe(ADMIN.email);

    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL(`${t.baseUrl}/admin/users`), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Tài khoản');
    expect(await page.textContent('.user-name')).toBe('Quản trị hệ thống');

    await Promise.all([page.waitForURL(`${t.baseUrl}/login?signedOut=1`), page.click('text=Đăng xuất')]);
    expect(await page.textContent('#signed-out')).toContain('Bạn đã đăng xuất');
    await page.goto(`${t.baseUrl}/admin/users`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('works on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, t.baseUrl, ADMIN.email, ADMIN.password);
    expect(await page.textContent('h1')).toContain('Xin chào');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});
