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
