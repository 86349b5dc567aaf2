import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { ENROLLMENT_STATUS_LABELS } from '../enrollments/enrollment.entity';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { checkinUrl } from '../enrollments/invitations.service';
import { SESSION_STATUS_LABELS } from '../training-sessions/training-session.entity';

/** What a trainee sees: only their own enrolments. */
@Injectable()
export class PortalService {
  constructor(
    private readonly enrollments: EnrollmentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private traineeOf(user: AuthUser): string {
    if (!user.traineeId) throw new ForbiddenException('Tài khoản này chưa gắn với hồ sơ học viên nào.');
    return user.traineeId;
  }

  async home(user: AuthUser) {
    const rows = await this.enrollments.forTrainee(this.traineeOf(user));
    return rows.map((e) => ({
      id: e.session!.id,
      title: e.session!.title,
      startDate: e.session!.startDate,
      endDate: e.session!.endDate,
      venue: e.session!.venue,
      status: e.session!.status,
      statusLabel: SESSION_STATUS_LABELS[e.session!.status],
      cancelReason: e.session!.status === 'cancelled' ? e.session!.cancelReason : null,
    }));
  }

  /** A session of the trainee: its facts and check-in QR code; a cancelled one only says so, and why. */
  async session(user: AuthUser, sessionId: string) {
    const e = await this.enrollments.oneForTrainee(this.traineeOf(user), sessionId);
    if (e.session!.status === 'cancelled') return { session: e.session!, enrollmentStatus: ENROLLMENT_STATUS_LABELS[e.status], cancelled: true, qrDataUri: null };
    const svg = await QRCode.toString(checkinUrl(this.config.publicUrl, e.checkinToken), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      session: e.session!,
      enrollmentStatus: ENROLLMENT_STATUS_LABELS[e.status],
      cancelled: false,
      qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }
}
