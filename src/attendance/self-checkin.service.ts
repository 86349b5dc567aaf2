import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthUser } from '../common/request-context';
import { SetupService } from '../setup/setup.service';
import { Clock } from './clock';
import { AttendanceRepository, SessionInfo } from './attendance.repository';
import { AttendanceMarkingService, CheckinResult } from './attendance-marking.service';
import { currentSitting, sittingLabel } from './attendance-rules';

const MINUTE = 60_000;

/** Self check-in: a 6-digit code per session and minute, shown on the projector, entered by trainees. */
@Injectable()
export class SelfCheckinService {
  private secret?: Promise<string>;

  constructor(
    private readonly repo: AttendanceRepository,
    private readonly marking: AttendanceMarkingService,
    private readonly setup: SetupService,
    private readonly clock: Clock,
  ) {}

  /** The code of a minute (minutes since the epoch), derived from the app secret: nothing to store. */
  async codeFor(sessionId: string, minute: number): Promise<string> {
    const secret = await (this.secret ??= this.setup.sessionSecret());
    const mac = createHmac('sha256', secret).update(`self-checkin:${sessionId}:${minute}`).digest();
    return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  }

  /** The projector page: the current code, the sitting it is for, and when it changes. */
  async display(sessionId: string, user: AuthUser) {
    if (!['admin', 'organiser'].includes(user.role)) throw new ForbiddenException('Chỉ ban tổ chức mới mở được mã tự điểm danh.');
    const session = await this.requireSession(sessionId);
    const now = this.clock.now();
    const minute = Math.floor(now.getTime() / MINUTE);
    const sittings = await this.repo.listSittings(sessionId);
    const sitting = currentSitting(sittings, now, this.marking.policyFor(session));
    return {
      session,
      enabled: session.selfCheckinEnabled,
      sitting: sitting ? { ...sitting, label: sittingLabel(sitting) } : null,
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
    if (!sitting) throw new UnprocessableEntityException('Hiện không có buổi học nào đang mở điểm danh.');
    const code = rawCode.trim();
    const minute = Math.floor(now.getTime() / MINUTE);
    const valid = await Promise.all([minute, minute - 1].map(async (m) => safeEqual(await this.codeFor(sessionId, m), code)));
    if (!valid.some(Boolean)) throw new UnprocessableEntityException('Mã điểm danh không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiển thị.');
    return this.marking.selfCheckIn(user, sessionId, sitting);
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
