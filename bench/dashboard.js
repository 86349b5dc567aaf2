'use strict';
/**
 * Programme dashboard with 100 sessions and 30,000 trainees (2 sittings per
 * session, ~60,000 enrolments, marks for most of them): median server time of
 * GET /api/v1/reports/dashboard, against a bare NestJS JSON endpoint in the
 * same run. Needs `npm run build`; uses DATABASE_URL (a scratch database is
 * created and dropped) or the embedded database when unset.
 *
 *   node bench/dashboard.js
 */
process.env.LOG_LEVEL = 'silent';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { bareNest, timeIt, fmt } = require('./lib');

const ROOT = join(__dirname, '..', 'dist', 'src');
const { loadConfig } = require(join(ROOT, 'config/app-config'));
const { runMigrations } = require(join(ROOT, 'database/migrate'));
const { startEmbeddedPostgres } = require(join(ROOT, 'database/embedded/embedded-postgres'));
const { createApp } = require(join(ROOT, 'app.factory'));
const { SetupService } = require(join(ROOT, 'setup/setup.service'));

async function database() {
  const admin = process.env.DATABASE_URL;
  if (admin) {
    const name = `bench_dashboard_${process.pid}`;
    const c = new Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      kind: 'PostgreSQL',
      drop: async () => {
        const d = new Client({ connectionString: admin });
        await d.connect();
        await d.query(`DROP DATABASE "${name}" WITH (FORCE)`);
        await d.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-pgl-'));
  const e = await startEmbeddedPostgres(dir);
  return { url: e.url, kind: 'embedded PGlite', drop: async () => { await e.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

async function seed(url) {
  const c = new Client({ connectionString: url });
  await c.connect();
  const t0 = Date.now();
  await c.query(`
    WITH communes AS (SELECT code, province_code, row_number() OVER (ORDER BY code) AS i FROM communes),
         n AS (SELECT count(*) AS n FROM communes)
    INSERT INTO trainees (full_name, name_search, gender, date_of_birth, birth_year, ethnic_group_code, position, commune_code, province_code)
    SELECT 'Học viên ' || g, 'hoc vien ' || g, CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END, date '1980-01-01' + (g % 7000),
           1980 + (g % 19), lpad(((g % 54) + 1)::text, 2, '0'), CASE WHEN g % 3 = 0 THEN 'Chủ tịch UBND xã' ELSE 'Công chức' END,
           c.code, c.province_code
      FROM generate_series(1, 30000) g JOIN communes c ON c.i = 1 + (g % (SELECT n FROM n))`);
  await c.query(`
    INSERT INTO training_sessions (title, title_search, organising_unit, host_province_code, venue, start_date, end_date, status)
    SELECT 'Lớp ' || g, 'lop ' || g, 'Bộ Nội vụ', '12', 'Hội trường', date '2025-01-06' + g * 3, date '2025-01-06' + g * 3 + 1, 'completed'
      FROM generate_series(1, 100) g`);
  await c.query(`
    INSERT INTO sittings (session_id, date, part, starts_at, ends_at)
    SELECT s.id, s.start_date, p.part, p.st, p.en FROM training_sessions s
      CROSS JOIN (VALUES ('morning', time '07:30', time '11:30'), ('afternoon', time '13:30', time '17:00')) p(part, st, en)`);
  await c.query(`
    WITH s AS (SELECT id, row_number() OVER (ORDER BY start_date) AS i FROM training_sessions),
         t AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM trainees)
    INSERT INTO enrollments (session_id, trainee_id, status, checkin_token)
    SELECT s.id, t.id, 'confirmed', md5(s.id::text || t.id::text)
      FROM t JOIN s ON s.i IN (1 + t.i % 100, 1 + (t.i + 37) % 100)`);
  await c.query(`
    INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method)
    SELECT e.id, si.id, CASE WHEN abs(hashtext(e.id::text || si.id::text)) % 10 = 0 THEN 'absent' WHEN abs(hashtext(e.id::text)) % 7 = 0 THEN 'late' ELSE 'present' END, now(), 'qr'
      FROM enrollments e JOIN sittings si ON si.session_id = e.session_id
     WHERE abs(hashtext(e.id::text || si.part)) % 20 <> 0`);
  await c.query('ANALYZE');
  const [{ enrollments }] = (await c.query('SELECT count(*)::int AS enrollments FROM enrollments')).rows;
  const [{ marks }] = (await c.query('SELECT count(*)::int AS marks FROM attendance_marks')).rows;
  await c.end();
  return { enrollments, marks, seconds: (Date.now() - t0) / 1000 };
}

async function main() {
  const db = await database();
  try {
    await runMigrations(db.url);
    const data = await seed(db.url);
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', SEED_DEMO: 'false', ADMIN_EMAIL: 'bench@local', ADMIN_PASSWORD: 'bench-password', DATABASE_URL: db.url });
    const app = await createApp(config, db.url);
    await app.init();
    await app.get(SetupService).run();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    const { UsersService } = require(join(ROOT, 'users/users.service'));
    const [{ id }] = await app.get(require('typeorm').DataSource).query(`SELECT id FROM users WHERE email = 'bench@local'`);
    const token = await app.get(UsersService).issueApiToken(id);
    const headers = { authorization: `Bearer ${token}` };
    const bare = await bareNest();
    const dashboardUrl = `${base}/api/v1/reports/dashboard?from=2025-01-01&to=2025-12-31`;
    const check = await (await fetch(dashboardUrl, { headers })).json();
    await fetch(bare.url);
    const runs = 15;
    const baseline = await timeIt(() => fetch(bare.url).then((r) => r.json()), 200);
    const dash = await timeIt(() => fetch(dashboardUrl, { headers }).then((r) => r.json()), runs);
    const mountain = await timeIt(() => fetch(`${dashboardUrl}&preset=mountain-15`, { headers }).then((r) => r.json()), runs);
    console.log(`database: ${db.kind}; data: 100 sessions, 30,000 trainees, ${data.enrollments} enrolments, ${data.marks} marks (seeded in ${fmt(data.seconds)} s)`);
    console.log(`dashboard check: ${check.summary.sessions} sessions, ${check.summary.enrolled} enrolments, attendance ${check.summary.attendancePct}%`);
    console.log(`bare Nest JSON endpoint: median ${fmt(baseline.median, 2)} ms`);
    console.log(`dashboard: median ${fmt(dash.median)} ms, p95 ${fmt(dash.p95)} ms (${runs} runs), ratio to bare ${fmt(dash.median / baseline.median, 0)}x`);
    console.log(`dashboard, 15 mountain provinces: median ${fmt(mountain.median)} ms, p95 ${fmt(mountain.p95)} ms`);
    await bare.close();
    await app.close();
  } finally {
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
