import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Enrollment, EnrollmentStatus, InvitationState } from './enrollment.entity';
import { venueWithProvince } from '../training-sessions/venue-line';

/** A trainee's portal shows their published courses, and a cancelled one that had been published (so they learn of it). */
const ON_PORTAL = `(s.status IN ('published','ongoing','completed') OR (s.status = 'cancelled' AND s.published_at IS NOT NULL))`;

export interface LockedSession {
  id: string;
  title: string;
  status: string;
  capacity: number | null;
}

export interface InvitationData {
  enrollmentId: string;
  status: EnrollmentStatus;
  invitationState: InvitationState;
  checkinToken: string;
  traineeName: string;
  email: string | null;
  session: { id: string; title: string; organisingUnit: string; venue: string; startDate: string; endDate: string; programme: string | null; status: string };
  sittings: { date: string; part: string; startsAt: string; endsAt: string }[];
}

@Injectable()
export class EnrollmentsRepository {
  constructor(@InjectRepository(Enrollment) private readonly repo: Repository<Enrollment>) {}

  private r(manager?: EntityManager): Repository<Enrollment> {
    return manager ? manager.getRepository(Enrollment) : this.repo;
  }

  /** Locks the session row for the rest of the transaction: enrolments into one session are serialised, so capacity holds. */
  async lockSession(sessionId: string, m: EntityManager): Promise<LockedSession | null> {
    const rows: LockedSession[] = await m.query(`SELECT id, title, status, capacity FROM training_sessions WHERE id = $1 FOR UPDATE`, [sessionId]);
    return rows[0] ?? null;
  }

  countActive(sessionId: string, m?: EntityManager): Promise<number> {
    return this.r(m).count({ where: { sessionId, status: In(['registered', 'confirmed']) } });
  }

  findForTrainees(sessionId: string, traineeIds: string[], m?: EntityManager): Promise<Enrollment[]> {
    if (traineeIds.length === 0) return Promise.resolve([]);
    return this.r(m).createQueryBuilder('e').where('e.session_id = :sessionId', { sessionId }).andWhere('e.trainee_id = ANY(:traineeIds)', { traineeIds }).getMany();
  }

