/* eslint-disable */
// Benchmark: N certificates rendered and zipped by the app's code (worker-thread
// pool + streamed ZIP) vs a bare single-threaded loop of the same pdfkit drawing
// + archiver, in the same run. Usage: npm run build && node bench/certificates.js [N...]
const { Writable } = require('node:stream');
const { availableParallelism } = require('node:os');
const { ZipArchive } = require('archiver');
const { drawCertificatePage, newCertificateDocument } = require('../dist/src/certificates/certificate-pdf');
const { CertificateRenderPool } = require('../dist/src/certificates/certificate-render-pool');
const { writeCertificatesZip } = require('../dist/src/certificates/certificate-zip');

const FAMILY = ['Lò', 'Vàng', 'Giàng', 'Sùng', 'Hoàng', 'Nguyễn', 'Tòng', 'Lù'];
const MIDDLE = ['Văn', 'Thị', 'A', 'Seo', 'Thị Mỷ'];
const GIVEN = ['Dũng', 'Hương', 'Páo', 'Mỷ', 'Chứ', 'Sình', 'Thắm', 'Khải'];

function content(i) {
  const name = `${FAMILY[i % 8]} ${MIDDLE[i % 5]} ${GIVEN[(i * 7) % 8]}`;
  const code = (i.toString(32).toUpperCase() + 'ABCDEFGHJKMNPQRSTVWXYZ').slice(0, 20);
  return {
    nationalHeading: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', motto: 'Độc lập - Tự do - Hạnh phúc',
    issuerParent: 'Bộ Nội vụ', issuerName: 'Vụ Chính quyền địa phương', title: 'GIẤY CHỨNG NHẬN',
    wording: 'Đã hoàn thành khóa tập huấn', traineeName: name, dateOfBirth: '1985-01-02',
    position: 'Công chức Văn phòng - Thống kê', unit: 'UBND xã Sin Suối Hồ, tỉnh Lai Châu',
    courseTitle: 'Bồi dưỡng kiến thức quản lý nhà nước cho cán bộ, công chức cấp xã vùng đồng bào dân tộc thiểu số và miền núi',
    startDate: '2025-09-22', endDate: '2025-09-25', venue: 'Hội trường tỉnh Lai Châu', placeName: 'Lai Châu',
    issueDate: '2025-09-25', signerTitle: 'Vụ trưởng', signerName: 'Nguyễn Văn An', serial: `${i + 1}/2025/GCN-BNV`,
    verifyUrl: `https://taphuan.example.vn/verify/${code}`,
  };
}

function sink() {
  let bytes = 0;
  const w = new Writable({ write(chunk, _e, cb) { bytes += chunk.length; cb(); } });
  w.bytes = () => bytes;
  return w;
}

function sampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  return () => { clearInterval(t); return Math.max(peak, process.memoryUsage().rss); };
}

function renderBare(c) {
  return new Promise((resolve, reject) => {
    const doc = newCertificateDocument(`Giấy chứng nhận ${c.serial}`);
    const chunks = [];
    doc.on('data', (b) => chunks.push(b));
    doc.on('error', reject);
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    drawCertificatePage(doc, c, null);
    doc.end();
  });
}

/** Bare loop: one thread, render then append, archiver streaming to a sink. */
async function bare(n) {
  const out = sink();
  const zip = new ZipArchive({ zlib: { level: 1 } });
  const done = new Promise((r, j) => { out.on('finish', r); zip.on('error', j); });
  zip.pipe(out);
  let written = 0;
  zip.on('entry', () => written++);
  for (let i = 0; i < n; i++) {
    const pdf = await renderBare(content(i));
    zip.append(pdf, { name: `${i + 1}.pdf`, store: true });
    // the archive at most 4 entries behind, as in the app: memory flat in N
    while (i + 1 - written > 4) await new Promise((r) => zip.once('entry', r));
  }
  await zip.finalize();
  await done;
  return out.bytes();
}

/** The app's path: pages of 100, worker-thread pool, back-pressured ZIP. */
async function feature(n, pool) {
  async function* pages() {
    for (let i = 0; i < n; i += 100) yield Array.from({ length: Math.min(100, n - i) }, (_, k) => ({ name: `${i + k + 1}.pdf`, content: content(i + k) }));
  }
  const out = sink();
  await writeCertificatesZip(pages(), (c) => pool.render(c, null), pool.parallelism, out);
  return out.bytes();
}

async function measure(label, fn) {
  if (global.gc) global.gc();
  const stop = sampler();
  const t0 = process.hrtime.bigint();
  const bytes = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peak = stop();
  return { label, ms, peakMb: peak / 1048576, bytes };
}

/** One measurement in a fresh process, so that peak memory is that of this run alone. */
async function child(mode, n) {
  const pool = mode === 'app' ? new CertificateRenderPool() : null;
  await renderBare(content(0)); // fonts parsed once (and in every worker below)
  if (pool) await feature(pool.parallelism * 2, pool);
  const r = await measure(`${mode} N=${n}`, () => (pool ? feature(n, pool) : bare(n)));
  if (pool) await pool.close();
  process.stdout.write(JSON.stringify({ ...r, threaded: pool ? pool.threaded : false }) + '\n');
}

function run(mode, n) {
  const { execFileSync } = require('node:child_process');
  const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', mode, String(n)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

if (process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4])).catch((e) => { console.error(e); process.exit(1); });
} else {
  const ns = process.argv.slice(2).map(Number).filter(Boolean);
  const sizes = ns.length ? ns : [250, 1000];
  console.log(`cores: ${availableParallelism()}, node ${process.version}`);
  for (const n of sizes) {
    const b = run('bare', n);
    const f = run('app', n);
    for (const r of [b, f]) console.log(`${r.label.padEnd(16)} ${r.ms.toFixed(0).padStart(7)} ms  ${(r.ms / n).toFixed(2).padStart(6)} ms/cert  peak RSS ${r.peakMb.toFixed(0)} MB  zip ${(r.bytes / 1048576).toFixed(1)} MB${r.threaded ? '  (worker threads)' : ''}`);
    console.log(`ratio app / bare loop (N=${n}): ${(f.ms / b.ms).toFixed(2)}x`);
  }
}
