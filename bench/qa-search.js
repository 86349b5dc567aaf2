/* eslint-disable */
/**
 * Q&A search and similar questions on N questions (default 20,000) in PostgreSQL:
 * the feature (QaRepository.search with full text + trigram on the folded column,
 * QaRepository.similarPublished) against two baselines in the same run: a bare
 * `SELECT 1` round trip, and the same word filter done without the indexes
 * (LIKE '%word%' on every row).
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/qa-search.js [N]
 *
 * Creates and drops its own database.
 */
const { Client } = require('pg');
const { DataSource } = require('typeorm');
const { runMigrations } = require('../dist/src/database/migrate');
const { dataSourceOptions } = require('../dist/src/database/data-source-options');
const { QaRepository } = require('../dist/src/qa/qa.repository');
const { phraseTsQuery, prefixTsQuery, questionSearchKey } = require('../dist/src/qa/qa-text');
const { foldForSearch } = require('../dist/src/common/text/vietnamese');

const N = Number(process.argv[2] ?? 20000);
const ROUNDS = 50;
const admin = process.env.DATABASE_URL;
if (!admin) {
  console.error('DATABASE_URL is required (a PostgreSQL server where a database can be created)');
  process.exit(2);
}
const dbName = `bench_qa_${Date.now().toString(36)}`;
const url = (() => {
  const u = new URL(admin);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

// A domain vocabulary mixed with 1,000 generated syllables, so that words are spread like in real questions.
const DOMAIN = ('vướng mắc nguồn lực kinh phí đối ứng chương trình xã phường công chức viên chức bố trí sắp xếp tổ chức bộ máy ' +
  'chính sách cơ chế hướng dẫn thực hiện đất đai trụ sở phần mềm một cửa chuyển đổi số đường truyền biên chế phụ cấp kiêm nhiệm ' +
  'dân tộc thiểu số miền núi giảm nghèo nhà ở nước sạch giáo dục y tế bảo hiểm xã hội hồ sơ thủ tục hành chính báo cáo thống kê').split(' ');
const ONSETS = ['b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'nh', 'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x'];
const RHYMES = ['a', 'ai', 'an', 'àng', 'ánh', 'ao', 'ạt', 'ác', 'e', 'ẻm', 'én', 'eo', 'i', 'ìa', 'ích', 'im', 'in', 'ình', 'o', 'oa', 'oài', 'oán', 'óc', 'ỏi', 'om', 'ón', 'ông', 'u', 'ụa', 'úc', 'ui', 'ùm', 'ũn', 'ưng', 'uông', 'ươn', 'ư', 'ữa', 'ựng', 'ười'];
const SYLLABLES = ONSETS.flatMap((o) => RHYMES.map((r) => o + r));

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const sentence = () => Array.from({ length: 12 + Math.floor(rnd() * 30) }, () => (rnd() < 0.25 ? pick(DOMAIN) : pick(SYLLABLES))).join(' ') + '?';

async function time(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / ROUNDS;
}

(async () => {
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${dbName}"`);
  let ds;
  try {
    await runMigrations(url);
    ds = new DataSource(dataSourceOptions(url, 4));
    await ds.initialize();
    const [{ id: sessionId }] = await ds.query(
      `INSERT INTO training_sessions (title, title_search, organising_unit, host_province_code, venue, start_date, end_date, status)
       VALUES ('Lớp đo', 'lop do', 'Bộ Nội vụ', '12', 'Lai Châu', '2025-09-25', '2025-09-26', 'published') RETURNING id`,
    );
    const t0 = Date.now();
    for (let i = 0; i < N; i += 1000) {
      const texts = Array.from({ length: Math.min(1000, N - i) }, sentence);
      await ds.query(
        `INSERT INTO questions (session_id, asker_kind, province_code, channel, text, text_search, status, published_at)
         SELECT $1, 'province', '12', 'logged', t, s, CASE WHEN random() < 0.5 THEN 'published' ELSE 'open' END, now()
           FROM unnest($2::text[], $3::text[]) AS x(t, s)`,
        [sessionId, texts, texts.map(questionSearchKey)],
      );
    }
    await ds.query('ANALYZE questions');
    console.log(`inserted ${N} questions in ${Date.now() - t0} ms`);

    const repo = new QaRepository(ds);
    const queries = ['vuong mac nguon luc', 'kinh phi doi ung', 'phan mem mot cua', 'bien che phu cap kiem nhiem', 'nha o nuoc sach giam ngheo'];
    const probeText = sentence();
    const probe = questionSearchKey(probeText);

    if (process.env.KEEP_DB) return;
    const bare = await time(() => ds.query('SELECT 1'));
    const search = await time((i) => {
      const q = queries[i % queries.length];
      return repo.search({ tsQuery: prefixTsQuery(q), folded: foldForSearch(q), match: 'fts', visibility: { kind: 'all' }, offset: 0, limit: 30 });
    });
    const typo = await time(() => repo.search({ folded: 'nguon lucc', match: 'trigram', visibility: { kind: 'all' }, offset: 0, limit: 30 }));
    const similar = await time(() => repo.similarPublished(probe, phraseTsQuery(probeText), null, 5, 0.25));
    const like = await time((i) => {
      const words = queries[i % queries.length].split(' ');
      return ds.query(`SELECT id FROM questions WHERE ${words.map((_, k) => `text_search LIKE $${k + 1}`).join(' AND ')} ORDER BY created_at DESC LIMIT 30`, words.map((w) => `%${w}%`));
    });
    const plan = await ds.query(`EXPLAIN SELECT id FROM questions WHERE to_tsvector('simple', text_search) @@ to_tsquery('simple', 'vuong:* & mac:*')`);
    const usesIndex = plan.some((r) => /idx_questions_text_search_fts/.test(r['QUERY PLAN']));

    const f = (x) => x.toFixed(2);
    console.log(`N=${N}, ${ROUNDS} rounds each, average ms per call`);
    console.log(`  SELECT 1 (baseline round trip)        ${f(bare)}`);
    console.log(`  LIKE on every row, no index (baseline) ${f(like)}`);
    console.log(`  search: full text, ranked              ${f(search)}   (x${f(search / bare)} round trip, x${f(search / like)} LIKE scan)`);
    console.log(`  search fallback for typos (trigram)    ${f(typo)}   (x${f(typo / bare)} round trip, x${f(typo / like)} LIKE scan)`);
    console.log(`  similar published questions            ${f(similar)}   (x${f(similar / bare)} round trip, x${f(similar / like)} LIKE scan)`);
    console.log(`  full-text plan uses the GIN index: ${usesIndex}`);
  } finally {
    await ds?.destroy();
    if (process.env.KEEP_DB) console.log(`kept database ${dbName}`);
    else await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await c.end();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
