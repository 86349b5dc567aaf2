/**
 * Agenda page of a session with 40 topics and 200 materials: median server
 * time (sequential requests on loopback) and throughput, compared in the same
 * run with a bare NestJS endpoint that returns a small JSON.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/agenda-page.js
 *   (without DATABASE_URL the embedded PGlite database is used)
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir, cpus } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { loadConfig } = dist('config/app-config');
const { createApp } = dist('app.factory');
const { runMigrations } = dist('database/migrate');
const { startEmbeddedPostgres } = dist('database/embedded/embedded-postgres');
const { SetupService } = dist('setup/setup.service');
const { UsersService } = dist('users/users.service');
const { TrainingSessionsService } = dist('training-sessions/training-sessions.service');
const { Topic } = dist('training-sessions/topic.entity');
const { Material } = dist('training-sessions/material.entity');

const SEQUENTIAL = Number(process.env.BENCH_REQUESTS || 300);
const DURATION = Number(process.env.BENCH_SECONDS || 5);

async function database() {
  if (process.env.DATABASE_URL) {
    const name = `bench_agenda_${Date.now().toString(36)}`;
    const admin = process.env.DATABASE_URL;
    const q = async (sql) => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await q(`CREATE DATABASE "${name}"`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    await runMigrations(u.toString());
    return { url: u.toString(), kind: 'PostgreSQL', drop: () => q(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'taphuan-bench-'));
  const pg = await startEmbeddedPostgres(dir);
  await runMigrations(pg.url);
  return { url: pg.url, kind: 'embedded PGlite', drop: async () => { await pg.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

function request(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path, headers: cookie ? { cookie } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

function post(port, path, body, cookie) {
  return new Promise((resolve, reject) => {
    const data = new URLSearchParams(body).toString();
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(data), cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function measure(port, path, cookie) {
  for (let i = 0; i < 30; i++) await request(port, path, cookie); // warm-up
  const times = [];
  let bytes = 0;
  for (let i = 0; i < SEQUENTIAL; i++) {
    const r = await request(port, path, cookie);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))];
  const ac = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 10, duration: DURATION, headers: cookie ? { cookie } : {} });
  return { median: pct(50), p95: pct(95), bytes, rps: ac.requests.average, non2xx: ac.non2xx };
}

async function bareNest() {
  class PingController {
    ping() {
      return { ok: true, service: 'taphuan' };
    }
  }
  Get('ping')(PingController.prototype, 'ping', Object.getOwnPropertyDescriptor(PingController.prototype, 'ping'));
  Controller()(PingController);
  class PingModule {}
  Module({ controllers: [PingController] })(PingModule);
  const app = await NestFactory.create(PingModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

async function main() {
  const db = await database();
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED_DEMO: 'false', ADMIN_EMAIL: 'admin@bench.local', ADMIN_PASSWORD: 'bench-admin-1', DATA_DIR: mkdtempSync(join(tmpdir(), 'taphuan-bench-data-')), SESSION_SECRET: 'bench', RUN_JOBS: 'false' });
  const app = await createApp(config, db.url);
  await app.init();
  await app.get(SetupService).run();
  await app.listen(0, '127.0.0.1');
  const port = app.getHttpServer().address().port;

  // Fixtures: an organiser, 6 lecturers, a 5-day session (10 sittings), 40 topics, 200 materials.
  const users = app.get(UsersService);
  const { user: organiser } = await users.create({ fullName: 'Ban tổ chức', email: 'btc@bench.local', role: 'organiser', password: 'bench-organiser' }, null);
  const lecturers = [];
  for (let i = 0; i < 6; i++) lecturers.push((await users.create({ fullName: `Báo cáo viên ${i + 1}`, email: `bcv${i}@bench.local`, role: 'lecturer', password: 'bench-lecturer' }, null)).user);
  const actor = { id: organiser.id, role: 'organiser', email: organiser.email, phone: null, fullName: organiser.fullName, traineeId: null };
  const sessions = app.get(TrainingSessionsService);
  const session = await sessions.create({ title: 'Lớp tập huấn đo hiệu năng chương trình', organisingUnit: 'Bộ Nội vụ', hostProvinceCode: '12', venue: 'Hội trường tỉnh Lai Châu', startDate: '2026-09-21', endDate: '2026-09-25' }, actor);
  const sittings = await sessions.listSittings(session.id);
  const ds = app.get(require('typeorm').DataSource);
  const slots = { morning: [['07:30', '08:20'], ['08:20', '09:10'], ['09:20', '10:30'], ['10:30', '11:30']], afternoon: [['13:30', '14:20'], ['14:20', '15:10'], ['15:20', '16:10'], ['16:10', '17:00']] };
  let position = 0;
  for (const s of sittings) {
    for (const [start, end] of slots[s.part]) {
      const topic = await ds.getRepository(Topic).save({ sessionId: session.id, kind: 'topic', title: `Chuyên đề ${++position}: Hướng dẫn triển khai nội dung thành phần của Chương trình mục tiêu quốc gia`, summary: 'Tóm tắt nội dung chuyên đề.', sittingId: s.id, startTime: `${start}:00`, endTime: `${end}:00`, position, lecturers: [lecturers[position % 6], lecturers[(position + 1) % 6]] });
      for (let v = 0; v < 5; v++) {
        const id = randomUUID();
        await ds.getRepository(Material).save({ id, topicId: topic.id, seriesId: id, version: 1, title: `Tài liệu ${v + 1} của chuyên đề ${position}`, originalName: `Tài liệu ${v + 1}.pdf`, contentType: 'application/pdf', size: '123456', sha256: 'a'.repeat(64), storageKey: `materials/${session.id}/${id}`, uploadedById: lecturers[0].id });
      }
    }
  }
  const counts = (await ds.query(`SELECT (SELECT count(*)::int FROM topics) AS topics, (SELECT count(*)::int FROM materials) AS materials`))[0];

  // Sign in as the organiser (cookie session, as a browser).
  const loginPage = await request(port, '/login');
  let cookie = loginPage.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  const html = await new Promise((resolve) => http.get({ host: '127.0.0.1', port, path: '/login', headers: { cookie } }, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); }));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)[1];
  const res = await post(port, '/login', { login: 'btc@bench.local', password: 'bench-organiser', _csrf: csrf }, cookie);
  cookie = res.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');

  const bare = await bareNest();
  const barePort = bare.getHttpServer().address().port;

  const agenda = await measure(port, `/sessions/${session.id}/agenda`, cookie);
  const baseline = await measure(barePort, '/ping');
  const fmt = (n) => n.toFixed(2);
  console.log(`Agenda page, ${counts.topics} topics, ${counts.materials} materials, ${db.kind}, Node ${process.version}, ${cpus().length} cores`);
  console.log(`| endpoint | median ms | p95 ms | body bytes | req/s (10 conn, ${DURATION}s) |`);
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| GET /sessions/:id/agenda (signed in) | ${fmt(agenda.median)} | ${fmt(agenda.p95)} | ${agenda.bytes} | ${Math.round(agenda.rps)} |`);
  console.log(`| bare Nest GET /ping (small JSON) | ${fmt(baseline.median)} | ${fmt(baseline.p95)} | ${baseline.bytes} | ${Math.round(baseline.rps)} |`);
  console.log(`ratio agenda/bare: median ×${(agenda.median / baseline.median).toFixed(1)}, throughput ×${(baseline.rps / agenda.rps).toFixed(1)} fewer req/s`);
  await bare.close();
  await app.close();
  await db.drop();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
