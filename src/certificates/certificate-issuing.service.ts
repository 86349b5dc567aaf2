import { STAFF_READER } from './certificate-rules';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AttendanceSummaryService } from '../attendance/attendance-summary.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { cleanText } from '../common/text/vietnamese';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { Certificate, CertificateContent } from './certificate.entity';
import { CertificateTemplate } from './certificate-template.entity';
import { Eligibility, evaluateEligibility } from '../attendance/eligibility';
import { formatSerial, newVerificationCode, todayInVietnam } from './certificate-rules';
import { CertificatesRepository, EnrolmentPerson } from './certificates.repository';
import { CertificateTemplatesService } from './certificate-templates.service';
import { venueWithProvince } from '../training-sessions/venue-line';

export const CERTIFICATE_ISSUED_JOB = 'certificate.issued';

export interface EligibilityRow extends Eligibility {
  enrollmentId: string;
  traineeId: string;
  fullName: string;
  /** The valid certificate. */
  certificate: { id: string; serial: string } | null;
  /** Without a valid one, the certificate that was revoked: given again only by "Cấp lại" with a reason. */
  revoked: { id: string; serial: string; reason: string | null } | null;
  /** Eligible, with no valid and no revoked certificate: what "Cấp tất cả" issues. */
  pending: boolean;
}

