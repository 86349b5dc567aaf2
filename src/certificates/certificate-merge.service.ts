import { ConflictException, Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { reassignedByMerge, TraineeMergeHooks } from '../trainees/trainee-merge-hooks';
import { AuditService } from '../audit/audit.service';
import { CertificatesRepository } from './certificates.repository';

/**
 * Certificates follow a trainee merge. A certificate is the person's: it keeps its serial, its
 * verification code and its printed content (frozen at issue), and only changes whom it belongs to.
 * Where both records are enrolled in one session, the dropped enrolment is removed by the enrolments
 * hook, so its certificates (valid, revoked and replaced alike: the register's history) move to the
 * kept enrolment first. Two valid certificates for the same course cannot both stay (one per
 * enrolment, uq_certificates_enrollment_valid): the merge is refused until the organiser revokes one.
 */
@Injectable()
export class CertificateMergeService implements OnModuleInit {
  constructor(
    private readonly repo: CertificatesRepository,
    private readonly enrollments: EnrollmentsService,
    private readonly mergeHooks: TraineeMergeHooks,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.mergeHooks.register('certificates', (fromId, toId, m, actorId) => this.mergeTrainee(fromId, toId, m, actorId), { before: 'enrollments' });
  }

  async mergeTrainee(fromId: string, toId: string, m: EntityManager, actorId: string | null = null): Promise<{ certificatesMoved: number; certificatesCombined: number }> {
    const pairs = await this.enrollments.sameSessionPairs(fromId, toId, m);
    let combined = 0;
    if (pairs.length) {
      const onDropped = await this.repo.onEnrolments(pairs.map((p) => p.drop), m);
      const validOnKept = new Map((await this.repo.onEnrolments(pairs.map((p) => p.keep), m)).filter((c) => c.status === 'valid').map((c) => [c.enrollmentId, c]));
      const clashes = pairs.flatMap((p) => {
        const kept = validOnKept.get(p.keep);
        const dropped = onDropped.find((c) => c.enrollmentId === p.drop && c.status === 'valid');
        return kept && dropped ? [{ kept, dropped }] : [];
      });
      if (clashes.length) {
        const list = clashes.map(({ kept, dropped }) => `lớp "${kept.courseTitle}" (giấy số ${kept.serial} và số ${dropped.serial})`).join('; ');
        throw new ConflictException(
          `Không thể gộp: cả hai hồ sơ đều có giấy chứng nhận còn hiệu lực của ${list}. Mỗi người chỉ giữ một giấy cho một lớp: hãy thu hồi giấy cấp thừa trước, rồi gộp lại. Chưa có gì thay đổi.`,
        );
      }
      for (const p of pairs) {
        if (!onDropped.some((c) => c.enrollmentId === p.drop)) continue;
        const ids = await this.repo.moveToEnrolment(p.drop, p.keep, m);
        combined += ids.length;
        await this.audit.recordMany(reassignedByMerge('certificate', ids, p.drop, p.keep, actorId, 'enrollmentId'), m);
      }
    }
    const moved = await this.repo.reassignTrainee(fromId, toId, m);
    await this.audit.recordMany(reassignedByMerge('certificate', moved, fromId, toId, actorId), m);
    return { certificatesMoved: moved.length, certificatesCombined: combined };
  }
}
