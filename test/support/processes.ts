import { foldForSearch } from '../../src/common/text/vietnamese';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface AppProcess {
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The Node flags of package.json's start script (the heap cap). */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));
}

/** Starts the built app (dist/src/main.js) as its own process, as `npm start` would, and waits for /health. */
export async function startAppProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [...startFlags(), join(__dirname, '..', '..', 'dist', 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'info', SEED_DEMO: 'false', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    url,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        // Already gone (exited, or killed by a signal: then exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** Minimal cookie-keeping HTTP client for talking to app processes. */
export class CookieClient {
  private cookies = new Map<string, string>();

  constructor(private base: string) {}

  use(base: string): this {
    this.base = base;
    return this;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  async csrf(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    const m = html.match(/name="_csrf" value="([^"]+)"/);
    if (!m) throw new Error(`no CSRF token on ${path}`);
    return m[1];
  }

  async postForm(path: string, fields: Record<string, string>, csrfFrom = path): Promise<Response> {
    const token = await this.csrf(csrfFrom);
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, _csrf: token }).toString() });
  }
}

/**
 * Inserts an ongoing session held today with one sitting around the current
 * time in Vietnam (so check-ins are inside its window); returns their ids.
 */
export async function seedTodaysSitting(db: { query(sql: string, params?: unknown[]): Promise<{ rows: { id: string }[] }> }, title: string): Promise<{ sessionId: string; sittingId: string }> {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  const today = `${parts.year}-${parts.month}-${parts.day}`;
  const minutes = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const {
    rows: [session],
  } = await db.query(
    `INSERT INTO training_sessions (title, title_search, organising_unit, host_province_code, venue, start_date, end_date, status)
     VALUES ($1, $2, 'Bộ Nội vụ', '12', 'Hội trường', $3, $3, 'ongoing') RETURNING id`,
    [title, foldForSearch(title), today],
  );
  const {
    rows: [sitting],
  } = await db.query(`INSERT INTO sittings (session_id, date, part, starts_at, ends_at) VALUES ($1, $2, 'morning', $3, $4) RETURNING id`, [
    session.id,
    today,
    hhmm(Math.max(0, minutes - 5)),
    hhmm(Math.min(23 * 60 + 59, minutes + 60)),
  ]);
  return { sessionId: session.id, sittingId: sitting.id };
}

/** Inserts `count` trainees enrolled (confirmed) in the session; returns the enrolments. */
export async function seedEnrolments(
  db: { query(sql: string, params?: unknown[]): Promise<{ rows: { id: string; checkin_token: string }[] }> },
  sessionId: string,
  count: number,
): Promise<{ id: string; checkin_token: string }[]> {
  const { rows } = await db.query(
    `WITH t AS (INSERT INTO trainees (full_name, name_search, gender, commune_code, province_code)
                SELECT 'Học viên ' || g, 'hoc vien ' || g, 'male', '03394', '12' FROM generate_series(1, $2::int) g RETURNING id)
     INSERT INTO enrollments (session_id, trainee_id, status, checkin_token) SELECT $1, id, 'confirmed', md5(random()::text || id::text) FROM t RETURNING id, checkin_token`,
    [sessionId, count],
  );
  return rows;
}
