import { Injectable } from '@nestjs/common';
import { pageOf } from '../common/paging';
import { AuthUser } from '../common/request-context';
import { formatDate } from '../common/view-engine';
import { TraineesService } from '../trainees/trainees.service';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { ENROLLMENT_STATUS_LABELS, EnrollmentStatus } from './enrollment.entity';
import { enrolmentsOpen, EnrollmentsService } from './enrollments.service';

/** Enrolments per page of the list (a session may hold thousands). */
const PAGE_SIZE = 100;

const INVITATION_LABELS: Record<string, string> = { none: '', queued: 'Đang gửi thư mời', sent: 'Đã gửi thư mời', failed: 'Gửi thư mời lỗi' };

@Injectable()
export class EnrollmentsPagesService {
  constructor(
    private readonly enrollments: EnrollmentsService,
    private readonly sessions: TrainingSessionsService,
    private readonly trainees: TraineesService,
  ) {}

  async page(sessionId: string, user: AuthUser, status?: EnrollmentStatus, q?: string, pageNumber?: number) {
    const session = await this.sessions.get(sessionId, user);
    const counts = await this.enrollments.countsByStatus(sessionId);
    const total = status ? (counts[status] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
    const paging = pageOf(pageNumber, PAGE_SIZE, total);
    const rows = await this.enrollments.list(sessionId, status, { offset: (paging.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    let candidates: { id: string; fullName: string; born: string | number; commune: string; enrolled: boolean }[] = [];
    if (q && q.trim()) {
      const [found] = await this.trainees.list({ q, page: 1, pageSize: 30 });
      const enrolled = await this.enrollments.enrolledAmong(sessionId, found.map((t) => t.id));
      candidates = found.map((t) => ({ id: t.id, fullName: t.fullName, born: t.dateOfBirth ? formatDate(t.dateOfBirth) : (t.birthYear ?? ''), commune: [t.commune?.name, t.province?.name].filter(Boolean).join(', '), enrolled: enrolled.has(t.id) }));
    }
    const active = (counts.registered ?? 0) + (counts.confirmed ?? 0);
    const open = enrolmentsOpen(session.status);
    return {
      title: `Học viên · ${session.title}`,
      session,
      enrollments: rows.map((e) => ({
        ...e,
        statusLabel: ENROLLMENT_STATUS_LABELS[e.status],
        invitationLabel: INVITATION_LABELS[e.invitationState],
        cancelled: e.status === 'cancelled',
        canConfirm: open && e.status === 'registered',
        canCancel: open && e.status !== 'cancelled',
        commune: [e.trainee?.commune?.name, e.trainee?.province?.name].filter(Boolean).join(', '),
      })),
      counts: { registered: counts.registered ?? 0, confirmed: counts.confirmed ?? 0, cancelled: counts.cancelled ?? 0, active },
      capacity: session.capacity,
      full: session.capacity !== null && active >= session.capacity,
      statuses: Object.entries(ENROLLMENT_STATUS_LABELS).map(([value, label]) => ({ value, label })),
      filter: { status: status ?? '', q: q ?? '' },
      paging,
      query: status ? `&status=${status}` : '',
      candidates,
      searched: !!(q && q.trim()),
    };
  }
}
