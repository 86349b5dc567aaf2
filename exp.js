const { startEmbeddedPostgres } = require('./dist/src/database/embedded/embedded-postgres');
const { Pool } = require('pg');
(async () => {
  const e = await startEmbeddedPostgres('/tmp/pgl-exp');
  const pool = new Pool({ connectionString: e.url, max: 5 });
  let errors = 0, ok = 0;
  const work = async (i) => {
    for (let k = 0; k < 50; k++) {
      try {
        if (i % 2) await pool.query('SELECT $1::int + $2::int AS s', [k, i]);
        else { const c = await pool.connect(); try { await c.query('BEGIN'); await c.query('SELECT $1::text AS t', ['x']); await c.query('COMMIT'); } finally { c.release(); } }
        ok++;
      } catch (err) { errors++; if (errors < 3) console.log(err.message); }
    }
  };
  await Promise.all([0,1,2,3,4,5,6,7].map(work));
  console.log({ ok, errors });
  await pool.end(); await e.stop();
})();
