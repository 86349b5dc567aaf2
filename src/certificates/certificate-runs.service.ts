import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobsService } from '../jobs/jobs.service';
import { CertificateRun } from './certificate-run.entity';
import { CertificateIssuingService } from './certificate-issuing.service';
import { CertificatesRepository } from './certificates.repository';

export const ISSUE_RUN_JOB = 'certificates.issue-run';
const BATCH = 25;

/**
 * Issuing every eligible enrolment of a session as a background job, in
 * batches of 25, each batch one transaction (serials, certificates, audit,
 * progress together). Killing the process loses at most the open batch,
 * whose serial numbers roll back with it; the retried job skips enrolments
 * that already have a certificate, so it never issues twice.
 */
@Injectable()
export class CertificateRunsService implements OnModuleInit {

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: CertificatesRepository,
    private readonly issuing: CertificateIssuingService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ runId: string }>(ISSUE_RUN_JOB, (data) => this.process(data.runId), { retryLimit: 5, retryDelay: 5, expireInSeconds: 60 * 60 });
  }

  /** Queues a run for every eligible enrolment without a certificate; the page shows its progress. */
  async start(sessionId: string, actorId: string | null): Promise<CertificateRun> {
    const rows = await this.issuing.preview(sessionId);
    const total = rows.filter((r) => r.eligible && !r.certificate).length;
    return this.ds.transaction(async (m) => {
      const run = await this.repo.createRun({ sessionId, status: 'queued', total, done: 0, createdById: actorId }, m);
      await this.jobs.send(ISSUE_RUN_JOB, { runId: run.id }, { manager: m });
      return run;
    });
  }

  latest(sessionId: string): Promise<CertificateRun | null> {
    return this.repo.latestRun(sessionId);
  }

  /** The job: batch after batch until nothing eligible is left. Safe to run again after a crash. */
  async process(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.status === 'done') return;
    await this.repo.updateRun(runId, { status: 'running', error: null });
    try {
      for (;;) {
        const n = await this.issuing.issueEligibleBatch(run.sessionId, run.createdById, BATCH, async (m, issued) => {
          if (issued > 0) await m.query(`UPDATE certificate_runs SET done = done + $2, updated_at = now() WHERE id = $1`, [runId, issued]);
        });
        if (n < BATCH) break;
      }
      await this.repo.updateRun(runId, { status: 'done' });
    } catch (e) {
      await this.repo.updateRun(runId, { status: 'failed', error: (e as Error).message.slice(0, 500) });
      throw e;
    }
  }
}
