import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SessionStatus, TrainingSession } from './training-session.entity';

export interface SessionListFilter {
  statuses?: SessionStatus[];
  q?: string;
  /** Only sessions this trainee is enrolled in (enrolment not cancelled). */
  traineeId?: string;
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

  private r(manager?: EntityManager): Repository<TrainingSession> {
    return manager ? manager.getRepository(TrainingSession) : this.repo;
  }

  findById(id: string, manager?: EntityManager): Promise<TrainingSession | null> {
    return this.r(manager).findOne({ where: { id }, relations: { hostProvince: true, hostCommune: true } });
  }

  /** Locks the session row until the transaction ends (serialises agenda changes of one session). */
  async lockById(id: string, manager: EntityManager): Promise<TrainingSession | null> {
    const rows = await manager.query(`SELECT id FROM training_sessions WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? this.findById(id, manager) : null;
  }

  /** Sets the certificate rule of a session (asked by the certificates module). */
  async updateCertificateRule(id: string, rule: { minAttendancePercent: number; excusedCounts: boolean }, manager?: EntityManager): Promise<void> {
    await this.r(manager).update({ id }, rule);
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
    if (filter.traineeId) {
      qb.andWhere("EXISTS (SELECT 1 FROM enrollments en WHERE en.session_id = s.id AND en.trainee_id = :traineeId AND en.status <> 'cancelled')", { traineeId: filter.traineeId });
    }
    const total = await qb.getCount();
    const { entities, raw } = await qb.offset(filter.offset).limit(filter.limit).getRawAndEntities();
    const rows = entities.map((e) => {
      const r = raw.find((x) => x.s_id === e.id);
      return Object.assign(e, { hostProvinceName: r?.host_province_name ?? '', enrolledCount: Number(r?.enrolled_count ?? 0) });
    });
    return [rows, total];
  }

  /**
   * Whether a trainee holds an active (not cancelled) enrolment in the session.
   * The enrolments module owns the table; this read is the access rule for materials.
   */
  async isTraineeEnrolled(sessionId: string, traineeId: string): Promise<boolean> {
    const rows = await this.repo.query(`SELECT 1 FROM enrollments WHERE session_id = $1 AND trainee_id = $2 AND status <> 'cancelled' LIMIT 1`, [sessionId, traineeId]);
    return rows.length > 0;
  }

  /** Enrolments not cancelled (read under the session's lock, which enrolling takes too): the floor of the capacity. */
  async countActiveEnrolments(sessionId: string, m: EntityManager): Promise<number> {
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM enrollments WHERE session_id = $1 AND status <> 'cancelled'`, [sessionId]);
    return n;
  }

  async insert(data: Partial<TrainingSession>, manager: EntityManager): Promise<TrainingSession> {
    return manager.getRepository(TrainingSession).save(manager.getRepository(TrainingSession).create(data));
  }

  async update(id: string, patch: QueryDeepPartialEntity<TrainingSession>, manager?: EntityManager): Promise<void> {
    await this.r(manager).update({ id }, patch);
  }
}
