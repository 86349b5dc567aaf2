'use strict';
/**
 * XLSX export of a session with 1,000 trainees × 10 sittings (every mark filled): time and peak memory
 * of the streamed export (exceljs WorkbookWriter) through the real service, against the baseline of
 * exceljs alone writing the same grid in memory (Workbook + writeBuffer) in the same run.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --expose-gc bench/attendance-export.js
 */
require('reflect-metadata');
const { Writable } = require('node:stream');
const ExcelJS = require('exceljs');
const { startApp, seedSession } = require('./attendance-bench-app');
const { AttendanceExportService } = require('../dist/src/attendance/attendance-export.service');

const TRAINEES = Number(process.env.BENCH_TRAINEES || 1000);
const SITTINGS = 10;
const ORGANISER = { id: '00000000-0000-0000-0000-000000000000', role: 'organiser', fullName: 'Bench', email: null, phone: null, traineeId: null };

/** Counts bytes, keeps nothing (like a socket that drains). */
function sink() {
  let bytes = 0;
  const w = new Writable({
    write(chunk, _enc, cb) {
      bytes += chunk.length;
      setImmediate(cb);
    },
  });
  w.bytes = () => bytes;
  return w;
}

/** Runs fn while sampling RSS and heap every 10 ms; returns time and peaks above the starting point. */
async function measure(fn) {
  if (global.gc) global.gc();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  const mb = (b) => Math.round((b / 1024 / 1024) * 10) / 10;
  return { ms: Math.round(ms), peakRssMb: mb(peakRss), rssGrowthMb: mb(peakRss - start.rss), peakHeapGrowthMb: mb(peakHeap - start.heapUsed), result };
}

async function main() {
  const t = await startApp('export');
  const { sessionId, sittingIds } = await seedSession(t.ds, { trainees: TRAINEES, sittings: SITTINGS });
  const statuses = ['present', 'present', 'present', 'late', 'excused', 'absent'];
  await t.ds.query(
    `INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method)
     SELECT e.id, s.id, ($3::text[])[1 + (abs(hashtext(e.id::text || s.id::text)) % 6)], now(), 'roster'
       FROM enrollments e CROSS JOIN sittings s WHERE e.session_id = $1 AND s.session_id = $1 AND s.id = ANY($2::uuid[])`,
    [sessionId, sittingIds, statuses],
  );
  const exporter = t.app.get(AttendanceExportService);

  // Warm-up (fonts, code paths), then measure.
  await (await exporter.xlsx(sessionId, ORGANISER)).write(sink());
  const feature = await measure(async () => {
    const out = sink();
    await (await exporter.xlsx(sessionId, ORGANISER)).write(out);
    return out.bytes();
  });

  // Baseline: exceljs alone, the same grid built in memory and written to a buffer (no database).
  const baseline = await measure(async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Điểm danh');
    ws.addRow(['STT', 'Họ và tên', 'Chức vụ', 'Xã/phường', 'Tỉnh/thành phố', ...sittingIds.map((_, i) => `Buổi ${i + 1}`), 'Số buổi có mặt', 'Tỷ lệ (%)', 'Đạt điều kiện']);
    for (let i = 0; i < TRAINEES; i++) {
      ws.addRow([i + 1, `Lò Văn Học Viên ${i + 1}`, 'Công chức Văn phòng - Thống kê', 'Xã Sin Suối Hồ', 'Tỉnh Lai Châu', ...sittingIds.map((_, j) => 'xxxMPV'[(i + j) % 6]), 8, 80, 'Đạt']);
    }
    const buf = await wb.xlsx.writeBuffer();
    return buf.byteLength;
  });

  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        trainees: TRAINEES,
        sittings: SITTINGS,
        streamedExport: { ms: feature.ms, bytes: feature.result, peakRssMb: feature.peakRssMb, rssGrowthMb: feature.rssGrowthMb, peakHeapGrowthMb: feature.peakHeapGrowthMb },
        exceljsInMemoryBaseline: { ms: baseline.ms, bytes: baseline.result, peakRssMb: baseline.peakRssMb, rssGrowthMb: baseline.rssGrowthMb, peakHeapGrowthMb: baseline.peakHeapGrowthMb },
        timeRatio: Math.round((feature.ms / baseline.ms) * 100) / 100,
      },
      null,
      2,
    ),
  );
  await t.close();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
