import { fork, ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const embeddedUrls = new Set<string>();

/**
 * True for a URL served by startEmbeddedPostgres in this process. PGlite's
 * socket server mixes up the extended-protocol messages of connections that
 * talk at the same time, so users of such a URL keep to one connection.
 */
export function isEmbeddedUrl(url: string): boolean {
  return embeddedUrls.has(url);
}

export interface EmbeddedPostgres {
  /** Connection string for the `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite in a child process (see pglite-process.ts) and resolves with
 * a connection URL once it listens. Used when no DATABASE_URL is configured.
 */
export function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  const script = join(__dirname, 'pglite-process.js');
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, PGLITE_DATA_DIR: dataDir, PGLITE_PORT: String(port) },
    execArgv: ['--experimental-vm-modules', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`embedded database exited before it was ready (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (msg: { type: string; port?: number; message?: string }) => {
      if (msg.type !== 'ready') {
        child.off('exit', onExit);
        reject(new Error(`embedded database failed: ${msg.message ?? 'unknown error'}`));
        return;
      }
      child.off('exit', onExit);
      const url = `postgres://postgres:postgres@127.0.0.1:${msg.port}/postgres?sslmode=disable`;
      embeddedUrls.add(url);
      child.once('exit', () => embeddedUrls.delete(url));
      resolve({
        url,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
