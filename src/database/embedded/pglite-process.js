'use strict';
/**
 * Child process that owns the embedded PostgreSQL (PGlite) and serves it over
 * the PostgreSQL wire protocol on 127.0.0.1, so the app uses the same `pg`
 * driver and SQL as in production. PGlite runs queries synchronously on its
 * thread, which is why it lives outside the app's event loop.
 *
 * Plain JavaScript so that it runs as it is, from the sources (tests) and from
 * dist/ (npm start).
 *
 * Protocol with the parent (IPC): sends { type: 'ready', port } once listening,
 * or { type: 'error', message } on failure. Stops on SIGTERM/SIGINT, on a
 * { type: 'stop' } message, or when the parent goes away.
 */
const { mkdirSync } = require('node:fs');

async function main() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const dataDir = process.env.PGLITE_DATA_DIR;
  const port = Number(process.env.PGLITE_PORT || 0);
  if (!dataDir) throw new Error('PGLITE_DATA_DIR is not set');
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  const actualPort = Number(server.getServerConn().split(':').pop());

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    try {
      await server.stop();
      await db.close();
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('message', (msg) => {
    if (msg && msg.type === 'stop') void stop();
  });
  if (process.send) process.send({ type: 'ready', port: actualPort });
}

main().catch((err) => {
  if (process.send) process.send({ type: 'error', message: err.message });
  process.exit(1);
});
