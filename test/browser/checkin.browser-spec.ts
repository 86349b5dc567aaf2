import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { createUser } from '../support/factories';
import { createEnrolledSessionFixture } from '../support/fixtures';
import { foldForSearch } from '../../src/common/text/vietnamese';
import { todayInVietnam } from '../../src/certificates/certificate-rules';
import { Clock } from '../../src/attendance/clock';

type CheckinWindow = { taphuanCheckin: { ready: Promise<void>; submitScan(s: string): Promise<{ ok: boolean; queued?: boolean; online?: boolean }>; sync(): Promise<void> } };
const submitScan = (page: Page, raw: string) => page.evaluate((s) => (window as unknown as CheckinWindow).taphuanCheckin.submitScan(s), raw);
const queueCount = (page: Page) => page.textContent('#queue-count');

describe('browser: check-in phone (online, offline, sign-in lost, weak link, wrong clock) and projector page', () => {
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

  /** An organiser's phone on the check-in page of a sitting that runs today, all day (the browser stamps scans with its own clock). */
  async function openCheckin(count: number, beforeOpen?: (page: Page) => Promise<void>): Promise<{ fx: Awaited<ReturnType<typeof createEnrolledSessionFixture>>; sittingId: string; org: Awaited<ReturnType<typeof createUser>>; context: BrowserContext; page: Page; url: string }> {
    const fx = await createEnrolledSessionFixture(t, count, { startDate: todayInVietnam(), days: 1 });
    const sittingId = fx.sittings[0].id;
    await t.query(`UPDATE sittings SET starts_at = '00:00:00', ends_at = '23:59:59' WHERE id = $1`, [sittingId]);
    const org = await createUser(t, 'organiser');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, t.baseUrl, org.login, org.password);
    const url = `/sessions/${fx.session.id}/checkin?sitting=${sittingId}`;
    await beforeOpen?.(page);
    await page.goto(`${t.baseUrl}${url}`);
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.ready);
    await page.waitForFunction((n) => document.getElementById('roster-state')!.textContent!.includes(`${n} học viên`), count);
    return { fx, sittingId, org, context, page, url };
  }

  const marksOf = (sittingId: string) => t.query<{ enrollment_id: string; client_scan_id: string | null }>('SELECT enrollment_id, client_scan_id FROM attendance_marks WHERE sitting_id = $1', [sittingId]);

  it('checks a trainee in, keeps two scans while offline, and syncs all three when back online', async () => {
    const { fx, sittingId, context, page } = await openCheckin(4);
    // Online: manual search (without diacritics) and the "Điểm danh" button.
    await page.fill('#manual-search', foldForSearch(fx.trainees[0].fullName));
    await page.click(`button[aria-label="Điểm danh ${fx.trainees[0].fullName}"]`);
    await page.waitForFunction((name) => document.getElementById('checkin-result')!.textContent!.startsWith(name), fx.trainees[0].fullName);
    expect(await page.textContent('#checkin-result')).toMatch(/(có mặt|đến muộn) lúc \d\d:\d\d/);
    expect(await t.query('SELECT id FROM attendance_marks WHERE sitting_id = $1', [sittingId])).toHaveLength(1);

    // Offline: a scanned badge URL and a manual search are kept on the phone.
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await page.evaluate((url) => (window as unknown as { taphuanCheckin: { submitScan(s: string): Promise<unknown> } }).taphuanCheckin.submitScan(url), `${t.config.publicUrl}/checkin/t/${fx.enrollments[1].checkinToken}`);
    await page.fill('#manual-search', foldForSearch(fx.trainees[2].fullName));
    await page.click(`button[aria-label="Điểm danh ${fx.trainees[2].fullName}"]`);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '2');
    expect(await page.textContent('#checkin-result')).toContain('đã lưu trên máy');
    expect(await page.textContent('#queue-list')).toContain(fx.trainees[1].fullName);
    expect(await page.textContent('#net-state')).toContain('Ngoại tuyến');
    // Scanning the same badge again offline does not queue it twice.
    await page.evaluate((token) => (window as unknown as { taphuanCheckin: { submitScan(s: string): Promise<unknown> } }).taphuanCheckin.submitScan(token), fx.enrollments[1].checkinToken);
    expect(await page.textContent('#queue-count')).toBe('2');
    expect(await t.query('SELECT id FROM attendance_marks WHERE sitting_id = $1', [sittingId])).toHaveLength(1);
    const [{ offlineEnd }] = await t.query<{ offlineEnd: Date }>('SELECT now() AS "offlineEnd"');

    // Back online: the queue is sent and empties; the server has all three, with the scan times.
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 20000 });
    const marks = await t.query<{ enrollment_id: string; method: string; marked_at: Date; client_scan_id: string | null }>(
      'SELECT enrollment_id, method, marked_at, client_scan_id FROM attendance_marks WHERE sitting_id = $1 ORDER BY marked_at',
      [sittingId],
    );
    expect(marks.map((m) => m.enrollment_id).sort()).toEqual([fx.enrollments[0].id, fx.enrollments[1].id, fx.enrollments[2].id].sort());
    expect(marks.every((m) => m.method === 'qr' && m.client_scan_id)).toBe(true);
    for (const m of marks) expect(new Date(m.marked_at).getTime()).toBeLessThanOrEqual(new Date(offlineEnd).getTime());
    expect(await page.textContent('#roster-state')).toContain('đã điểm danh 3');
    await context.close();
  });
  it('opens again without a connection (the phone reloads the tab at a venue whose link dropped) and keeps checking in', async () => {
    const { fx, sittingId, context, page, url } = await openCheckin(3);
    // The service worker has kept the page and its files from this first visit.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => document.getElementById('checkin')!.dataset.offlineReady === '1', undefined, { timeout: 10000 });
    // Nothing from the browser's own HTTP cache (a phone short of space drops it): the worker alone serves.
    await (await context.newCDPSession(page)).send('Network.clearBrowserCache');
    await context.setOffline(true);
    await page.reload();
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.ready);
    await page.waitForFunction(() => document.getElementById('roster-state')!.textContent!.includes('3 học viên'));
    // The stylesheet came from the worker's cache as well.
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('checkin-result')!).borderRadius)).toBe('6px');
    await page.fill('#manual-search', foldForSearch(fx.trainees[1].fullName));
    await page.click(`button[aria-label="Điểm danh ${fx.trainees[1].fullName}"]`);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '1');
    expect(await marksOf(sittingId)).toHaveLength(0);
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 20000 });
    expect((await marksOf(sittingId)).map((m) => m.enrollment_id)).toEqual([fx.enrollments[1].id]);
    expect(page.url()).toBe(`${t.baseUrl}${url}`);
    await context.close();
  });

  it('leaves nothing of the course on a shared phone after signing out (pages, rosters), but keeps the scans still to send', async () => {
    const { fx, page } = await openCheckin(2);
    await page.waitForFunction(() => document.getElementById('checkin')!.dataset.offlineReady === '1', undefined, { timeout: 10000 });
    // The server is failing: a scan waits on the phone.
    await page.route('**/api/v1/attendance/**', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, error: 'x', message: 'Máy chủ đang bận.' }) }));
    await submitScan(page, fx.enrollments[0].checkinToken);
    expect(await queueCount(page)).toBe('1');
    const kept = () =>
      page.evaluate(async () => {
        const pages: string[] = [];
        for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) if (!new URL(r.url).pathname.startsWith('/assets/')) pages.push(new URL(r.url).pathname);
        const db = await (window as unknown as { idb: { openDB(n: string, v: number): Promise<{ count(s: string): Promise<number>; close(): void }> } }).idb.openDB('taphuan-checkin', 1);
        const counts = { rosters: await db.count('rosters'), queue: await db.count('queue') };
        db.close();
        return { pages, ...counts };
      });
    const before = await kept();
    expect(before.pages.length).toBeGreaterThan(0);
    expect(before).toMatchObject({ rosters: 1, queue: 1 });

    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.click('form[action="/logout"] button')]);
    expect(await page.textContent('#signed-out')).toContain('Bạn đã đăng xuất');
    await page.waitForFunction(() => document.documentElement.dataset.offlineCleared === '1');
    // The login page has no idb helper: read what is left with the browser's own API.
    const after = await page.evaluate(async () => {
      const pages: string[] = [];
      for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) if (!new URL(r.url).pathname.startsWith('/assets/')) pages.push(new URL(r.url).pathname);
      const db: IDBDatabase = await new Promise((res) => { const o = indexedDB.open('taphuan-checkin', 1); o.onsuccess = () => res(o.result); });
      const count = (store: string) => new Promise<number>((res) => { const q = db.transaction(store).objectStore(store).count(); q.onsuccess = () => res(q.result); });
      const counts = { rosters: await count('rosters'), queue: await count('queue') };
      db.close();
      return { pages, ...counts };
    });
    expect(after).toEqual({ pages: [], rosters: 0, queue: 1 });
    await page.context().close();
  });

  it('keeps the scans when the sign-in has expired, tells the operator to sign in again, and sends them once signed in', async () => {
    const { fx, sittingId, org, context, page, url } = await openCheckin(3);
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await submitScan(page, fx.enrollments[0].checkinToken);
    expect(await queueCount(page)).toBe('1');
    expect(await page.isVisible('#checkin-auth')).toBe(false);

    // The sign-in ends while the phone is offline (expired, or signed out elsewhere): the server now answers 403.
    await t.query('DELETE FROM http_sessions');
    await context.setOffline(false);
    await page.waitForSelector('#checkin-auth', { state: 'visible', timeout: 10000 });
    expect(await page.textContent('#checkin-auth')).toContain('Phiên đăng nhập đã hết hạn');
    expect(await page.getAttribute('#checkin-login', 'href')).toBe(`/login?next=${encodeURIComponent(url)}`);
    expect(await queueCount(page)).toBe('1');

    // A scan made meanwhile, online, is kept as well instead of being lost with an error.
    const r = await submitScan(page, fx.enrollments[1].checkinToken);
    expect(r).toMatchObject({ ok: true, queued: true });
    expect(await page.textContent('#checkin-result')).toContain('sẽ gửi sau khi đăng nhập lại');
    expect(await queueCount(page)).toBe('2');
    expect(await page.isVisible('#checkin-auth')).toBe(true);
    expect(await marksOf(sittingId)).toHaveLength(0);

    // The link leads to the sign-in form and back to this page, which sends the queue.
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.click('#checkin-login')]);
    await page.fill('#login', org.login);
    await page.fill('#password', org.password);
    await Promise.all([page.waitForURL((u) => u.pathname + u.search === url), page.click('button[type=submit]')]);
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.ready);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 10000 });
    expect(await page.isVisible('#checkin-auth')).toBe(false);
    expect((await marksOf(sittingId)).map((m) => m.enrollment_id).sort()).toEqual([fx.enrollments[0].id, fx.enrollments[1].id].sort());
    await context.close();
  });

  it('queues a scan the server does not answer within seconds, and the batch records it once', async () => {
    const { fx, sittingId, context, page } = await openCheckin(2);
    // A weak link: the scan reaches nothing and no answer ever comes back.
    await page.route('**/api/v1/attendance/scan', () => {});
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([submitScan(page, fx.enrollments[0].checkinToken), new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 20000)))]);
    clearTimeout(timer);
    const waited = Date.now() - started;
    expect(r).toMatchObject({ ok: true, queued: true });
    expect(waited).toBeGreaterThanOrEqual(7500);
    expect(waited).toBeLessThan(12000);
    expect(await page.textContent('#checkin-result')).toContain('đã lưu trên máy');
    expect(await queueCount(page)).toBe('1');

    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.sync());
    expect(await queueCount(page)).toBe('0');
    const marks = await marksOf(sittingId);
    expect(marks).toHaveLength(1);
    expect(marks[0].enrollment_id).toBe(fx.enrollments[0].id);
    await context.close();
  });

  it('sends the rest when one queued scan makes the server refuse the whole batch, and keeps that one in sight', async () => {
    const { fx, sittingId, context, page } = await openCheckin(3);
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    for (const e of fx.enrollments) await submitScan(page, e.checkinToken);
    expect(await queueCount(page)).toBe('3');
    // A batch holding the second trainee's scan is refused whole (as a malformed entry would be).
    const bad = fx.enrollments[1].checkinToken;
    let batches = 0;
    await page.route('**/api/v1/attendance/batch', async (route) => {
      batches++;
      const entries = (route.request().postDataJSON() as { entries: { token: string }[] }).entries;
      if (entries.some((x) => x.token === bad)) await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ statusCode: 400, message: 'Lượt quét không hợp lệ (thử).' }) });
      else await route.continue();
    });
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 10000 });
    expect((await marksOf(sittingId)).map((m) => m.enrollment_id).sort()).toEqual([fx.enrollments[0].id, fx.enrollments[2].id].sort());
    expect(await page.textContent('#checkin-result')).toContain('1 lượt quét bị máy chủ từ chối');
    const refused = await page.textContent('#refused-list');
    expect(refused).toContain(fx.trainees[1].fullName);
    expect(refused).toContain('Lượt quét không hợp lệ (thử).');
    // Not sent again.
    const sent = batches;
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.sync());
    expect(batches).toBe(sent);
    await context.close();
  });

  it('retries a failing server later each time, then sends', async () => {
    // The page's timers run on a clock the test moves forward.
    const { fx, sittingId, context, page } = await openCheckin(1, (p) => p.clock.install());
    let attempts = 0;
    await page.route('**/api/v1/attendance/batch', (route) => {
      attempts++;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, error: 'Dịch vụ tạm thời không khả dụng', message: 'Máy chủ đang bận.' }) });
    });
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await submitScan(page, fx.enrollments[0].checkinToken);
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('sync-state')!.textContent!.includes('15 giây'));
    expect(attempts).toBe(1);
    await page.clock.fastForward(10_000);
    await page.waitForTimeout(300);
    expect(attempts).toBe(1);
    await page.clock.fastForward(6_000);
    await page.waitForFunction(() => document.getElementById('sync-state')!.textContent!.includes('30 giây'));
    expect(attempts).toBe(2);
    await page.clock.fastForward(20_000);
    await page.waitForTimeout(300);
    expect(attempts).toBe(2);
    expect(await queueCount(page)).toBe('1');

    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.clock.fastForward(11_000);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0');
    expect(await page.textContent('#sync-state')).toBe('');
    expect(await marksOf(sittingId)).toHaveLength(1);
    await context.close();
  });

  it('warns the operator, from a scan made online, that the phone clock is far from the server, and stops once it is right', async () => {
    const { fx, context, page } = await openCheckin(2, (p) => p.clock.setFixedTime(new Date(Date.now() - 47 * 60_000)));
    expect(await page.isVisible('#checkin-clock')).toBe(false);
    await submitScan(page, fx.enrollments[0].checkinToken);
    await page.waitForSelector('#checkin-clock', { state: 'visible' });
    expect(await page.textContent('#checkin-clock')).toMatch(/Đồng hồ của điện thoại đang chậm khoảng 4[78] phút so với máy chủ/);
    // Set right (the phone takes the network's time): the next answer takes the warning down.
    await page.clock.setFixedTime(new Date());
    await submitScan(page, fx.enrollments[1].checkinToken);
    await page.waitForSelector('#checkin-clock', { state: 'hidden' });
    await context.close();
  });

  it('keeps in sight a queued scan refused for the phone clock, without blocking the others or sending it again', async () => {
    const { fx, sittingId, context, page, url } = await openCheckin(3);
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await submitScan(page, fx.enrollments[1].checkinToken);
    await submitScan(page, 'z'.repeat(32)); // not anyone's code: refused on its own
    // The phone's clock is three days behind when the third trainee is scanned (one day behind falls in the
    // check-in window of today's 00:00 sitting, which opens an hour early, when the test runs after 23:00).
    await page.clock.setFixedTime(new Date(Date.now() - 3 * 24 * 3600_000));
    await submitScan(page, fx.enrollments[0].checkinToken);
    expect(await queueCount(page)).toBe('3');

    let batches = 0;
    page.on('request', (req) => { if (req.url().endsWith('/api/v1/attendance/batch')) batches++; });
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 10000 });
    expect(batches).toBe(1);
    expect((await marksOf(sittingId)).map((m) => m.enrollment_id)).toEqual([fx.enrollments[1].id]);
    expect(await page.textContent('#checkin-result')).toContain('1 lượt quét chưa được ghi');
    expect(await page.isVisible('#refused')).toBe(true);
    expect(await page.textContent('#refused-count')).toBe('1');
    const refused = await page.textContent('#refused-list');
    expect(refused).toContain(fx.trainees[0].fullName);
    expect(refused).toContain('chưa đến giờ điểm danh');

    // Not sent again, and still there after the page is opened anew.
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.sync());
    expect(batches).toBe(1);
    await page.goto(`${t.baseUrl}${url}`);
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.ready);
    expect(await page.textContent('#refused-list')).toContain(fx.trainees[0].fullName);
    expect(batches).toBe(1);

    // The operator marks the trainee another way, then clears the entry.
    await page.click(`button[aria-label="Đã xử lý ${fx.trainees[0].fullName}"]`);
    await page.waitForSelector('#refused', { state: 'hidden' });
    await page.goto(`${t.baseUrl}${url}`);
    await page.evaluate(() => (window as unknown as CheckinWindow).taphuanCheckin.ready);
    expect(await page.isVisible('#refused')).toBe(false);
    expect(await marksOf(sittingId)).toHaveLength(1);
    await context.close();
  });

  it('projector page opened before the sitting shows the code once its window opens, and takes it down when it ends', async () => {
    const clock = t.app.get(Clock);
    const fx = await createEnrolledSessionFixture(t, 1);
    await t.query('UPDATE training_sessions SET self_checkin_enabled = true WHERE id = $1', [fx.session.id]);
    const org = await createUser(t, 'organiser');
    const context = await browser.newContext();
    const page = await signIn(context, t.baseUrl, org.login, org.password);
    await page.clock.install();
    clock.set('2025-09-25T06:00:00+07:00'); // the morning sitting (07:30) opens for check-in at 06:30
    try {
      await page.goto(`${t.baseUrl}/sessions/${fx.session.id}/self-checkin/display`);
      expect(await page.textContent('#self-heading')).toBe('Hiện không có buổi học nào đang mở điểm danh.');
      expect(await page.isVisible('#self-code')).toBe(false);

      clock.set('2025-09-25T07:10:00+07:00');
      await page.clock.fastForward(61_000);
      await page.waitForFunction(() => /^\d{6}$/.test(document.getElementById('self-code')!.textContent!), undefined, { timeout: 5000 });
      expect(await page.isVisible('#self-code')).toBe(true);
      expect(await page.textContent('#self-heading')).toMatch(/^Tự điểm danh · /);

      // The sign-in of the projector's browser expires: the code goes, with the reason (trainees would be refused).
      await t.query(`DELETE FROM http_sessions WHERE sess->>'userId' = $1`, [org.user.id]);
      await page.clock.fastForward(61_000);
      await page.waitForFunction(() => document.getElementById('self-heading')!.textContent!.includes('đăng nhập lại'), undefined, { timeout: 5000 });
      expect(await page.isVisible('#self-code')).toBe(false);
      // Signed in again (another tab): the code comes back.
      await signIn(context, t.baseUrl, org.login, org.password);
      await page.clock.fastForward(31_000);
      await page.waitForFunction(() => /^\d{6}$/.test(document.getElementById('self-code')!.textContent!), undefined, { timeout: 5000 });

      clock.set('2025-09-25T12:10:00+07:00'); // ended 11:30, closed 30 minutes later
      await page.clock.fastForward(61_000);
      await page.waitForFunction(() => document.getElementById('self-heading')!.textContent!.startsWith('Hiện không có'), undefined, { timeout: 5000 });
      expect(await page.isVisible('#self-code')).toBe(false);
    } finally {
      clock.set(null);
    }
    await context.close();
  });

  it('lets a trainee check in on a 360-px phone with the code the projector shows: the code field large, the button under it', async () => {
    const clock = t.app.get(Clock);
    const fx = await createEnrolledSessionFixture(t, 1);
    await t.query('UPDATE training_sessions SET self_checkin_enabled = true WHERE id = $1', [fx.session.id]);
    const org = await createUser(t, 'organiser');
    const trainee = await createUser(t, 'trainee');
    await t.query('UPDATE users SET trainee_id = $1 WHERE id = $2', [fx.trainees[0].id, trainee.user.id]);
    clock.set('2025-09-25T07:35:00+07:00');
    const projector = await browser.newContext();
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const display = await signIn(projector, t.baseUrl, org.login, org.password);
      await display.goto(`${t.baseUrl}/sessions/${fx.session.id}/self-checkin/display`);
      await display.waitForFunction(() => /^\d{6}$/.test(document.getElementById('self-code')!.textContent!), undefined, { timeout: 5000 });
      const code = (await display.textContent('#self-code'))!;

      const page = await signIn(phone, t.baseUrl, trainee.login, trainee.password);
      await page.goto(`${t.baseUrl}/attendance/me`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      const field = (await page.locator('input[name=code]').boundingBox())!;
      const button = (await page.locator('.self-checkin-form button').boundingBox())!;
      expect(field.width).toBeGreaterThanOrEqual(200);
      expect(button.y).toBeGreaterThanOrEqual(field.y + field.height);
      await page.fill('input[name=code]', code);
      await Promise.all([page.waitForURL(/\/attendance\/me/), page.click('.self-checkin-form button')]);
      expect(await page.textContent('body')).toContain('Đã điểm danh');
      const [mark] = await t.query<{ status: string; method: string }>(`SELECT status, method FROM attendance_marks WHERE enrollment_id = $1`, [fx.enrollments[0].id]);
      expect(mark).toMatchObject({ status: 'present' });
    } finally {
      clock.set(null);
      await projector.close();
      await phone.close();
    }
  });
});
