import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { TooManyAttemptsException } from '../common/http-exception.filter';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthUser } from '../common/request-context';
import { PgThrottlerStorage } from '../common/pg-throttler.storage';
import { SetupService } from '../setup/setup.service';
import { Clock } from './clock';
import { AttendanceRepository, SessionInfo } from './attendance.repository';
import { AttendanceMarkingService, CheckinResult } from './attendance-marking.service';
import { currentSitting, sittingLabel } from './attendance-rules';

const MINUTE = 60_000;

/**
 * Code attempts a trainee may make for one session per window. Two codes out of a million are valid at
 * a time, so without a limit a script finds one within minutes; counted per account (in PostgreSQL,
 * shared by every instance), never per address: a whole venue shares one NAT address.
 */
export const SELF_CHECKIN_ATTEMPTS = 5;
export const SELF_CHECKIN_WINDOW_SECONDS = 5 * 60;
const SELF_CHECKIN_THROTTLER = 'self-checkin';
const NO_OPEN_SITTING = 'Hiện không có buổi học nào đang mở điểm danh.';

/** Self check-in: a 6-digit code per session and minute, shown on the projector, entered by trainees. */
@Injectable()
export class SelfCheckinService {
  private secret?: Promise<string>;

  constructor(
    private readonly repo: AttendanceRepository,
    private readonly marking: AttendanceMarkingService,
    private readonly setup: SetupService,
    private readonly clock: Clock,
    private readonly attempts: PgThrottlerStorage,
  ) {}

  /** The code of a minute (minutes since the epoch), derived from the app secret: nothing to store. */
  async codeFor(sessionId: string, minute: number): Promise<string> {
    const secret = await (this.secret ??= this.setup.sessionSecret());
    const mac = createHmac('sha256', secret).update(`self-checkin:${sessionId}:${minute}`).digest();
    return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  }

  /**
   * The projector page: the current code, the sitting it is for, and when it changes. `heading` says what
   * the projector shows; the page asks again every minute, so a sitting that opens later shows its code.
   */
  async display(sessionId: string, user: AuthUser) {
    if (!['admin', 'organiser'].includes(user.role)) throw new ForbiddenException('Chỉ ban tổ chức mới mở được mã tự điểm danh.');
    const session = await this.requireSession(sessionId);
    const now = this.clock.now();
    const minute = Math.floor(now.getTime() / MINUTE);
    const sittings = await this.repo.listSittings(sessionId);
    const sitting = currentSitting(sittings, now, this.marking.policyFor(session));
    const label = sitting ? sittingLabel(sitting) : null;
    return {
      session,
      enabled: session.selfCheckinEnabled,
      heading: !session.selfCheckinEnabled ? 'Lớp này không bật hình thức tự điểm danh.' : label ? `Tự điểm danh · ${label}` : NO_OPEN_SITTING,
      sitting: sitting ? { ...sitting, label: label! } : null,
      code: session.selfCheckinEnabled && sitting ? await this.codeFor(sessionId, minute) : null,
      expiresAt: new Date((minute + 1) * MINUTE).toISOString(),
      secondsLeft: Math.ceil(((minute + 1) * MINUTE - now.getTime()) / 1000),
    };
  }

  /** A trainee enters the code: accepted in its minute and the minute after (the projector may lag). */
  async checkIn(user: AuthUser, sessionId: string, rawCode: string): Promise<CheckinResult> {
    if (user.role !== 'trainee' || !user.traineeId) throw new ForbiddenException('Chỉ học viên mới tự điểm danh được.');
    const session = await this.requireSession(sessionId);
    if (!session.selfCheckinEnabled) throw new ForbiddenException('Lớp này không dùng hình thức tự điểm danh.');
    if (session.status === 'cancelled') throw new ConflictException('Lớp đã bị hủy.');
    const now = this.clock.now();
    const sittings = await this.repo.listSittings(sessionId);
    const sitting = currentSitting(sittings, now, this.marking.policyFor(session));
    if (!sitting) throw new UnprocessableEntityException(NO_OPEN_SITTING);
    await this.countAttempt(user, sessionId);
    const code = rawCode.trim();
    const minute = Math.floor(now.getTime() / MINUTE);
    const valid = await Promise.all([minute, minute - 1].map(async (m) => safeEqual(await this.codeFor(sessionId, m), code)));
    if (!valid.some(Boolean)) throw new UnprocessableEntityException('Mã điểm danh không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiển thị.');
    return this.marking.selfCheckIn(user, sessionId, sitting);
  }

  /** Every code entered counts (a right one too): while the trainee is over the limit no code is even compared. */
  private async countAttempt(user: AuthUser, sessionId: string): Promise<void> {
    const r = await this.attempts.increment(`${user.id}|${sessionId}`, SELF_CHECKIN_WINDOW_SECONDS * 1000, SELF_CHECKIN_ATTEMPTS, 0, SELF_CHECKIN_THROTTLER);
    if (!r.isBlocked) return;
    const minutes = Math.max(1, Math.ceil(r.timeToBlockExpire / 60));
    throw new TooManyAttemptsException(
      `Bạn đã nhập mã quá ${SELF_CHECKIN_ATTEMPTS} lần trong ${SELF_CHECKIN_WINDOW_SECONDS / 60} phút. Vui lòng thử lại sau ${minutes} phút hoặc nhờ ban tổ chức điểm danh.`,
      r.timeToBlockExpire,
    );
  }

  private async requireSession(sessionId: string): Promise<SessionInfo> {
    const s = await this.repo.findSession(sessionId);
    if (!s) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    return s;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