  /** Inserts new enrolments (with their invitation state when one is queued at once); returns each one's id with its trainee. */
  async insertMany(sessionId: string, rows: { traineeId: string; checkinToken: string; invitationState: InvitationState }[], m: EntityManager): Promise<{ id: string; traineeId: string }[]> {
    const out: { id: string; traineeId: string }[] = [];
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const res: { id: string; trainee_id: string }[] = await m.query(
        `INSERT INTO enrollments (session_id, trainee_id, status, checkin_token, invitation_state)
         SELECT $1, t.trainee_id, 'registered', t.token, t.invitation FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(trainee_id, token, invitation)
         RETURNING id, trainee_id`,
        [sessionId, chunk.map((r) => r.traineeId), chunk.map((r) => r.checkinToken), chunk.map((r) => r.invitationState)],
      );
      out.push(...res.map((r) => ({ id: r.id, traineeId: r.trainee_id })));
    }
    return out;
  }

  /** Sessions where both trainees of a merge are enrolled: the enrolment to drop and the one to keep, both locked. */
  sameSessionPairs(fromTraineeId: string, toTraineeId: string, m: EntityManager): Promise<{ sessionId: string; keep: string; drop: string; dropStatus: EnrollmentStatus; keepStatus: EnrollmentStatus }[]> {
    return m.query(
      `SELECT d.session_id AS "sessionId", k.id AS keep, d.id AS drop, d.status AS "dropStatus", k.status AS "keepStatus"
         FROM enrollments d JOIN enrollments k ON k.session_id = d.session_id AND k.trainee_id = $2
        WHERE d.trainee_id = $1
        ORDER BY d.session_id
          FOR UPDATE OF d, k`,
      [fromTraineeId, toTraineeId],
    );
  }

  async setStatus(id: string, status: EnrollmentStatus, m: EntityManager): Promise<void> {
    await m.query(`UPDATE enrollments SET status = $2, cancelled_at = NULL, updated_at = now() WHERE id = $1`, [id, status]);
  }

  /**
   * A merge's dropped enrolment hands its check-in token to the kept one, as an alias: the badge and the
   * invitation's QR code stay valid. The aliases it held itself (an earlier merge) follow it instead of
   * being deleted with it. Call before the dropped enrolment is deleted.
   */
  async handOverTokens(dropId: string, keepId: string, m: EntityManager): Promise<void> {
    await m.query(
      `WITH moved AS (UPDATE enrollment_token_aliases SET enrollment_id = $2 WHERE enrollment_id = $1)
       INSERT INTO enrollment_token_aliases (token, enrollment_id) SELECT checkin_token, $2 FROM enrollments WHERE id = $1`,
      [dropId, keepId],
    );
  }

  async deleteById(id: string, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM enrollments WHERE id = $1`, [id]);
  }

  /** Trainee merge: the dropped record's enrolments become the kept one's; returns their ids. */
  async reassignTrainee(fromTraineeId: string, toTraineeId: string, m: EntityManager): Promise<string[]> {
    const res: unknown[] = await m.query(`UPDATE enrollments SET trainee_id = $2, updated_at = now() WHERE trainee_id = $1 RETURNING id`, [fromTraineeId, toTraineeId]);
    return ((res[0] as { id: string }[]) ?? []).map((r) => r.id);
  }

  async reactivate(ids: string[], m: EntityManager): Promise<void> {
    if (ids.length) await m.query(`UPDATE enrollments SET status = 'registered', cancelled_at = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  findById(id: string, m?: EntityManager): Promise<Enrollment | null> {
    return this.r(m).findOne({ where: { id }, relations: { trainee: true } });
  }

  async update(id: string, patch: Partial<Enrollment>, m?: EntityManager): Promise<void> {
    await this.r(m).update({ id }, patch);
  }

  /** One page of a session's enrolments (optionally of one status), by name, with each trainee's commune and province and whether a portal account exists. */
  list(sessionId: string, status: EnrollmentStatus | undefined, page: { offset: number; limit: number }): Promise<(Enrollment & { hasAccount: boolean })[]> {
    const qb = this.repo
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.trainee', 't')
      .leftJoinAndSelect('t.commune', 'c')
      .leftJoinAndSelect('t.province', 'p')
      .addSelect('EXISTS (SELECT 1 FROM users u WHERE u.trainee_id = t.id)', 'has_account')
      .where('e.session_id = :sessionId', { sessionId })
      .orderBy('t.name_search', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .offset(page.offset)
      .limit(page.limit);
    if (status) qb.andWhere('e.status = :status', { status });
    return qb.getRawAndEntities().then(({ entities, raw }) => {
      const byId = new Map((raw as { e_id: string; has_account: boolean }[]).map((r) => [r.e_id, r.has_account]));
      return entities.map((e) => Object.assign(e, { hasAccount: !!byId.get(e.id) }));
    });
  }

  async countsByStatus(sessionId: string): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await this.repo.query(`SELECT status, count(*)::int AS n FROM enrollments WHERE session_id = $1 GROUP BY status`, [sessionId]);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Active enrolments of a session still waiting for an invitation, with an email. */
  async findUninvited(sessionId: string, m: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT e.id FROM enrollments e JOIN trainees t ON t.id = e.trainee_id
        WHERE e.session_id = $1 AND e.status <> 'cancelled' AND e.invitation_state IN ('none','failed') AND t.email IS NOT NULL`,
      [sessionId],
    );
    return rows.map((r) => r.id);
  }

  async setInvitationState(ids: string[], state: InvitationState, m?: EntityManager, invitedAt?: Date): Promise<void> {
    if (ids.length === 0) return;
    // One array parameter, not one placeholder per id: an import enrols tens of thousands at once.
    await (m ?? this.repo.manager).query(
      `UPDATE enrollments SET invitation_state = $2, invited_at = COALESCE($3, invited_at), updated_at = now() WHERE id = ANY($1::uuid[])`,
      [ids, state, invitedAt ?? null],
    );
  }

  /** Everything an invitation needs, in one place. */
  async invitationData(enrollmentId: string): Promise<InvitationData | null> {
    const rows = await this.repo.query(
      `SELECT e.id, e.status, e.invitation_state, e.checkin_token, t.full_name, t.email,
              s.id AS sid, s.title, s.organising_unit, s.venue, s.start_date::text AS start_date, s.end_date::text AS end_date, s.programme, s.status AS session_status,
              p.full_name AS province
         FROM enrollments e JOIN trainees t ON t.id = e.trainee_id JOIN training_sessions s ON s.id = e.session_id
         LEFT JOIN provinces p ON p.code = s.host_province_code
        WHERE e.id = $1`,
      [enrollmentId],
    );
    const r = rows[0];
    if (!r) return null;
    const sittings = await this.repo.query(
      `SELECT date::text AS date, part, starts_at::text AS "startsAt", ends_at::text AS "endsAt" FROM sittings WHERE session_id = $1 ORDER BY date, starts_at`,
      [r.sid],
    );
    return {
      enrollmentId: r.id,
      status: r.status,
      invitationState: r.invitation_state,
      checkinToken: r.checkin_token,
      traineeName: r.full_name,
      email: r.email,
      session: { id: r.sid, title: r.title, organisingUnit: r.organising_unit, venue: venueWithProvince(r.venue, r.province), startDate: r.start_date, endDate: r.end_date, programme: r.programme, status: r.session_status },
      sittings,
    };
  }

  /** The enrolments of a trainee, newest session first, with the session facts (for the portal; a cancelled session stays, so they learn of it). */
  forTrainee(traineeId: string) {
    return this.repo
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.session', 's')
      .where('e.trainee_id = :traineeId', { traineeId })
      .andWhere(`e.status <> 'cancelled'`)
      .andWhere(ON_PORTAL)
      .orderBy('s.start_date', 'DESC')
      .getMany();
  }

  findOneForTrainee(traineeId: string, sessionId: string) {
    return this.repo
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.session', 's')
      .leftJoinAndSelect('s.hostProvince', 'p')
      .where('e.trainee_id = :traineeId AND e.session_id = :sessionId', { traineeId, sessionId })
      .andWhere(`e.status <> 'cancelled'`)
      .andWhere(ON_PORTAL)
      .getOne();
  }
}
