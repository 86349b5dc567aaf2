import { bootApp, TestApp } from './support/app';
import { JobsService } from '../src/jobs/jobs.service';

describe('background jobs (pg-boss)', () => {
  let t: TestApp;
  let jobs: JobsService;
  const seen: string[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    t = await bootApp({ RUN_JOBS: 'false' });
    jobs = t.app.get(JobsService);
    jobs.register<{ word: string }>(
      'test.echo',
      async ({ word }) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('transient failure');
        }
        seen.push(word);
      },
      { retryLimit: 3, retryDelay: 60, retryBackoff: false },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes a job only if the transaction that queues it commits', async () => {
    await t.ds
      .transaction(async (m) => {
        await jobs.send('test.echo', { word: 'rolled back' }, { manager: m });
        throw new Error('abort');
      })
      .catch(() => undefined);
    await t.ds.transaction(async (m) => {
      await jobs.send('test.echo', { word: 'committed' }, { manager: m });
    });
    await jobs.drain('test.echo');
    expect(seen).toEqual(['committed']);
  });

  it('keeps a failed job for a retry and runs it once it succeeds', async () => {
    failuresLeft = 1;
    await jobs.send('test.echo', { word: 'retried' });
    await jobs.drain('test.echo');
    expect(seen).not.toContain('retried');
    const counts = await jobs.queueCounts('test.echo');
    expect(counts.retry).toBe(1);
    // The retry waits for its delay; make it due now, as the clock would.
    await t.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = 'test.echo' AND state = 'retry'`);
    await jobs.drain('test.echo');
    expect(seen.filter((w) => w === 'retried')).toHaveLength(1);
  });
});

describe('background jobs at shutdown', () => {
  it('lets a running job finish on a live database connection before the app closes it', async () => {
    const t = await bootApp({ RUN_JOBS: 'true' });
    const jobs = t.app.get(JobsService);
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const outcome: string[] = [];
    jobs.register('test.slow', async () => {
      started();
      await new Promise((r) => setTimeout(r, 500));
      try {
        const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM users');
        outcome.push(`counted ${n}`);
      } catch (e) {
        outcome.push(`failed: ${(e as Error).message}`);
        throw e;
      }
    });
    const id = await jobs.send('test.slow', {});
    jobs.wake('test.slow');
    await running;
    await t.app.close();
    expect(outcome).toEqual(['counted 1']);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: t.db.url });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id]);
      expect(rows[0].state).toBe('completed');
    } finally {
      await c.end();
      await t.db.drop();
    }
  });
});
