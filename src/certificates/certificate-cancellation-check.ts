import { ConflictException, Injectable, OnModuleInit } from '@nestjs/common';
import { CancellationChecks } from '../training-sessions/cancellation-checks';
import { CertificatesRepository } from './certificates.repository';

/**
 * A valid certificate stands for attendance that happened: cancelling its enrolment or its session
 * would leave it verifying as valid for a course the records say the person never took. The
 * organiser revokes it first (with a reason, in the audit log), then cancels.
 */
@Injectable()
export class CertificateCancellationCheck implements OnModuleInit {
  constructor(
    private readonly repo: CertificatesRepository,
    private readonly checks: CancellationChecks,
  ) {}

  onModuleInit(): void {
    this.checks.register('certificates', async ({ sessionId, enrollmentId }, m) => {
      if (enrollmentId) {
        const cert = await this.repo.findValidForEnrolment(enrollmentId, m);
        if (cert) throw new ConflictException(`Học viên đã được cấp giấy chứng nhận số ${cert.serial}. Hãy thu hồi giấy chứng nhận (ghi rõ lý do) trước khi hủy đăng ký.`);
        return;
      }
      const valid = (await this.repo.currentForSession(sessionId, m)).filter((c) => c.status === 'valid');
      if (valid.length) throw new ConflictException(`Lớp đã cấp ${valid.length} giấy chứng nhận còn hiệu lực. Hãy thu hồi các giấy chứng nhận (ghi rõ lý do) trước khi hủy lớp.`);
    });
  }
}
