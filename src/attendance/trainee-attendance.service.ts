import { ForbiddenException, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { AuthUser } from '../common/request-context';
import { AttendanceRepository } from './attendance.repository';
import { AttendancePrintService } from './attendance-print.service';

/** The trainee's own view: their QR code per session, and the self check-in form. */
@Injectable()
export class TraineeAttendanceService {
  constructor(
    private readonly repo: AttendanceRepository,
    private readonly print: AttendancePrintService,
  ) {}

  async myCheckin(user: AuthUser) {
    if (!user.traineeId) throw new ForbiddenException('Tài khoản chưa được gắn với học viên nào.');
    const rows = await this.repo.enrollmentsOfTrainee(user.traineeId);
    return {
      enrollments: await Promise.all(
        rows.map(async (r) => ({
          ...r,
          qrDataUrl: await QRCode.toDataURL(this.print.checkinUrl(r.checkinToken), { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
        })),
      ),
    };
  }
}
