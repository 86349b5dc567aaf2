'use strict';
/**
 * The opening morning of a 500-trainee course: 500 QR check-ins arriving within the window (bunched
 * around the start, some trainees scanned twice) on 4 organisers' phones, while 6 organisers browse
 * the session, attendance, roster, report and check-in pages, and the phones refresh their roster.
 * Every client signs in through the login form and uses its cookie session and CSRF token, as the
 * browser does. Real time is compressed: the 5 minutes are played in BENCH_SECONDS (default 60,
 * i.e. 5× faster than the real morning; BENCH_SECONDS=300 plays it in real time).
 *
 * Baseline, same run: the same requests one at a time on the idle app before the morning starts.
 * Prints per request kind: count, non-2xx, p50/p95/p99/max under load, idle p50/p99, and the ratio.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/opening-morning.js
 */
require('reflect-metadata');
const { startApp, seedSession } = require('./attendance-bench-app');
const { Clock } = require('../dist/src/attendance/clock');
const { UsersService } = require('../dist/src/users/users.service');

const SECONDS = Number(process.env.BENCH_SECONDS || 60);
const TRAINEES = 500;
const IDLE_SCANS = 40;
const PHONES = 4;
const BROWSERS = 6;
const REPEAT_SHARE = 0.1; // trainees who are scanned a second time ("did it work?")
const PASSWORD = 'bench-password-1';

let rnd = 42;
const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648);
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A signed-in browser: cookie jar of one session, the CSRF token of the last page that had one. */
class Client {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }
  async request(path, init = {}) {
    const headers = { ...(init.headers || {}), cookie: this.cookie };
    const t0 = performance.now();
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    const body = await res.text();
    const ms = performance.now() - t0;
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) if (c.startsWith('taphuan.sid=')) this.cookie = c.split(';')[0];
    const meta = /name="csrf-token" content="([^"]+)"/.exec(body) || /name="_csrf" value="([^"]+)"/.exec(body);
    if (meta) this.csrf = meta[1];
    return { status: res.status, body, ms };
  }
  async login(email) {
    await this.request('/login');
    const form = new URLSearchParams({ _csrf: this.csrf, login: email, password: PASSWORD });
    const r = await this.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    if (r.status !== 303 && r.status !== 302) throw new Error(`login of ${email} answered ${r.status}`);
  }
  scan(token, sittingId) {
    return this.request('/api/v1/attendance/scan', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': this.csrf },
      body: JSON.stringify({ token, sittingId }),
    });
  }
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { n: ms.length, bad: samples.filter((s) => s.status >= 400).length, p50: pct(ms, 50), p95: pct(ms, 95), p99: pct(ms, 99), max: ms[ms.length - 1] };
}

