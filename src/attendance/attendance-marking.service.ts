import { ConflictException, ForbiddenException, HttpException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { reassignedByMerge } from '../trainees/trainee-merge-hooks';
import { DataSource, EntityManager } from 'typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuditService } from '../audit/audit.service';
import { AuthUser } from '../common/request-context';
import { cleanText } from '../common/text/vietnamese';
import { Clock } from './clock';
import { MARK_STATUS_LABELS, MarkMethod, MarkStatus } from './attendance-mark.entity';
import { AttendanceRepository, EnrollmentInfo, MarkClash, MarkRow, NewMark, SessionCheckinRules, SessionInfo, SittingInfo } from './attendance.repository';
import { arrivalStatus, CheckinPolicy, MARK_WEIGHT, dmy, localClock, scanTime, sittingStart, sittingEnd, tokenFromScan, windowProblem } from './attendance-rules';
import { BatchEntryDto } from './dto/batch-checkin.dto';

/** A sitting both records of a merged person had a mark for: the mark that stayed and the one dropped. */
export interface MergedMark {
  sittingId: string;
  kept: MarkStatus;
  discarded: MarkStatus;
}

export interface CheckinResult {
  /** recorded: this scan made (or upgraded) the mark; already: the trainee was checked in before. */
  outcome: 'recorded' | 'already';
  status: MarkStatus;
  statusLabel: string;
  markedAt: string;
  /** Local time of the mark, e.g. "07:58". */
  markedAtLocal: string;
  message: string;
  trainee: { enrollmentId: string; fullName: string; position: string | null; communeName: string | null; provinceName: string | null };
  clientScanId?: string;
}

export interface BatchEntryResult {
  index: number;
  clientScanId: string | null;
  ok: boolean;
  statusCode: number;
  message: string;
  /** 'scan-time': refused for the time the phone stamped on it (outside the sitting's window, or in the future). */
  reason?: 'scan-time';
  result?: CheckinResult;
}

export interface RosterMarkInput {
  enrollmentIds: string[] | 'remaining';
  status: MarkStatus;
  reason?: string | null;
}

const STAFF_MARKERS = ['admin', 'organiser'];
/** A later scan does change these (someone marked absent before the trainee arrived). */
const UPGRADABLE: MarkStatus[] = ['absent', 'excused'];
/**
 * Marks made by a scan (phone or self check-in). A "late" one of these gives way to an earlier scan that was
 * on time (an offline phone syncing after an online one); a mark an organiser set by hand (roster, file) does not.
 */
const SCANNED: MarkMethod[] = ['qr', 'self'];
/** Offline phones' clocks drift: a scan time this far in the future is refused. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** A scan refused for its time: outside the sitting's window (for a queued scan, often the phone's clock). */
class ScanTimeRefusedException extends UnprocessableEntityException {}

/** Writes attendance marks: QR scans (online and queued offline), roster, self check-in. Every change is audited. */
@Injectable()
export class AttendanceMarkingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: AttendanceRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  policyFor(session: Pick<SessionInfo, 'lateGraceMinutes'>): CheckinPolicy {
    return {
      lateGraceMinutes: session.lateGraceMinutes ?? this.config.checkin.lateGraceMinutes,
      windowBeforeMinutes: this.config.checkin.windowBeforeMinutes,
      windowAfterMinutes: this.config.checkin.windowAfterMinutes,
    };
  }

  /** One QR scan from the check-in page, at the server's time. */
  scan(actor: AuthUser, input: { token: string; sittingId: string; clientScanId?: string }): Promise<CheckinResult> {
    this.assertStaff(actor);
    return this.checkIn(actor, input.token, input.sittingId, this.clock.now(), 'qr', input.clientScanId ?? null);
  }

  /**
   * Scans queued offline, each with its own scan time. Each entry is answered on its own; a retried
   * batch finds its marks again (client scan id, then the one-mark-per-sitting rule) and creates nothing twice.
   */
  async batch(actor: AuthUser, entries: unknown[]): Promise<{ results: BatchEntryResult[]; recorded: number; already: number; failed: number }> {
    this.assertStaff(actor);
    const now = this.clock.now();
    const results: BatchEntryResult[] = [];
    for (const [index, raw] of entries.entries()) {
      const clientScanId = raw && typeof raw === 'object' && typeof (raw as { clientScanId?: unknown }).clientScanId === 'string' ? (raw as { clientScanId: string }).clientScanId : null;
      const entry = plainToInstance(BatchEntryDto, raw ?? {});
      const errors = raw && typeof raw === 'object' && !Array.isArray(raw) ? validateSync(entry, { whitelist: true, forbidNonWhitelisted: true }) : [];
      if (!raw || typeof raw !== 'object' || Array.isArray(raw) || errors.length) {
        const c = errors[0]?.constraints ?? {};
        const message = errors.length ? (c.isDefined ?? Object.values(c)[0] ?? 'Dữ liệu không hợp lệ.') : 'Mục không phải là một lượt quét.';
        results.push({ index, clientScanId, ok: false, statusCode: 400, message });
        continue;
      }
      const at = scanTime(entry.scannedAt);
      if (!at) {
        results.push({ index, clientScanId, ok: false, statusCode: 400, message: 'Thời điểm quét phải có cả ngày và giờ (ví dụ 2025-09-25T07:40:00+07:00).' });
        continue;
      }
      if (at.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
        results.push({ index, clientScanId, ok: false, statusCode: 422, message: 'Thời điểm quét ở tương lai: kiểm tra lại đồng hồ của điện thoại.', reason: 'scan-time' });
        continue;
      }
      try {
        const result = await this.checkIn(actor, entry.token, entry.sittingId, at, 'qr', entry.clientScanId);
        results.push({ index, clientScanId, ok: true, statusCode: 200, message: result.message, result });
      } catch (e) {
        if (!(e instanceof HttpException)) throw e;
        const body = e.getResponse();
        const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? e.message);
        results.push({ index, clientScanId, ok: false, statusCode: e.getStatus(), message, ...(e instanceof ScanTimeRefusedException ? { reason: 'scan-time' as const } : {}) });
      }
    }
    return {
      results,
      recorded: results.filter((r) => r.result?.outcome === 'recorded').length,
      already: results.filter((r) => r.result?.outcome === 'already').length,
      failed: results.filter((r) => !r.ok).length,
    };
  }

  /** Self check-in by a signed-in trainee, for the sitting open now (the code was checked by the caller). */
  async selfCheckIn(actor: AuthUser, sessionId: string, sitting: SittingInfo): Promise<CheckinResult> {
    if (!actor.traineeId) throw new ForbiddenException('Chỉ học viên có tài khoản mới tự điểm danh được.');
    const enrollment = await this.repo.findEnrollmentOfTrainee(sessionId, actor.traineeId);
    if (!enrollment || enrollment.status === 'cancelled') throw new ForbiddenException('Bạn không có tên trong danh sách học viên của lớp này.');
    return this.record(actor, enrollment, sitting, this.clock.now(), 'self', null);
  }

  /** Roster: sets the status of many enrolments at once ("remaining": every one without a mark yet). */
  async markRoster(actor: AuthUser, sessionId: string, sittingId: string, input: RosterMarkInput): Promise<{ changed: number; unchanged: number }> {
    this.assertStaff(actor);
    const { session, sitting } = await this.sessionAndSitting(sessionId, sittingId);
    if (session.status === 'cancelled') throw new ConflictException('Lớp đã bị hủy, không thể điểm danh.');
    const reason = input.status === 'excused' ? cleanText(input.reason ?? '') || null : null;
    if (input.status === 'excused' && !reason) throw new UnprocessableEntityException('Vui lòng ghi lý do vắng có phép.');
    const now = this.clock.now();
    return this.ds.transaction(async (m) => {
      const ids = await this.repo.activeEnrollmentIds(session.id, input.enrollmentIds === 'remaining' ? 'all' : input.enrollmentIds, m);
      if (input.enrollmentIds !== 'remaining' && ids.length !== new Set(input.enrollmentIds).size) {
        throw new UnprocessableEntityException('Có học viên không thuộc lớp này hoặc đã hủy đăng ký.');
      }
      let changed = 0;
      for (const enrollmentId of ids) {
        const values: NewMark = { enrollmentId, sittingId: sitting.id, status: input.status, reason, markedAt: now, method: 'roster', markedById: actor.id, clientScanId: null };
        if (await this.setMark(actor, values, input.enrollmentIds !== 'remaining', m)) changed++;
      }
      return { changed, unchanged: ids.length - changed };
    });
  }

  /**
   * Marks read from a file (the session's own attendance export filled in, or a typed-up sign-in
   * sheet): all of them in one transaction, audited, method "import". An excused absence without a
   * reason of its own gets `excusedReason`.
   */
  async importMarks(
    actor: AuthUser,
    sessionId: string,
    entries: { enrollmentId: string; sittingId: string; status: MarkStatus }[],
    excusedReason: string,
    source: { fileName: string; sha256: string; rows: number },
  ): Promise<{ changed: number; unchanged: number }> {
    this.assertStaff(actor);
    const session = await this.repo.findSession(sessionId);
    if (!session) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    if (session.status === 'cancelled') throw new ConflictException('Lớp đã bị hủy, không thể điểm danh.');
    const now = this.clock.now();
    return this.ds.transaction(async (m) => {
      const active = new Set(await this.repo.activeEnrollmentIds(session.id, 'all', m));
      if (entries.some((e) => !active.has(e.enrollmentId))) throw new UnprocessableEntityException('Có học viên không thuộc lớp này hoặc đã hủy đăng ký.');
      let changed = 0;
      for (const e of entries) {
        const values: NewMark = { ...e, reason: e.status === 'excused' ? excusedReason : null, markedAt: now, method: 'import', markedById: actor.id, clientScanId: null };
        if (await this.setMark(actor, values, true, m, true)) changed++;
      }
      // The file itself, once for the course: which file (name and SHA-256) set these marks.
      await this.audit.record({ actorId: actor.id, action: 'attendance.import', entity: 'training_session', entityId: session.id, newValue: { ...source, marks: entries.length, changed } }, m);
      return { changed, unchanged: entries.length - changed };
    });
  }

  /**
   * Inserts the mark, or (when `overwrite`) changes an existing one that differs, with its audit
   * entry. `keepReason`: an existing excused mark keeps its own reason. True when something changed.
   */
  private async setMark(actor: AuthUser, values: NewMark, overwrite: boolean, m: EntityManager, keepReason = false): Promise<boolean> {
    const inserted = await this.repo.insertIfAbsent(values, m);
    if (inserted) {
      await this.auditChange(actor, null, inserted, m);
      return true;
    }
    if (!overwrite) return false;
    const old = (await this.repo.findMark(values.enrollmentId, values.sittingId, m, true))!;
    const reason = keepReason && old.status === values.status && old.reason ? old.reason : values.reason;
    if (old.status === values.status && (old.reason ?? null) === reason) return false;
    const updated = (await this.repo.updateMark(old.id, { ...values, reason, markedAt: old.status === values.status ? old.markedAt : values.markedAt }, m))!;
    await this.auditChange(actor, old, updated, m);
    return true;
  }

  /**
   * Trainee merge: the dropped enrolment's marks move to the kept one. Where both have a mark for a
   * sitting, the one that counts most for attendance stays (MARK_WEIGHT; the kept one's on a tie), so
   * that a merge never costs the person a sitting they attended. Returns those sittings, for the audit.
   */
  async moveMarks(fromEnrollmentId: string, toEnrollmentId: string, m: EntityManager, actorId: string | null = null): Promise<MergedMark[]> {
    const clashes = await this.repo.markClashes(fromEnrollmentId, toEnrollmentId, m);
    const dropWins = (c: MarkClash) => MARK_WEIGHT[c.dropStatus] > MARK_WEIGHT[c.keepStatus];
    await this.repo.deleteMarks(clashes.filter(dropWins).map((c) => c.keepMarkId), m);
    const moved = await this.repo.moveMarks(fromEnrollmentId, toEnrollmentId, m);
    // Each mark's own history: moved to the kept enrolment, or set aside for the other one of its sitting (the
    // dropped enrolment's losing marks go with it).
    await this.audit.recordMany(
      [
        ...reassignedByMerge('attendance_mark', moved, fromEnrollmentId, toEnrollmentId, actorId, 'enrollmentId'),
        ...clashes.map((c) => {
          const [lost, lostStatus, kept, keptStatus, lostEnrolment] = dropWins(c) ? [c.keepMarkId, c.keepStatus, c.dropMarkId, c.dropStatus, toEnrollmentId] : [c.dropMarkId, c.dropStatus, c.keepMarkId, c.keepStatus, fromEnrollmentId];
          return { actorId, action: 'attendance.merge-discard', entity: 'attendance_mark', entityId: lost, oldValue: { enrollmentId: lostEnrolment, sittingId: c.sittingId, status: lostStatus }, newValue: { keptMarkId: kept, status: keptStatus } };
        }),
      ],
      m,
    );
    return clashes.map((c) => (dropWins(c) ? { sittingId: c.sittingId, kept: c.dropStatus, discarded: c.keepStatus } : { sittingId: c.sittingId, kept: c.keepStatus, discarded: c.dropStatus }));
  }

  async sessionAndSitting(sessionId: string, sittingId: string): Promise<{ session: SessionInfo; sitting: SittingInfo }> {
    const sitting = await this.repo.findSitting(sittingId);
    if (!sitting || sitting.sessionId !== sessionId) throw new NotFoundException('Không tìm thấy buổi học của lớp này.');
    const session = (await this.repo.findSession(sessionId))!;
    return { session, sitting };
  }

  private assertStaff(actor: AuthUser): void {
    if (!STAFF_MARKERS.includes(actor.role)) throw new ForbiddenException('Chỉ ban tổ chức mới được điểm danh hoặc sửa điểm danh.');
  }

  private async checkIn(actor: AuthUser, rawToken: string, sittingId: string, at: Date, method: MarkMethod, clientScanId: string | null): Promise<CheckinResult> {
    const token = tokenFromScan(rawToken);
    if (!token) throw new NotFoundException('Mã QR không hợp lệ: không phải mã điểm danh của hệ thống.');
    const ctx = await this.repo.checkinContext(sittingId, token);
    if (!ctx) throw new NotFoundException('Không tìm thấy buổi học.');
    const { sitting, session, enrollment, mark } = ctx;
    if (!enrollment) throw new NotFoundException('Mã QR không hợp lệ: không tìm thấy học viên.');
    if (enrollment.sessionId !== sitting.sessionId) {
      throw new UnprocessableEntityException(`Mã QR của ${enrollment.fullName} thuộc lớp khác, không phải lớp đang điểm danh.`);
    }
    if (enrollment.status === 'cancelled') throw new ConflictException(`${enrollment.fullName} đã hủy đăng ký lớp này.`);
    return this.record(actor, enrollment, sitting, at, method, clientScanId, session, mark);
  }

  /** Window and status rules, then the mark: inserted (with its audit entry, atomically), or the existing one reported. */
  /** `knownMark`: the mark read with the context, if any; a repeated scan is then answered without a write. */
  private async record(actor: AuthUser, enrollment: EnrollmentInfo, sitting: SittingInfo, at: Date, method: MarkMethod, clientScanId: string | null, knownSession?: SessionCheckinRules, knownMark?: MarkRow | null): Promise<CheckinResult> {
    const session = knownSession ?? (await this.repo.findSession(sitting.sessionId))!;
    if (session.status === 'cancelled') throw new ConflictException('Lớp đã bị hủy, không thể điểm danh.');
    const policy = this.policyFor(session);
    const problem = windowProblem(sitting, at, policy);
    if (problem === 'not-started') {
      throw new ScanTimeRefusedException(`Buổi học chưa đến giờ điểm danh (bắt đầu lúc ${localClock(sittingStart(sitting))} ngày ${dmy(sitting.date)}).`);
    }
    if (problem === 'ended') {
      throw new ScanTimeRefusedException(`Buổi học đã kết thúc lúc ${localClock(sittingEnd(sitting))} ngày ${dmy(sitting.date)}, không thể điểm danh.`);
    }
    const status = arrivalStatus(sitting, at, policy.lateGraceMinutes);
    const values: NewMark = { enrollmentId: enrollment.enrollmentId, sittingId: sitting.id, status, reason: null, markedAt: at, method, markedById: actor.id, clientScanId };
    const found = knownMark ? { ...knownMark, inserted: false } : await this.repo.insertAudited(values);
    if (found?.inserted) return this.result('recorded', found, enrollment, clientScanId);
    const existing = found ?? (await this.repo.findMark(enrollment.enrollmentId, sitting.id));
    if (!existing) throw new ConflictException('Mã lượt quét đã được dùng cho một lượt khác.');
    // A retried offline batch: this very scan made the mark, so it gets the same answer again.
    if (clientScanId && existing.clientScanId === clientScanId) return this.result('recorded', existing, enrollment, clientScanId);
    // The guard is checked again in the update: a mark changed meanwhile is reported as it now is.
    const earlierOnTime = existing.status === 'late' && status === 'present' && SCANNED.includes(existing.method) && at.getTime() < new Date(existing.markedAt).getTime();
    if (UPGRADABLE.includes(existing.status) || earlierOnTime) {
      const updated = UPGRADABLE.includes(existing.status)
        ? await this.repo.upgradeAudited(existing.id, values, UPGRADABLE)
        : await this.repo.upgradeAudited(existing.id, values, ['late'], { methods: SCANNED, markedAfter: at });
      if (updated) return this.result('recorded', updated, enrollment, clientScanId);
      return this.result('already', (await this.repo.findMark(enrollment.enrollmentId, sitting.id))!, enrollment, clientScanId);
    }
    return this.result('already', existing, enrollment, clientScanId);
  }

  private result(outcome: CheckinResult['outcome'], mark: MarkRow, e: EnrollmentInfo, clientScanId: string | null): CheckinResult {
    const markedAt = new Date(mark.markedAt);
    const local = localClock(markedAt);
    const message =
      outcome === 'already'
        ? `${e.fullName} đã điểm danh lúc ${local} (${MARK_STATUS_LABELS[mark.status].toLowerCase()}).`
        : `${e.fullName}: ${MARK_STATUS_LABELS[mark.status].toLowerCase()} lúc ${local}.`;
    return {
      outcome,
      status: mark.status,
      statusLabel: MARK_STATUS_LABELS[mark.status],
      markedAt: markedAt.toISOString(),
      markedAtLocal: local,
      message,
      trainee: { enrollmentId: e.enrollmentId, fullName: e.fullName, position: e.position, communeName: e.communeName, provinceName: e.provinceName },
      ...(clientScanId ? { clientScanId } : {}),
    };
  }

  private auditChange(actor: AuthUser, old: MarkRow | null, next: MarkRow, m: EntityManager): Promise<void> {
    const view = (r: MarkRow) => ({ enrollmentId: r.enrollmentId, sittingId: r.sittingId, status: r.status, reason: r.reason, method: r.method, markedAt: new Date(r.markedAt).toISOString() });
    return this.audit.record({ actorId: actor.id, action: 'attendance.mark', entity: 'attendance_mark', entityId: next.id, oldValue: old ? view(old) : null, newValue: view(next) }, m);
  }
}

