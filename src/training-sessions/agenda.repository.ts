import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Sitting, SittingPart } from './sitting.entity';
import { Topic } from './topic.entity';

export interface LecturerClash {
  sessionId: string;
  sessionTitle: string;
  topicTitle: string;
  lecturerName: string;
  date: string;
  startTime: string;
  endTime: string;
}

/** Sittings (buổi) and agenda items (topics and others) of sessions. */
@Injectable()
export class AgendaRepository {
  constructor(
    @InjectRepository(Sitting) private readonly sittings: Repository<Sitting>,
    @InjectRepository(Topic) private readonly topics: Repository<Topic>,
  ) {}

  private sr(m?: EntityManager): Repository<Sitting> {
    return m ? m.getRepository(Sitting) : this.sittings;
  }

  private tr(m?: EntityManager): Repository<Topic> {
    return m ? m.getRepository(Topic) : this.topics;
  }

  sittingsOf(sessionId: string, m?: EntityManager): Promise<Sitting[]> {
    return this.sr(m).find({ where: { sessionId }, order: { date: 'ASC', startsAt: 'ASC' } });
  }

  findSitting(id: string, m?: EntityManager): Promise<Sitting | null> {
    return this.sr(m).findOneBy({ id });
  }

  findSittingAt(sessionId: string, date: string, part: SittingPart, m?: EntityManager): Promise<Sitting | null> {
    return this.sr(m).findOneBy({ sessionId, date, part });
  }

  async insertSittings(rows: Partial<Sitting>[], m: EntityManager): Promise<Sitting[]> {
    if (!rows.length) return [];
    return m.getRepository(Sitting).save(rows.map((r) => m.getRepository(Sitting).create(r)));
  }

  async updateSittingTimes(id: string, startsAt: string, endsAt: string, m: EntityManager): Promise<void> {
    await m.getRepository(Sitting).update({ id }, { startsAt, endsAt });
  }

  async deleteSitting(id: string, m: EntityManager): Promise<void> {
    await m.getRepository(Sitting).delete({ id });
  }

  countTopicsInSitting(sittingId: string, m?: EntityManager): Promise<number> {
    return this.tr(m).countBy({ sittingId });
  }

  /** Attendance marks hang on sittings (attendance module's table; deleting the sitting would cascade). */
  async countAttendanceMarks(sittingId: string, m?: EntityManager): Promise<number> {
    const [row] = await (m ?? this.sittings.manager).query(`SELECT count(*)::int AS n FROM attendance_marks WHERE sitting_id = $1`, [sittingId]);
    return Number(row?.n ?? 0);
  }

  /** Agenda items with lecturers and sitting, in programme order (unscheduled last). */
  async topicsOf(sessionId: string, m?: EntityManager): Promise<Topic[]> {
    return this.tr(m)
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.sitting', 'si')
      .leftJoinAndSelect('t.lecturers', 'l')
      .where('t.session_id = :sessionId', { sessionId })
      .orderBy('si.date', 'ASC', 'NULLS LAST')
      .addOrderBy('t.start_time', 'ASC', 'NULLS LAST')
      .addOrderBy('t.position', 'ASC')
      .addOrderBy('l.full_name', 'ASC')
      .getMany();
  }

  /** Makes exactly these topics of the session the ones its certificate rule requires. */
  async setRequiredTopics(sessionId: string, topicIds: string[], m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE topics SET required_for_certificate = (id = ANY($2::uuid[])) WHERE session_id = $1 AND required_for_certificate <> (id = ANY($2::uuid[]))`,
      [sessionId, topicIds],
    );
  }

  findTopic(id: string, m?: EntityManager): Promise<Topic | null> {
    return this.tr(m).findOne({ where: { id }, relations: { sitting: true, lecturers: true } });
  }

  async nextPosition(sessionId: string, m: EntityManager): Promise<number> {
    const [row] = await m.query(`SELECT coalesce(max(position), 0) + 1 AS n FROM topics WHERE session_id = $1`, [sessionId]);
    return Number(row.n);
  }

  saveTopic(topic: Partial<Topic>, m: EntityManager): Promise<Topic> {
    return m.getRepository(Topic).save(m.getRepository(Topic).create(topic));
  }

  async deleteTopic(id: string, m: EntityManager): Promise<void> {
    await m.getRepository(Topic).delete({ id });
  }

  /** Topics of other (not cancelled) sessions where one of these lecturers teaches at an overlapping time that day. */
  findLecturerClashes(lecturerIds: string[], date: string, start: string, end: string, excludeSessionId: string, m?: EntityManager): Promise<LecturerClash[]> {
    if (!lecturerIds.length) return Promise.resolve([]);
    return (m ?? this.topics.manager).query(
      `SELECT s.id AS "sessionId", s.title AS "sessionTitle", t.title AS "topicTitle", u.full_name AS "lecturerName",
              to_char(si.date, 'YYYY-MM-DD') AS "date", t.start_time::text AS "startTime", t.end_time::text AS "endTime"
         FROM topic_lecturers tl
         JOIN topics t ON t.id = tl.topic_id
         JOIN sittings si ON si.id = t.sitting_id
         JOIN training_sessions s ON s.id = t.session_id
         JOIN users u ON u.id = tl.user_id
        WHERE tl.user_id = ANY($1::uuid[]) AND si.date = $2::date
          AND t.start_time < $4::time AND $3::time < t.end_time
          AND s.status <> 'cancelled' AND s.id <> $5
        ORDER BY t.start_time, u.full_name`,
      [lecturerIds, date, start, end, excludeSessionId],
    );
  }

  async isLecturerOfTopic(userId: string, topicId: string): Promise<boolean> {
    const rows = await this.topics.query(`SELECT 1 FROM topic_lecturers WHERE topic_id = $1 AND user_id = $2 LIMIT 1`, [topicId, userId]);
    return rows.length > 0;
  }

  /** Ids of the topics of a session that this user teaches. */
  async topicIdsTaughtBy(sessionId: string, userId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.topics.query(
      `SELECT t.id FROM topics t JOIN topic_lecturers tl ON tl.topic_id = t.id WHERE t.session_id = $1 AND tl.user_id = $2`,
      [sessionId, userId],
    );
    return rows.map((r) => r.id);
  }

  topicsByIds(ids: string[]): Promise<Topic[]> {
    return ids.length ? this.topics.find({ where: { id: In(ids) } }) : Promise.resolve([]);
  }
}
