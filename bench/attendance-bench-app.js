'use strict';
/**
 * Shared by the attendance benchmarks: a fresh PostgreSQL database (DATABASE_URL's server),
 * migrated, with the real app on it, and a session with N enrolled trainees written in bulk.
 * Run `npm run build` first.
 */
require('reflect-metadata');
const { Client } = require('pg');
const { loadConfig } = require('../dist/src/config/app-config');
const { runMigrations } = require('../dist/src/database/migrate');
const { createApp } = require('../dist/src/app.factory');
const { SetupService } = require('../dist/src/setup/setup.service');

const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function withDb(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** `env`: extra settings for loadConfig (e.g. a higher login rate limit for many simulated users). */
async function startApp(tag, env = {}) {
  const name = `bench_${tag}_${process.pid}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDb(ADMIN_URL, name);
  await runMigrations(url);
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED_DEMO: 'false', ADMIN_EMAIL: 'admin@bench.local', ADMIN_PASSWORD: 'bench-password-1', SESSION_SECRET: 'bench-secret', RUN_JOBS: 'false', DATA_DIR: `/tmp/taphuan-bench-${process.pid}`, ...env });
  const app = await createApp(config, url);
  await app.init();
  await app.get(SetupService).run();
  return {
    app,
    config,
    ds: app.get(require('typeorm').DataSource),
    async close() {
      await app.close();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** A session with `sittings` sittings (2 a day from 2025-09-25) and `trainees` enrolled trainees. */
async function seedSession(ds, { trainees, sittings }) {
  const [{ id: sessionId }] = await ds.query(
    `INSERT INTO training_sessions (title, title_search, organising_unit, host_province_code, venue, start_date, end_date, status)
     VALUES ('Lớp đo hiệu năng điểm danh', 'lop do hieu nang diem danh', 'Bộ Nội vụ', '12', 'Hội trường tỉnh Lai Châu', '2025-09-25', '2025-10-10', 'ongoing') RETURNING id`,
  );
  const sittingIds = [];
  for (let i = 0; i < sittings; i++) {
    const d = new Date(Date.UTC(2025, 8, 25 + Math.floor(i / 2))).toISOString().slice(0, 10);
    const [row] = await ds.query(
      `INSERT INTO sittings (session_id, date, part, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [sessionId, d, i % 2 ? 'afternoon' : 'morning', i % 2 ? '13:30' : '07:30', i % 2 ? '17:00' : '11:30'],
    );
    sittingIds.push(row.id);
  }
  await ds.query(
    `INSERT INTO trainees (full_name, name_search, gender, position, commune_code, province_code)
     SELECT 'Lò Văn Học Viên ' || g, 'lo van hoc vien ' || g, 'male', 'Công chức Văn phòng - Thống kê', '03394', '12' FROM generate_series(1, $1) g`,
    [trainees],
  );
  const enrollments = await ds.query(
    `INSERT INTO enrollments (session_id, trainee_id, status, checkin_token)
     SELECT $1, t.id, 'confirmed', md5(random()::text) || md5(t.id::text) FROM trainees t WHERE t.name_search LIKE 'lo van hoc vien %'
     RETURNING id, checkin_token AS token`,
    [sessionId],
  );
  return { sessionId, sittingIds, enrollments };
}

module.exports = { startApp, seedSession, admin, withDb };
