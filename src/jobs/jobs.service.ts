import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import PgBoss from 'pg-boss';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isEmbeddedUrl } from '../database/embedded/embedded-postgres';

export interface QueueOptions {
  /** Attempts after the first failure. */
  retryLimit?: number;
  /** Seconds before the first retry. */
  retryDelay?: number;
  /** Double the delay at each retry. */
  retryBackoff?: boolean;
  /** Seconds a job may run before it is considered failed (and retried). */
  expireInSeconds?: number;
  /** Jobs fetched per poll. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

export interface SendOptions {
  /** Write the job in this transaction: it exists only if the transaction commits. */
  manager?: EntityManager;
  /** At most one queued job with this key. */
  singletonKey?: string;
  startAfter?: Date | number;
}

/** Arbitrary constant: the advisory lock under which instances set up the queue one at a time. */
const JOBS_SETUP_LOCK_KEY = 7_351_004_213;

/** The job as its handler sees it; `lastAttempt`: the queue will not retry it if the handler fails. */
export interface JobAttempt {
  id: string;
  retryCount: number;
  lastAttempt: boolean;
}

type Handler<T> = (data: T, job: JobAttempt) => Promise<void>;

interface Registration {
  name: string;
  options: QueueOptions;
  handler: Handler<unknown>;
}

/**
 * Background jobs in PostgreSQL (pg-boss), shared by every instance: a job
 * can be written in the same transaction as the change that causes it, is
 * retried with backoff, and is handed to one worker at a time. Features
 * register their queues in onModuleInit; the queue starts at bootstrap.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly registrations = new Map<string, Registration>();
  private readonly workerIds = new Map<string, string>();
  private boss?: PgBoss;
  /** On the embedded database: the queue's statements on the app's connection, tracked for shutdown. */
  private embeddedExecutor?: TrackedExecutor;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  private pending: Promise<void>[] = [];

  /** Declares a queue and its handler (call from onModuleInit; later calls activate it at once). */
  register<T>(name: string, handler: Handler<T>, options: QueueOptions = {}): void {
    const r = { name, options, handler: handler as Handler<unknown> };
    this.registrations.set(name, r);
    if (this.boss) this.pending.push(this.activate(r));
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.ds.options as { url?: string }).url!;
    const common = { schema: 'pgboss', monitorStateIntervalSeconds: 60, maintenanceIntervalSeconds: this.config.jobsMaintenanceSeconds };
    this.boss = isEmbeddedUrl(url)
      ? // On the embedded database the queue shares the app's single connection.
        new PgBoss({ ...common, db: (this.embeddedExecutor = trackedExecutor(executorOf(this.ds.manager))) })
      : new PgBoss({ ...common, connectionString: url, max: 3, application_name: 'taphuan-jobs' });
    this.boss.on('error', (e: Error) => this.logger.error(`queue error: ${e.message}`));
    if (isEmbeddedUrl(url)) {
      await this.boss.start();
      for (const r of this.registrations.values()) await this.activate(r);
      return;
    }
    // pg-boss creates its schema and each queue's tables on start: instances starting together
    // would deadlock on that DDL, so they take turns under an advisory lock.
    const lock = this.ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [JOBS_SETUP_LOCK_KEY]);
      await this.boss.start();
      for (const r of this.registrations.values()) await this.activate(r);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [JOBS_SETUP_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  }

  private async activate(r: Registration): Promise<void> {
    if (!this.boss) return;
    await this.boss.createQueue(r.name, { name: r.name, ...jobSettings(r) });
    if (!this.config.runJobs) return;
    const workerId = await this.boss.work<unknown>(
      r.name,
      { batchSize: r.options.batchSize ?? 1, pollingIntervalSeconds: r.options.pollingIntervalSeconds ?? 2, includeMetadata: true },
      async (jobs) => {
        for (const job of jobs) await r.handler(job.data, attemptOf(job));
      },
    );
    this.workerIds.set(r.name, workerId);
  }

  /**
   * Asks this instance's worker of the queue to fetch again as soon as its
   * current job ends, instead of after its polling interval: for a job that
   * has just queued its follow-up (which any instance may take).
   */
  wake(name: string): void {
    const id = this.workerIds.get(name);
    if (id) this.boss?.notifyWorker(id);
  }

  /**
   * Before any module's shutdown hook (TypeORM closes the database in its own): a running job ends on a
   * live connection. pg-boss's stop waits for the handler but not for the job's completion statement it
   * then sends without awaiting it; its own pool (PostgreSQL) waits for that on close, and on the embedded
   * database, where the queue borrows the app's connection, the statements still running are awaited here.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 10_000, wait: true });
    await this.embeddedExecutor?.idle();
    this.boss = undefined;
  }

  /** Queues a job; with `manager`, inside that transaction. Returns the job id (null if a singleton already waits). */
  async send(name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    if (!this.boss) throw new Error('job queue not started');
    if (!this.registrations.has(name)) throw new Error(`unknown queue ${name}`);
    await Promise.all(this.pending);
    const m = options.manager;
    return this.boss.send(name, data, {
      ...jobSettings(this.registrations.get(name)!),
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      db: m ? executorOf(m) : undefined,
    });
  }

  /** Queues many jobs of one queue in a single statement; with `manager`, inside that transaction. */
  async sendMany(name: string, items: { data: object; singletonKey?: string }[], options: Pick<SendOptions, 'manager'> = {}): Promise<void> {
    if (!this.boss) throw new Error('job queue not started');
    if (!this.registrations.has(name)) throw new Error(`unknown queue ${name}`);
    if (items.length === 0) return;
    await Promise.all(this.pending);
    const m = options.manager;
    await this.boss.insert(
      items.map((i) => ({ name, data: i.data, singletonKey: i.singletonKey, ...jobSettings(this.registrations.get(name)!) })),
      m ? { db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await m.query(text, values) }) } } : {},
    );
  }

  /** Counts of a queue's jobs by state (for progress pages and tests). */
  async queueCounts(name: string): Promise<Record<string, number>> {
    const rows: { state: string; n: number }[] = await this.ds.query(`SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state`, [name]);
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Runs queued jobs of a queue now, in this process (tests and CLI use; workers poll on their own). */
  async drain(name: string, max = 1000): Promise<number> {
    if (!this.boss) throw new Error('job queue not started');
    const r = this.registrations.get(name);
    if (!r) throw new Error(`unknown queue ${name}`);
    await Promise.all(this.pending);
    let done = 0;
    while (done < max) {
      const jobs = await this.boss.fetch<unknown>(name, { batchSize: 10, includeMetadata: true });
      if (!jobs?.length) break;
      for (const job of jobs) {
        try {
          await r.handler(job.data, attemptOf(job));
          await this.boss.complete(name, job.id);
        } catch (e) {
          await this.boss.fail(name, job.id, { message: (e as Error).message });
        }
        done++;
      }
    }
    return done;
  }
}

