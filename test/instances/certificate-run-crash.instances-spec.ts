import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieClient, seedEnrolments, seedTodaysSitting, startAppProcess, AppProcess } from '../support/processes';
import { adminQuery, withDatabase } from '../support/db';

/**
 * The app process is killed (SIGKILL) in the middle of a bulk certificate
 * run; another process on the same database finishes the run promptly
 * (the orphaned batch job is retried once past its short expiry), with one
 * certificate per eligible enrolment and serials 1..N, no gap, no duplicate.
 */
const ADMIN_URL = process.env.DATABASE_URL;
const describeOnPg = ADMIN_URL ? describe : describe.skip;
const N = 300;

describeOnPg('a bulk certificate run whose process is killed', () => {
  const name = `certrun_${process.pid}`;
  const url = ADMIN_URL ? withDatabase(ADMIN_URL, name) : '';
  const dir = mkdtempSync(join(tmpdir(), 'taphuan-certrun-'));
  const env = {
    DATABASE_URL: url,
    DATA_DIR: dir,
    ADMIN_EMAIL: 'admin@certrun.local',
    ADMIN_PASSWORD: 'certrun-password',
    LOG_LEVEL: 'warn',
    // Small batches so that the kill lands mid-run; a short expiry and upkeep so that the test waits seconds, not the default half-minute.
    CERTIFICATE_RUN_BATCH_SIZE: '10',
    CERTIFICATE_RUN_BATCH_EXPIRE_SECONDS: '3',
    JOBS_MAINTENANCE_SECONDS: '1',
  };
  let first: AppProcess | undefined;
  let second: AppProcess | undefined;
  let db: Client;

  beforeAll(async () => {
    await adminQuery(ADMIN_URL!, `CREATE DATABASE "${name}"`);
    first = await startAppProcess(env);
    db = new Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await Promise.all([first?.stop('SIGKILL'), second?.stop()]);
    await adminQuery(ADMIN_URL!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes on another process: every eligible enrolment has exactly one certificate, serials 1..N', async () => {
    const { sessionId, sittingId } = await seedTodaysSitting(db, 'Lớp cấp giấy bị ngắt');
    const enrolments = await seedEnrolments(db, sessionId, N);
    // Issuing is refused until the settings name the signer.
    await db.query(
      `INSERT INTO certificate_templates (session_id, issuer_name, issuer_code, signer_title, signer_name, wording, place_name, serial_format)
       VALUES ($1, 'Bộ Nội vụ', 'BNV', 'Vụ trưởng', 'Nguyễn Văn Ký', 'Đã hoàn thành khóa tập huấn', 'Lai Châu', '{n}/{year}/GCN-BNV')`,
      [sessionId],
    );
    await db.query(
      `INSERT INTO attendance_marks (enrollment_id, sitting_id, status, marked_at, method) SELECT id, $2, 'present', now(), 'roster' FROM enrollments WHERE session_id = $1`,
      [sessionId, sittingId],
    );
    const issued = async () => (await db.query(`SELECT count(*)::int AS n FROM certificates WHERE session_id = $1`, [sessionId])).rows[0].n as number;

    const client = new CookieClient(first!.url);
    expect((await client.postForm('/login', { login: 'admin@certrun.local', password: 'certrun-password' })).status).toBe(303);
    const page = `/sessions/${sessionId}/certificates`;
    expect((await client.postForm(`${page}/issue-all`, {}, page)).status).toBe(303);

    // Killed once some, not all, certificates are issued.
    let before = 0;
    for (let i = 0; i < 1500 && before < 30; i++) {
      before = await issued();
      if (before < 30) await new Promise((r) => setTimeout(r, 20));
    }
    await first!.stop('SIGKILL');
    before = await issued();
    expect(before).toBeGreaterThanOrEqual(30);
    expect(before).toBeLessThan(N);
    const { rows: [killedRun] } = await db.query(`SELECT status, done FROM certificate_runs WHERE session_id = $1`, [sessionId]);
    expect(killedRun.status).toBe('running');
    expect(killedRun.done).toBe(before); // progress counts committed batches only
    // The dead worker's batch job is left active: only its expiry gets it retried.
    const { rows: orphaned } = await db.query(`SELECT state FROM pgboss.job WHERE name = 'certificates.issue-run' AND state NOT IN ('completed', 'cancelled')`);
    expect(orphaned.map((j) => j.state)).toContain('active');

    // Another process on the same database finishes the run by itself.
    const started = Date.now();
    second = await startAppProcess(env);
    let run: { status: string; done: number; total: number } | undefined;
    while (Date.now() - started < 120_000) {
      run = (await db.query(`SELECT status, done, total FROM certificate_runs WHERE session_id = $1`, [sessionId])).rows[0];
      if (run?.status === 'done') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(run).toEqual({ status: 'done', done: N, total: N });
    // Promptly: the orphaned batch is retried after its expiry of seconds, not the queue's old hour.
    expect(Date.now() - started).toBeLessThan(60_000);

    const { rows: certs } = await db.query(`SELECT enrollment_id, serial_number, status FROM certificates WHERE session_id = $1 ORDER BY serial_number`, [sessionId]);
    expect(certs).toHaveLength(N);
    expect(certs.every((c) => c.status === 'valid')).toBe(true);
    expect(new Set(certs.map((c) => c.enrollment_id))).toEqual(new Set(enrolments.map((e) => e.id)));
    expect(certs.map((c) => c.serial_number)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const { rows: [counter] } = await db.query(`SELECT sum(last)::int AS last FROM certificate_serial_counters`);
    expect(counter.last).toBe(N);

    // The page says so too.
    const progress = await client.use(second.url).request(`${page}/run.json`);
    expect(await progress.json()).toMatchObject({ status: 'done', done: N, total: N, finished: true });
  });
});
