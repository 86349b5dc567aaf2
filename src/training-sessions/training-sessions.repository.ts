import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SessionStatus, TrainingSession } from './training-session.entity';

export interface SessionListFilter {
  statuses?: SessionStatus[];
  q?: string;
  offset: number;
  limit: number;
}

export interface SessionListRow extends TrainingSession {
  hostProvinceName: string;
  enrolledCount: number;
}

@Injectable()
export class TrainingSessionsRepository {
  constructor(@InjectRepository(TrainingSession) private readonly repo: Repository<TrainingSession>) {}

  findById(id: string): Promise<TrainingSession | null> {
    return this.repo.findOne({ where: { id }, relations: { hostProvince: true, hostCommune: true } });
  }

  /** Sets the certificate rule of a session (asked by the certificates module). */
  async updateCertificateRule(id: string, rule: { minAttendancePercent: number; excusedCounts: boolean }): Promise<void> {
    await this.repo.update({ id }, rule);
  }

  /** Sessions newest first, with the host province name and the number of active enrolments. */
  async list(filter: SessionListFilter): Promise<[SessionListRow[], number]> {
    const qb = this.repo
      .createQueryBuilder('s')
      .leftJoin('s.hostProvince', 'p')
      .addSelect('p.name', 'host_province_name')
      .addSelect((sub) => sub.select('count(*)::int').from('enrollments', 'e').where("e.session_id = s.id AND e.status <> 'cancelled'"), 'enrolled_count')
      .orderBy('s.start_date', 'DESC')
      .addOrderBy('s.created_at', 'DESC');
    if (filter.statuses?.length) qb.andWhere('s.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.q) qb.andWhere('s.title_search LIKE :q', { q: `%${filter.q.replace(/[%_\\]/g, '\\$&')}%` });
    const total = await qb.getCount();
    const { entities, raw } = await qb.offset(filter.offset).limit(filter.limit).getRawAndEntities();
    const rows = entities.map((e) => {
      const r = raw.find((x) => x.s_id === e.id);
      return Object.assign(e, { hostProvinceName: r?.host_province_name ?? '', enrolledCount: Number(r?.enrolled_count ?? 0) });
    });
    return [rows, total];
  }
}
