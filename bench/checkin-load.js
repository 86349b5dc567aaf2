'use strict';
/**
 * Check-in endpoint under load: POST /api/v1/attendance/scan with 50 concurrent connections
 * (autocannon, loopback), compared in the same run with a bare Nest JSON endpoint (a one-controller
 * Nest app, no middleware, no database). Scans cycle over 1,000 enrolled trainees: the first pass
 * records marks (during the warm-up), later passes answer "already checked in" (what a busy door looks
 * like). Three interleaved rounds of 10 s each (BENCH_ROUNDS, BENCH_SECONDS); the targets are judged on
 * the medians.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/checkin-load.js
 */
require('reflect-metadata');
const autocannon = require('autocannon');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { startApp, seedSession } = require('./attendance-bench-app');
const { Clock } = require('../dist/src/attendance/clock');
const { UsersService } = require('../dist/src/users/users.service');

const DURATION = Number(process.env.BENCH_SECONDS || 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = 50;

function run(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

async function bareNest() {
  class PingController {
    ping() {
      return { ok: true, at: new Date().toISOString() };
    }
  }
  Controller('ping')(PingController);
  Get()(PingController.prototype, 'ping', Object.getOwnPropertyDescriptor(PingController.prototype, 'ping'));
  class BareModule {}
  Module({ controllers: [PingController] })(BareModule);
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

async function main() {
  const t = await startApp('checkin', process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {});
  const { sittingIds, enrollments } = await seedSession(t.ds, { trainees: 1000, sittings: 2 });
  t.app.get(Clock).set('2025-09-25T07:40:00+07:00');
  const [{ id: organiserId }] = await t.ds.query(`INSERT INTO users (email, full_name, name_search, role) VALUES ('org@bench.local', 'Ban tổ chức', 'ban to chuc', 'organiser') RETURNING id`);
  const apiToken = await t.app.get(UsersService).issueApiToken(organiserId);
  await t.app.listen(0, '127.0.0.1');
  const appUrl = `http://127.0.0.1:${t.app.getHttpServer().address().port}`;
  const bare = await bareNest();
  const bareUrl = `http://127.0.0.1:${bare.getHttpServer().address().port}/ping`;

  // Warm-up both.
  await run({ url: bareUrl, duration: 2 });
  let i = 0;
  const scanOpts = {
    url: `${appUrl}/api/v1/attendance/scan`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` },
    requests: [
      {
        setupRequest: (req) => {
          const e = enrollments[i++ % enrollments.length];
          return { ...req, body: JSON.stringify({ token: e.token, sittingId: sittingIds[0] }) };
        },
      },
    ],
  };
  await run({ ...scanOpts, duration: 2 });

  // Interleaved rounds, each endpoint in turn (the order swapped every round), and the medians: on this
  // shared machine one 10-second run of either endpoint varies by ±25 % from the next.
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['bare', 'checkin'] : ['checkin', 'bare'];
    const round = {};
    for (const which of order) round[which] = await run(which === 'bare' ? { url: bareUrl } : scanOpts);
    rounds.push(round);
  }
  await new Promise((r) => setTimeout(r, 1500)); // let the last in-flight scans finish before counting
  const [{ marks }] = await t.ds.query('SELECT count(*)::int AS marks FROM attendance_marks WHERE sitting_id = $1', [sittingIds[0]]);
  const [{ audits }] = await t.ds.query(`SELECT count(*)::int AS audits FROM audit_log WHERE action = 'attendance.mark'`);

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perRound = rounds.map((r) => ({
    bare: { reqPerSec: Math.round(r.bare.requests.average), p99ms: r.bare.latency.p99 },
    checkin: { reqPerSec: Math.round(r.checkin.requests.average), p50ms: r.checkin.latency.p50, p99ms: r.checkin.latency.p99, non2xx: r.checkin.non2xx, errors: r.checkin.errors },
    ratio: Math.round((r.checkin.requests.average / r.bare.requests.average) * 1000) / 10,
  }));
  const ratio = median(perRound.map((r) => r.ratio));
  const p99 = median(perRound.map((r) => r.checkin.p99ms));
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rounds: perRound,
    median: { ratio: ratio + ' %', checkinP99ms: p99, bareReqPerSec: median(perRound.map((r) => r.bare.reqPerSec)), checkinReqPerSec: median(perRound.map((r) => r.checkin.reqPerSec)) },
    non2xx: perRound.reduce((n, r) => n + r.checkin.non2xx, 0),
    errors: perRound.reduce((n, r) => n + r.checkin.errors, 0),
    marksCreated: marks,
    auditEntries: audits,
    targets: { ratioAtLeast50: ratio >= 50, p99Below100ms: p99 < 100 },
  };
  console.log(JSON.stringify(out, null, 2));
  await bare.close();
  await t.close();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
