import { STAFF_READER } from './certificate-rules';
import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthUser } from '../common/request-context';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { Certificate, CERTIFICATE_STATUS_LABELS } from './certificate.entity';
import { CertificateRun, CertificateRunStatus } from './certificate-run.entity';
import { CertificateIssuingService, EligibilityRow } from './certificate-issuing.service';
import { CertificateTemplatesService, NO_SIGNER_MESSAGE, readyToIssue } from './certificate-templates.service';
import { CertificateRunsService } from './certificate-runs.service';
import { CertificatesRepository } from './certificates.repository';

export interface RunProgress {
  id: string;
  status: string;
  /** The status in Vietnamese, as the page prints it. */
  statusLabel: string;
  total: number;
  done: number;
  /** Certificates of the session issued otherwise (one by one) while the run was under way. */
  issuedElsewhere: number;
  percent: number;
  finished: boolean;
  error: string | null;
}

const RUN_STATUS_LABELS: Record<CertificateRunStatus, string> = {
  queued: 'đang chờ',
  running: 'đang chạy',
  done: 'đã xong',
  failed: 'lỗi, sẽ thử lại',
  stalled: 'đã dừng',
};

const STALLED_RUN_MESSAGE =
  'Lượt cấp này đã dừng giữa chừng và không tự chạy tiếp. Bấm "Cấp cho tất cả học viên đủ điều kiện" để cấp nốt cho những học viên còn chờ; giấy đã cấp không bị cấp lại.';

/** Read side for the pages: the session's certificate page, a certificate, a trainee's list. */
@Injectable()
export class CertificatesService {
  constructor(
    private readonly repo: CertificatesRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly issuing: CertificateIssuingService,
    private readonly templates: CertificateTemplatesService,
    private readonly runs: CertificateRunsService,
    private readonly audit: AuditService,
  ) {}

  async sessionPage(sessionId: string) {
    const { session, template, saved } = await this.templates.forSession(sessionId);
    const rows: EligibilityRow[] = await this.issuing.preview(sessionId);
    const certificates = await this.repo.listForSession(sessionId);
    const run = await this.runs.latest(sessionId);
    const pendingCount = rows.filter((r) => r.pending).length;
    const topicChoices = await this.templates.ruleChoices(sessionId);
    return {
      session,
      topicChoices,
      requiredTopics: topicChoices.filter((t) => t.required),
      template,
      templateSaved: saved,
      // Said before anyone clicks: issuing is refused until the settings name the signer.
      noSigner: readyToIssue(template) ? null : NO_SIGNER_MESSAGE,
      hasLogo: !!(await this.templates.logo(sessionId)),
      rows,
      eligibleCount: rows.filter((r) => r.eligible).length,
      pendingCount,
      issuedCount: rows.filter((r) => r.certificate).length,
      revokedCount: rows.filter((r) => r.revoked).length,
      certificates: certificates.map((c) => ({ ...c, statusLabel: CERTIFICATE_STATUS_LABELS[c.status] })),
      run: run ? { ...progressOf(run), notes: runNotes(run, rows), alert: run.status === 'stalled' && pendingCount > 0 ? STALLED_RUN_MESSAGE : null } : null,
      cancelled: session.status === 'cancelled',
    };
  }

  async runProgress(sessionId: string): Promise<RunProgress | null> {
    const run = await this.runs.latest(sessionId);
    return run ? progressOf(run) : null;
  }

  async detail(id: string) {
    const c = await this.repo.findById(id);
    if (!c) throw new NotFoundException('Không tìm thấy giấy chứng nhận.');
    const session = await this.sessions.get(c.sessionId, STAFF_READER);
    const history = await this.audit.historyOf('certificate', id);
    return { certificate: c, statusLabel: CERTIFICATE_STATUS_LABELS[c.status], session, history };
  }

  /** The certificates of the signed-in trainee. */
  async mine(user: AuthUser): Promise<(Certificate & { statusLabel: string })[]> {
    if (user.role !== 'trainee' || !user.traineeId) throw new ForbiddenException('Trang này dành cho học viên.');
    return (await this.repo.listForTrainee(user.traineeId)).map((c) => ({ ...c, statusLabel: CERTIFICATE_STATUS_LABELS[c.status] }));
  }
}

export function progressOf(run: CertificateRun): RunProgress {
  // A failed run is retried: the page keeps watching it.
  const finished = run.status === 'done' || run.status === 'stalled';
  const percent = run.total > 0 ? Math.min(100, Math.round((run.done / run.total) * 100)) : finished ? 100 : 0;
  return {
    id: run.id,
    status: run.status,
    statusLabel: RUN_STATUS_LABELS[run.status],
    total: run.total,
    done: run.done,
    issuedElsewhere: run.issuedElsewhere,
    percent,
    finished,
    error: run.error,
  };
}

/** What the page says under a run's progress: why its total is below what it started with, and whether anyone eligible is left. */
function runNotes(run: CertificateRun, rows: EligibilityRow[]): string[] {
  const notes: string[] = [];
  if (run.issuedElsewhere > 0) notes.push(`Trong lúc lượt cấp chạy, ${run.issuedElsewhere} giấy đã được cấp riêng.`);
  const everyoneIssued = rows.some((r) => r.eligible) && rows.every((r) => !r.eligible || r.certificate);
  if ((run.status === 'done' || run.status === 'stalled') && everyoneIssued) notes.push('Tất cả học viên đủ điều kiện đã có giấy chứng nhận.');
  return notes;
}
