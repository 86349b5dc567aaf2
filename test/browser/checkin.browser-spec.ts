import { Browser } from 'playwright-core';
import { launchBrowser, serveApp, ServedApp, signIn } from '../support/browser';
import { createUser } from '../support/factories';
import { createEnrolledSessionFixture } from '../support/fixtures';
import { foldForSearch } from '../../src/common/text/vietnamese';
import { todayInVietnam } from '../../src/certificates/certificate-rules';


describe('browser: check-in phone, online then offline', () => {
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

  it('checks a trainee in, keeps two scans while offline, and syncs all three when back online', async () => {
    // The browser stamps scans with its real clock, so the sitting runs today, all day.
    const fx = await createEnrolledSessionFixture(t, 4, { startDate: todayInVietnam(), days: 1 });
    const sitting = fx.sittings[0];
    await t.query(`UPDATE sittings SET starts_at = '00:00:00', ends_at = '23:59:59' WHERE id = $1`, [sitting.id]);
    const org = await createUser(t, 'organiser');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, t.baseUrl, org.login, org.password);
    await page.goto(`${t.baseUrl}/sessions/${fx.session.id}/checkin?sitting=${sitting.id}`);
    await page.evaluate(() => (window as unknown as { taphuanCheckin: { ready: Promise<void> } }).taphuanCheckin.ready);
    await page.waitForFunction(() => document.getElementById('roster-state')!.textContent!.includes('4 học viên'));

    // Online: manual search (without diacritics) and the "Điểm danh" button.
    await page.fill('#manual-search', foldForSearch(fx.trainees[0].fullName));
    await page.click(`button[aria-label="Điểm danh ${fx.trainees[0].fullName}"]`);
    await page.waitForFunction((name) => document.getElementById('checkin-result')!.textContent!.startsWith(name), fx.trainees[0].fullName);
    expect(await page.textContent('#checkin-result')).toMatch(/(có mặt|đến muộn) lúc \d\d:\d\d/);
    expect(await t.query('SELECT id FROM attendance_marks WHERE sitting_id = $1', [sitting.id])).toHaveLength(1);

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
    expect(await t.query('SELECT id FROM attendance_marks WHERE sitting_id = $1', [sitting.id])).toHaveLength(1);
    const [{ offlineEnd }] = await t.query<{ offlineEnd: Date }>('SELECT now() AS "offlineEnd"');

    // Back online: the queue is sent and empties; the server has all three, with the scan times.
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-count')!.textContent === '0', undefined, { timeout: 20000 });
    const marks = await t.query<{ enrollment_id: string; method: string; marked_at: Date; client_scan_id: string | null }>(
      'SELECT enrollment_id, method, marked_at, client_scan_id FROM attendance_marks WHERE sitting_id = $1 ORDER BY marked_at',
      [sitting.id],
    );
    expect(marks.map((m) => m.enrollment_id).sort()).toEqual([fx.enrollments[0].id, fx.enrollments[1].id, fx.enrollments[2].id].sort());
    expect(marks.every((m) => m.method === 'qr' && m.client_scan_id)).toBe(true);
    for (const m of marks) expect(new Date(m.marked_at).getTime()).toBeLessThanOrEqual(new Date(offlineEnd).getTime());
    expect(await page.textContent('#roster-state')).toContain('đã điểm danh 3');
    await context.close();
  });
});