/** pg-boss counts a job's retries when it fetches it: this attempt is the last when the count has reached the limit. */
function attemptOf(job: PgBoss.JobWithMetadata<unknown>): JobAttempt {
  return { id: job.id, retryCount: job.retryCount, lastAttempt: job.retryCount >= job.retryLimit };
}

/**
 * A queue's retry and expiry settings. Also written on every job sent: pg-boss's createQueue
 * leaves an existing queue as it was, so a setting changed since (or set by the environment)
 * would otherwise not reach jobs on databases whose queue was made before.
 */
function jobSettings(r: Registration): { retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds: number } {
  return {
    retryLimit: r.options.retryLimit ?? 5,
    retryDelay: r.options.retryDelay ?? 10,
    retryBackoff: r.options.retryBackoff ?? true,
    expireInSeconds: r.options.expireInSeconds ?? 15 * 60,
  };
}

/** pg-boss's executor over a TypeORM manager (structured results: UPDATE … RETURNING gives its rows too). */
function executorOf(m: EntityManager): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
  return {
    executeSql: async (text, values) => {
      // A transaction's manager has its query runner; otherwise borrow one for this statement.
      const runner = m.queryRunner ?? m.connection.createQueryRunner();
      try {
        const result = await runner.query(text, values, true);
        return { rows: result.records ?? [] };
      } finally {
        if (!m.queryRunner) await runner.release();
      }
    },
  };
}

type Executor = ReturnType<typeof executorOf>;
type TrackedExecutor = Executor & { idle(): Promise<void> };

/** An executor that knows which of its statements are still running. */
function trackedExecutor(inner: Executor): TrackedExecutor {
  const running = new Set<Promise<unknown>>();
  return {
    executeSql(text, values) {
      const p = inner.executeSql(text, values);
      running.add(p);
      const forget = () => running.delete(p);
      p.then(forget, forget);
      return p;
    },
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}
