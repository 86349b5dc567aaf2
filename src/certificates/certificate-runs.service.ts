import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobAttempt, JobsService } from '../jobs/jobs.service';
import { CertificateRun } from './certificate-run.entity';
import { CertificateIssuingService } from './certificate-issuing.service';
import { CertificatesRepository } from './certificates.repository';

export const ISSUE_RUN_JOB = 'certificates.issue-run';

/** What a submit of "Cấp tất cả" led to: a new run, the run already under way, or nothing to issue (run null). */
export interface RunStart {
  run: CertificateRun | null;
  started: boolean;
}

/** One batch of a run. */
export interface IssueRunJob {
  runId: string;
  /**
   * The run's `done` count when this batch was queued. A copy of a batch that
   * already committed (its worker died before telling the queue) finds a
   * higher count and does nothing. Absent in jobs queued before runs were
   * split into batch jobs: such a job runs the next batch unconditionally.
   */
  after?: number;
}

/**
 * Issuing every eligible enrolment of a session as a background run: a chain
 * of batch jobs (CERTIFICATE_RUN_BATCH_SIZE enrolments each). One batch is
 * one transaction: its serials, certificates, audit entries, the run's
 * progress and the job for the next batch commit together or not at all.
 * A worker killed in the middle of a batch loses that batch (its serial
 * numbers roll back); the queue fails the orphaned job once it is past its
 * short expiry (CERTIFICATE_RUN_BATCH_EXPIRE_SECONDS, seen at the queue's
 * next upkeep, JOBS_MAINTENANCE_SECONDS) and any instance retries it, which
 * skips enrolments that already have a certificate. So a run resumes within
 * about a minute after a crash, never issues twice and leaves no gap. A run
 * that runs out of attempts is shown as stalled (see latest()), and the
 * organiser's next "Cấp tất cả" starts a run for what is still pending.
 */
@Injectable()
export class CertificateRunsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CertificatesRepository,
    private readonly issuing: CertificateIssuingService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<IssueRunJob>(ISSUE_RUN_JOB, (data, job) => this.processBatch(data, job), {
      retryLimit: 5,
      retryDelay: 5,
      expireInSeconds: this.config.certificateRun.batchExpireSeconds,
    });
  }

  /**
   * Queues a run for every pending enrolment; the page shows its progress. A submit while a run of
   * the session is queued or running (a double click on a weak connection) gets that run back, and
   * a submit with nothing pending creates nothing: an empty run would show "0 / n giấy (đã xong)".
   * Two submits at once go in turn on a lock, so the second sees the first's run.
   */
  async start(sessionId: string, actorId: string | null): Promise<RunStart> {
    const session = await this.issuing.issuableSession(sessionId);
    return this.ds.transaction(async (m) => {
      await this.repo.lockSessionRunStart(sessionId, m);
      const active = await this.repo.activeRun(sessionId, this.staleRunSeconds(), m);
      if (active) return { run: active, started: false };
      const total = await this.issuing.pendingCount(session, m);
      if (total === 0) return { run: null, started: false };
      const run = await this.repo.createRun({ sessionId, status: 'queued', total, done: 0, createdById: actorId }, m);
      await this.jobs.send(ISSUE_RUN_JOB, { runId: run.id, after: 0 } satisfies IssueRunJob, { manager: m });
      return { run, started: true };
    });
  }

  /**
   * A queued or running run that has not moved for this long is taken as dead (its job lost), so
   * that it cannot hold "Cấp tất cả" back for ever: every batch moves it, and a batch whose worker
   * died is retried within about two expiries. A second run beside a live one would still issue
   * nothing twice (batches of a session go in turn and skip what is issued).
   */
  private staleRunSeconds(): number {
    return Math.max(600, 10 * this.config.certificateRun.batchExpireSeconds);
  }

  /**
   * The session's latest run as the page shows it: one still queued, running or failed (awaiting a
   * retry) that has not moved within staleRunSeconds() is stalled, whether or not any process was
   * left to say so (a worker killed on every attempt never reaches processBatch's catch). A new
   * "Cấp tất cả" is then allowed, and issues only what is still pending.
   */
  async latest(sessionId: string): Promise<CertificateRun | null> {
    const found = await this.repo.latestRun(sessionId, this.staleRunSeconds());
    if (!found) return null;
    const { run, idle } = found;
    if (idle && (run.status === 'queued' || run.status === 'running' || run.status === 'failed')) run.status = 'stalled';
    return run;
  }

  /**
   * The job: one batch, then the next batch's job in the same transaction, or the run marked done.
   * Each batch sets the run's total to what it has done plus what is still pending, so a run during
   * which some were issued by hand ends as n/n, with those counted apart (issuedElsewhere).
   */
  async processBatch({ runId, after }: IssueRunJob, attempt?: Pick<JobAttempt, 'lastAttempt'>): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.status === 'done') return;
    const size = this.config.certificateRun.batchSize;
    await this.repo.markRunRunning(runId);
    try {
      const session = await this.issuing.issuableSession(run.sessionId);
      const more = await this.ds.transaction(async (m) => {
        // The run's row is the batch's ticket: a second copy of this batch waits here, then finds the count moved on.
        const current = await this.repo.lockRun(runId, m);
        if (!current || current.status === 'done' || (after !== undefined && current.done !== after)) return false;
        const { issued, remaining } = await this.issuing.issueEligibleBatch(m, session, run.createdById, size);
        // The run ends when nothing is left pending, however many it planned at the start.
        const next = remaining > 0;
        await this.repo.advanceRun(runId, issued, remaining, next ? 'running' : 'done', m);
        if (next) await this.jobs.send(ISSUE_RUN_JOB, { runId, after: current.done + issued } satisfies IssueRunJob, { manager: m });
        return next;
      });
      // The next batch is committed: fetch it now rather than after the polling interval.
      if (more) this.jobs.wake(ISSUE_RUN_JOB);
    } catch (e) {
      // On the queue's last attempt nothing will take the run further: said at once, not after the stale window.
      await this.repo.updateRun(runId, { status: attempt?.lastAttempt ? 'stalled' : 'failed', error: (e as Error).message.slice(0, 500) });
      throw e;
    }
  }
}