/** Eligibility, issuing, revoking and reissuing; every serial is taken inside the issuing transaction. */
@Injectable()
export class CertificateIssuingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CertificatesRepository,
    private readonly attendance: AttendanceSummaryService,
    private readonly sessions: TrainingSessionsService,
    private readonly templates: CertificateTemplatesService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  /** One issuing transaction; row locks (enrolment, serial counter) and unique indexes keep serials gap-free and unique. */
  private inTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** Every active enrolment of the session, eligible or not, with the reason. */
  async preview(sessionId: string, manager?: EntityManager): Promise<EligibilityRow[]> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    return this.previewFor(session, manager);
  }

  /**
   * Every active enrolment of the session decided by the session's rule (share of
   * sittings, excused absences, required topics): the one place where the rule is
   * applied, for the preview, bulk issuing and one-by-one issuing alike.
   */
  private async evaluate(session: TrainingSession, manager?: EntityManager): Promise<(Eligibility & { enrollmentId: string; traineeId: string })[]> {
    const rule = await this.templates.rule(session, manager);
    const tallies = await this.attendance.tallyForSession(session.id, manager);
    return tallies.map((t) => ({ enrollmentId: t.enrollmentId, traineeId: t.traineeId, ...evaluateEligibility(t, rule) }));
  }

  private async previewFor(session: TrainingSession, manager?: EntityManager): Promise<EligibilityRow[]> {
    const [decided, people] = [await this.evaluate(session, manager), await this.repo.enrolmentsOfSession(session.id, manager)];
    const byId = new Map(people.map((p) => [p.enrollmentId, p]));
    const current = new Map((await this.repo.currentForSession(session.id, manager)).map((c) => [c.enrollmentId, c]));
    return decided.map((d) => {
      const c = current.get(d.enrollmentId);
      const certificate = c?.status === 'valid' ? { id: c.id, serial: c.serial } : null;
      const revoked = c?.status === 'revoked' ? { id: c.id, serial: c.serial, reason: c.revokeReason } : null;
      return { ...d, fullName: byId.get(d.enrollmentId)?.fullName ?? '', certificate, revoked, pending: d.eligible && !c };
    });
  }

  /** How many enrolments "Cấp tất cả" would issue now (eligible, no valid or revoked certificate). */
  async pendingCount(session: TrainingSession, manager?: EntityManager): Promise<number> {
    return (await this.previewFor(session, manager)).filter((r) => r.pending).length;
  }

  /** Issues one certificate. Refuses ineligible enrolments unless an override reason is written. */
  async issueOne(sessionId: string, enrollmentId: string, actorId: string | null, overrideReason?: string): Promise<Certificate> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    this.assertIssuable(session);
    const reason = overrideReason ? cleanText(overrideReason) : '';
    try {
      return await this.inTransaction(async (m) => {
        const elig = (await this.evaluate(session, m)).find((d) => d.enrollmentId === enrollmentId);
        if (!elig) throw new NotFoundException('Không tìm thấy học viên trong lớp này (hoặc đăng ký đã bị hủy).');
        if (!elig.eligible && !reason) {
          throw new BadRequestException(`Học viên chưa đủ điều kiện (${elig.reason}). Muốn vẫn cấp, hãy ghi lý do.`);
        }
        return this.issueInTransaction(m, session, enrollmentId, actorId, elig.eligible ? null : reason, elig);
      });
    } catch (e) {
      throw translateUniqueViolation(e);
    }
  }

  /**
   * The session, refused if it cannot have certificates now (cancelled, draft, no signer in the
   * settings). Read before a batch's transaction: the embedded database has one connection.
   */
  async issuableSession(sessionId: string): Promise<TrainingSession> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    this.assertIssuable(session);
    await this.templates.assertReadyToIssue(session);
    return session;
  }

  /**
   * Issues up to `limit` pending enrolments (eligible, no valid or revoked certificate), in the caller's
   * transaction; returns how many, and how many were left pending after them.
   */
  async issueEligibleBatch(m: EntityManager, session: TrainingSession, actorId: string | null, limit: number): Promise<{ issued: number; remaining: number }> {
    // One batch per session at a time: a second run waits here instead of colliding on the same enrolments.
    await this.repo.lockSessionIssuing(session.id, m);
    const rows = (await this.previewFor(session, m)).filter((r) => r.pending);
    const batch = rows.slice(0, limit);
    for (const r of batch) await this.issueInTransaction(m, session, r.enrollmentId, actorId, null, r);
    return { issued: batch.length, remaining: rows.length - batch.length };
  }

  assertIssuable(session: TrainingSession): void {
    if (session.status === 'cancelled') throw new BadRequestException('Lớp đã bị hủy: không cấp giấy chứng nhận.');
    if (session.status === 'draft') throw new BadRequestException('Lớp còn là bản nháp: chưa cấp giấy chứng nhận.');
  }

  private async issueInTransaction(
    m: EntityManager,
    session: TrainingSession,
    enrollmentId: string,
    actorId: string | null,
    overrideReason: string | null,
    elig: Eligibility,
    previous?: { certificate: Certificate; reason: string },
  ): Promise<Certificate> {
    await this.repo.lockEnrolment(enrollmentId, m);
    const person = await this.repo.enrolment(enrollmentId, m);
    if (!person || person.sessionId !== session.id || person.enrollmentStatus === 'cancelled') {
      throw new NotFoundException('Không tìm thấy học viên trong lớp này (hoặc đăng ký đã bị hủy).');
    }
    // On a reissue of a valid certificate, that one is already marked replaced.
    if (await this.repo.findValidForEnrolment(enrollmentId, m)) {
      throw new ConflictException('Học viên này đã có giấy chứng nhận còn hiệu lực. Muốn cấp lại, hãy dùng chức năng "Cấp lại".');
    }
    if (!previous) {
      const revoked = await this.repo.findRevokedForEnrolment(enrollmentId, m);
      if (revoked) {
        throw new ConflictException(
          `Giấy chứng nhận số ${revoked.serial} của học viên này đã bị thu hồi${revoked.revokeReason ? ` (${revoked.revokeReason})` : ''}. Muốn cấp giấy mới, hãy mở giấy đó, dùng "Cấp lại" và ghi lý do.`,
        );
      }
    }
    const template = await this.templates.assertReadyToIssue(session, m);
    const issueDate = todayInVietnam();
    const year = Number(issueDate.slice(0, 4));
    const issuerKey = template.issuerCode;
    const n = await this.repo.nextSerialNumber(issuerKey, year, m);
    const serial = formatSerial(template.serialFormat, n, year);
    const code = newVerificationCode(randomBytes);
    const content = this.contentFor(session, template, person, serial, code, issueDate);
    const cert = await this.repo.insert(
      {
        enrollmentId,
        sessionId: session.id,
        traineeId: person.traineeId,
        issuerKey,
        serialYear: year,
        serialNumber: n,
        serial,
        verificationCode: code,
        status: 'valid',
        content,
        overrideReason,
        issuedAt: new Date(),
        issuedById: actorId,
      },
      m,
    );
    await this.audit.record(
      {
        actorId,
        action: previous ? 'certificate.reissue' : overrideReason ? 'certificate.override' : 'certificate.issue',
        entity: 'certificate',
        entityId: cert.id,
        oldValue: previous ? { id: previous.certificate.id, serial: previous.certificate.serial, status: previous.certificate.status } : null,
        newValue: { serial, enrollmentId, eligible: elig.eligible, rule: elig.reason },
        note: previous ? previous.reason : overrideReason,
      },
      m,
    );
    await this.jobs.send(CERTIFICATE_ISSUED_JOB, { certificateId: cert.id }, { manager: m });
    return cert;
  }

  contentFor(session: TrainingSession, t: CertificateTemplate, p: EnrolmentPerson, serial: string, code: string, issueDate: string): CertificateContent {
    const workplace = p.workplace ? cleanText(p.workplace) : '';
    const place = [p.communeName, p.provinceName].filter((x): x is string => !!x && !workplace.includes(x.replace(/^(Xã|Phường|Đặc khu) /, '')));
    const unit = [workplace, ...place].filter(Boolean).join(', ');
    return {
      nationalHeading: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      motto: 'Độc lập - Tự do - Hạnh phúc',
      issuerParent: t.issuerParent,
      issuerName: t.issuerName,
      title: 'GIẤY CHỨNG NHẬN',
      wording: t.wording,
      traineeName: p.fullName.normalize('NFC'),
      dateOfBirth: p.dateOfBirth,
      birthYear: p.dateOfBirth ? null : p.birthYear,
      position: p.position ? cleanText(p.position) : null,
      unit: unit || null,
      courseTitle: session.title.normalize('NFC'),
      startDate: session.startDate,
      endDate: session.endDate,
      venue: venueWithProvince(session.venue, session.hostProvince?.fullName),
      placeName: t.placeName,
      issueDate,
      signerTitle: t.signerTitle,
      signerName: t.signerName,
      serial,
      verifyUrl: `${this.config.publicUrl}/verify/${code}`,
    };
  }

  /** Revokes a valid certificate with a written reason. */
  async revoke(id: string, reason: string, actorId: string | null): Promise<Certificate> {
    const why = cleanText(reason);
    if (!why) throw new BadRequestException('Hãy ghi lý do thu hồi.');
    return this.inTransaction(async (m) => {
      const c = await this.repo.lockById(id, m);
      if (!c) throw new NotFoundException('Không tìm thấy giấy chứng nhận.');
      if (c.status !== 'valid') throw new ConflictException('Chỉ thu hồi được giấy chứng nhận còn hiệu lực.');
      await this.repo.update(id, { status: 'revoked', revokedAt: new Date(), revokeReason: why }, m);
      await this.audit.record({ actorId, action: 'certificate.revoke', entity: 'certificate', entityId: id, oldValue: { status: 'valid' }, newValue: { status: 'revoked' }, note: why }, m);
      return { ...c, status: 'revoked' as const, revokeReason: why };
    });
  }

  /**
   * "Cấp lại": a new certificate (new serial, current trainee and template data) in place of a
   * valid one, which becomes replaced, or of a revoked one, which stays revoked (with its reason)
   * and points to the new one. The only way a revoked enrolment gets a certificate again: the
   * reason is written and audited, and, if the trainee no longer meets the rule, it is also the
   * new certificate's override reason.
   */
  async reissue(id: string, reason: string, actorId: string | null): Promise<Certificate> {
    const why = cleanText(reason);
    if (!why) throw new BadRequestException('Hãy ghi lý do cấp lại.');
    const existing = await this.repo.findById(id);
    if (!existing) throw new NotFoundException('Không tìm thấy giấy chứng nhận.');
    const session = await this.sessions.get(existing.sessionId, STAFF_READER);
    this.assertIssuable(session);
    try {
      return await this.inTransaction(async (m) => {
        const old = await this.repo.lockById(id, m);
        if (old?.status === 'revoked') {
          if (old.replacedById) throw new ConflictException('Giấy chứng nhận đã thu hồi này đã được cấp lại rồi.');
          const elig = (await this.evaluate(session, m)).find((d) => d.enrollmentId === old.enrollmentId);
          if (!elig) throw new NotFoundException('Không tìm thấy học viên trong lớp này (hoặc đăng ký đã bị hủy).');
          const fresh = await this.issueInTransaction(m, session, old.enrollmentId, actorId, elig.eligible ? null : why, elig, { certificate: old, reason: why });
          await this.repo.update(id, { replacedById: fresh.id }, m);
          await this.recordReplaced(old, fresh, 'revoked', why, actorId, m);
          return fresh;
        }
        if (!old || old.status !== 'valid') throw new ConflictException('Chỉ cấp lại được giấy chứng nhận còn hiệu lực hoặc đã bị thu hồi.');
        await this.repo.update(id, { status: 'replaced' }, m);
        const elig: Eligibility = { eligible: true, attended: 0, required: 0, sittings: 0, missingTopics: [], reason: `Cấp lại thay số ${old.serial}: ${why}` };
        const fresh = await this.issueInTransaction(m, session, old.enrollmentId, actorId, old.overrideReason, elig, { certificate: old, reason: why });
        await this.repo.update(id, { replacedById: fresh.id, revokeReason: why }, m);
        await this.recordReplaced(old, fresh, 'replaced', why, actorId, m);
        return fresh;
      });
    } catch (e) {
      throw translateUniqueViolation(e);
    }
  }

  /** The old certificate's own history says what became of it: replaced (or, revoked, given again) by the new one. */
  private recordReplaced(old: Certificate, fresh: Certificate, status: 'replaced' | 'revoked', reason: string, actorId: string | null, m: EntityManager): Promise<void> {
    return this.audit.record(
      { actorId, action: 'certificate.replace', entity: 'certificate', entityId: old.id, oldValue: { status: old.status, serial: old.serial }, newValue: { status, replacedBy: fresh.serial, replacedById: fresh.id }, note: reason },
      m,
    );
  }
}

/** A concurrent second issue for the same enrolment ends on the partial unique index: say it in words. */
function translateUniqueViolation(e: unknown): unknown {
  if (e instanceof QueryFailedError && (e as { code?: string }).code === '23505') {
    const constraint = (e as { constraint?: string; driverError?: { constraint?: string } }).driverError?.constraint ?? '';
    if (constraint.includes('enrollment_valid') || e.message.includes('enrollment_valid')) {
      return new ConflictException('Học viên này đã có giấy chứng nhận còn hiệu lực. Muốn cấp lại, hãy dùng chức năng "Cấp lại".');
    }
  }
  return e;
}
