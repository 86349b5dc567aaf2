import { Injectable, NotFoundException } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { foldForSearch } from '../common/text/vietnamese';
import { SessionStatus, TrainingSession } from './training-session.entity';
import { SessionListRow, TrainingSessionsRepository } from './training-sessions.repository';

/** Statuses a trainee (or the public) may see. */
export const VISIBLE_STATUSES: SessionStatus[] = ['published', 'ongoing', 'completed'];

@Injectable()
export class TrainingSessionsService {
  constructor(private readonly sessions: TrainingSessionsRepository) {}

  list(user: AuthUser | undefined, q: string | undefined, page: number, pageSize: number): Promise<[SessionListRow[], number]> {
    const staff = user && ['admin', 'organiser', 'lecturer'].includes(user.role);
    return this.sessions.list({
      statuses: staff ? undefined : VISIBLE_STATUSES,
      q: q ? foldForSearch(q) : undefined,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
  }

  async get(id: string, user?: AuthUser): Promise<TrainingSession> {
    const s = await this.sessions.findById(id);
    const staff = user && ['admin', 'organiser', 'lecturer'].includes(user.role);
    if (!s || (!staff && !VISIBLE_STATUSES.includes(s.status))) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    return s;
  }

  /** Sets the certificate rule (minimum share of sittings attended; whether excused absences count). */
  async updateCertificateRule(id: string, rule: { minAttendancePercent: number; excusedCounts: boolean }): Promise<void> {
    await this.sessions.updateCertificateRule(id, rule);
  }
}
