import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
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

  /**
   * The page a check-in link opens (the QR of a badge read by a phone's own camera, the link in an invitation's
   * text): whose code it is, and the code itself to show at the door. It tells no more than the badge prints.
   */
  async tokenPage(token: string) {
    const owner = token.length <= 200 ? await this.repo.ownerOfToken(token) : null;
    if (!owner) throw new NotFoundException('Mã điểm danh không đúng hoặc không còn dùng được. Vui lòng hỏi ban tổ chức.');
    return {
      ...owner,
      qrDataUrl: owner.cancelled ? null : await QRCode.toDataURL(this.print.checkinUrl(token), { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
    };
  }

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