async function main() {
  const t = await startApp('morning', { LOGIN_RATE_LIMIT: '1000' });
  const { sessionId, sittingIds, enrollments } = await seedSession(t.ds, { trainees: TRAINEES + IDLE_SCANS, sittings: 2 });
  t.app.get(Clock).set('2025-09-25T07:40:00+07:00');
  const users = t.app.get(UsersService);
  const emails = [];
  for (let i = 0; i < PHONES + BROWSERS; i++) {
    const email = `btc${i}@bench.local`;
    await users.create({ fullName: `Ban tổ chức ${i}`, email, role: 'organiser', password: PASSWORD }, null);
    emails.push(email);
  }
  await t.app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${t.app.getHttpServer().address().port}`;
  const sitting = sittingIds[0];
  const pages = {
    'page: session': `/sessions/${sessionId}`,
    'page: attendance summary': `/sessions/${sessionId}/attendance`,
    'page: roster (500)': `/sessions/${sessionId}/sittings/${sitting}/roster`,
    'page: check-in': `/sessions/${sessionId}/checkin`,
    'page: session report': `/sessions/${sessionId}/report`,
  };
  const rosterApi = `/api/v1/attendance/sessions/${sessionId}/sittings/${sitting}/roster`;

  const phones = [];
  for (let i = 0; i < PHONES; i++) {
    const c = new Client(base);
    await c.login(emails[i]);
    await c.request(pages['page: check-in']); // the page gives the CSRF token the scans carry
    phones.push(c);
  }
  const browsers = [];
  for (let i = 0; i < BROWSERS; i++) {
    const c = new Client(base);
    await c.login(emails[PHONES + i]);
    browsers.push(c);
  }

  // Idle baseline: the same requests one at a time (the first IDLE_SCANS trainees are scanned here).
  const idle = {};
  const add = (bucket, kind, r) => (bucket[kind] ??= []).push(r);
  for (let i = 0; i < 3; i++) for (const path of Object.values(pages)) await browsers[0].request(path); // warm-up
  for (let i = 0; i < IDLE_SCANS; i++) add(idle, 'scan (first)', await phones[i % PHONES].scan(enrollments[i].token, sitting));
  for (let i = 0; i < IDLE_SCANS; i++) add(idle, 'scan (again)', await phones[i % PHONES].scan(enrollments[i].token, sitting));
  for (let i = 0; i < 10; i++) add(idle, 'phone: roster refresh', await phones[0].request(rosterApi));
  for (const [kind, path] of Object.entries(pages)) for (let i = 0; i < 10; i++) add(idle, kind, await browsers[i % BROWSERS].request(path));

  // The morning: arrival times bunched around the middle of the window (sum of uniforms).
  const arrivals = enrollments.slice(IDLE_SCANS).map((e) => ({ token: e.token, at: ((random() + random() + random()) / 3) * SECONDS * 1000, again: random() < REPEAT_SHARE }));
  arrivals.sort((a, b) => a.at - b.at);
  const load = {};
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const end = SECONDS * 1000;
  const phoneWork = phones.map((phone, p) =>
    (async () => {
      let lastRoster = 0;
      for (let k = p; k < arrivals.length; k += PHONES) {
        const a = arrivals[k];
        await sleep(a.at - now());
        const r = await phone.scan(a.token, sitting);
        add(load, 'scan (first)', r);
        if (a.again) add(load, 'scan (again)', await phone.scan(a.token, sitting));
        if (now() - lastRoster > 15000) {
          lastRoster = now();
          add(load, 'phone: roster refresh', await phone.request(rosterApi));
        }
      }
    })(),
  );
  const kinds = Object.keys(pages);
  const browserWork = browsers.map((b) =>
    (async () => {
      while (now() < end) {
        const kind = kinds[Math.floor(random() * kinds.length)];
        add(load, kind, await b.request(pages[kind]));
        await sleep(500 + random() * 1500); // an organiser reads the page
      }
    })(),
  );
  await Promise.all([...phoneWork, ...browserWork]);
  const elapsed = now();

  const [{ marks }] = await t.ds.query('SELECT count(*)::int AS marks FROM attendance_marks WHERE sitting_id = $1', [sitting]);
  const rows = Object.keys(load).map((kind) => ({ kind, load: stats(load[kind]), idle: stats(idle[kind] || []) }));
  const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
  console.log(`Opening morning: ${TRAINEES} trainees on ${PHONES} phones + ${BROWSERS} organisers browsing, ${SECONDS} s (${((300 / SECONDS) || 0).toFixed(1)}× real time), Node ${process.version}`);
  console.log(`played in ${(elapsed / 1000).toFixed(1)} s; marks for the sitting: ${marks} (expected ${TRAINEES + IDLE_SCANS})`);
  console.log('| request | n | non-2xx | p50 ms | p95 ms | p99 ms | max ms | idle p50 | idle p99 | p99 load / idle |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.kind} | ${r.load.n} | ${r.load.bad} | ${f(r.load.p50)} | ${f(r.load.p95)} | ${f(r.load.p99)} | ${f(r.load.max)} | ${f(r.idle.p50)} | ${f(r.idle.p99)} | ${f(r.load.p99 / r.idle.p99)}× |`);
  }
  const bad = rows.reduce((s, r) => s + r.load.bad, 0);
  if (marks !== TRAINEES + IDLE_SCANS || bad) console.log(`PROBLEM: ${bad} failed requests, ${marks} marks`);
  await t.close();
  process.exit(marks === TRAINEES + IDLE_SCANS && !bad ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
