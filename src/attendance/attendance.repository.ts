import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { MarkMethod, MarkStatus } from './attendance-mark.entity';
import { preparedQuery } from '../database/prepared-query';
import { batchedLookup } from '../database/batched-lookup';

export interface SessionInfo {
  id: string;
  title: string;
  startDate: string;
  endDate: string;
  venue: string;
  organisingUnit: string;
  hostProvinceName: string | null;
  status: string;
  lateGraceMinutes: number | null;
  selfCheckinEnabled: boolean;
  minAttendancePercent: number;
  excusedCounts: boolean;
}

/** What a scan needs of its session: whether check-in is open at all, and the late rule. */
export type SessionCheckinRules = Pick<SessionInfo, 'status' | 'lateGraceMinutes'>;

export interface CheckinContext {
  sitting: SittingInfo;
  session: SessionCheckinRules;
  enrollment: EnrollmentInfo | null;
  mark: MarkRow | null;
}

export interface SittingInfo {
  id: string;
  sessionId: string;
  date: string;
  part: string;
  startsAt: string;
  endsAt: string;
}

export interface EnrollmentInfo {
  enrollmentId: string;
  sessionId: string;
  status: string;
  traineeId: string;
  fullName: string;
  position: string | null;
  communeName: string | null;
  provinceName: string | null;
}

/** A sitting for which both enrolments of a merge have a mark. */
export interface MarkClash {
  sittingId: string;
  dropMarkId: string;
  dropStatus: MarkStatus;
  keepMarkId: string;
  keepStatus: MarkStatus;
}

export interface MarkRow {
  id: string;
  enrollmentId: string;
  sittingId: string;
  status: MarkStatus;
  reason: string | null;
  markedAt: Date;
  method: MarkMethod;
  markedById: string | null;
  clientScanId: string | null;
}

export interface RosterRow extends EnrollmentInfo {
  checkinToken: string;
  markId: string | null;
  markStatus: MarkStatus | null;
  markReason: string | null;
  markedAt: Date | null;
  markMethod: MarkMethod | null;
  markedByName: string | null;
}

export interface NewMark {
  enrollmentId: string;
  sittingId: string;
  status: MarkStatus;
  reason: string | null;
  markedAt: Date;
  method: MarkMethod;
  markedById: string | null;
  clientScanId: string | null;
}

export type RosterSort = 'province' | 'commune' | 'name';

const MARK_COLUMNS = `m.id, m.enrollment_id AS "enrollmentId", m.sitting_id AS "sittingId", m.status, m.reason,
  m.marked_at AS "markedAt", m.method, m.marked_by_id AS "markedById", m.client_scan_id AS "clientScanId"`;

const ENROLLMENT_COLUMNS = `e.id AS "enrollmentId", e.session_id AS "sessionId", e.status, e.trainee_id AS "traineeId",
  t.full_name AS "fullName", t.position, c.full_name AS "communeName", p.full_name AS "provinceName"`;

const ENROLLMENT_JOINS = `JOIN trainees t ON t.id = e.trainee_id
  LEFT JOIN communes c ON c.code = t.commune_code
  LEFT JOIN provinces p ON p.code = COALESCE(t.province_code, c.province_code)`;

/**
 * Name order on the folded key: by given name (last word), then the full name. The services put the rows of
 * each place in the Vietnamese alphabet afterwards (inVietnameseNameOrder: D before Đ, Anh before Ánh).
 */
const NAME_ORDER = `regexp_replace(t.name_search, '^.* ', ''), t.name_search`;
/**
 * Provinces and communes by their folded name without "Tỉnh", "Thành phố", "Xã", "Phường", "Đặc khu" (as a reader
 * expects: Điện Biên before Tuyên Quang), each unit kept together by its code.
 */
const PROVINCE_ORDER = `p.name_search NULLS LAST, p.code`;
const COMMUNE_ORDER = `regexp_replace(c.name_search, '^(xa|phuong|dac khu) ', '') NULLS LAST, c.code`;
const SORTS: Record<RosterSort, string> = {
  province: `${PROVINCE_ORDER}, ${COMMUNE_ORDER}, ${NAME_ORDER}`,
  commune: `${COMMUNE_ORDER}, ${NAME_ORDER}`,
  name: `${NAME_ORDER}, ${COMMUNE_ORDER}`,
};

/** The audit trail's old/new value of a mark row (same shape as AttendanceMarkingService writes through AuditService). */
const AUDIT_JSON = (t: string) =>
  `jsonb_build_object('enrollmentId', ${t}.enrollment_id, 'sittingId', ${t}.sitting_id, 'status', ${t}.status, 'reason', ${t}.reason, 'method', ${t}.method,
     'markedAt', to_char(${t}.marked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/** Attendance's own read and write queries (sessions, sittings and enrolments are only read). */
/**
 * The enrolment a check-in token names (id, session, status, trainee): its own token, or else the alias a trainee merge
 * left for a combined enrolment. The alias is read only when no enrolment has the token (the LIMIT stops the
 * UNION ALL at its first row). `token`: the SQL expression holding the token.
 */
function enrolmentOfToken(token: string): string {
  return `SELECT id, session_id, status, trainee_id FROM enrollments WHERE checkin_token = ${token}
          UNION ALL
          SELECT ae.id, ae.session_id, ae.status, ae.trainee_id
            FROM enrollment_token_aliases a JOIN enrollments ae ON ae.id = a.enrollment_id
           WHERE a.token = ${token}
          LIMIT 1`;
}

@Injectable()
export class AttendanceRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private q(manager?: EntityManager) {
    return manager ?? this.ds;
  }

  async findSession(id: string, manager?: EntityManager): Promise<SessionInfo | null> {
    const rows = await this.q(manager).query(
      `SELECT s.id, s.title, s.start_date::text AS "startDate", s.end_date::text AS "endDate", s.venue, s.organising_unit AS "organisingUnit",
              p.full_name AS "hostProvinceName", s.status, s.late_grace_minutes AS "lateGraceMinutes",
              s.self_checkin_enabled AS "selfCheckinEnabled", s.min_attendance_percent AS "minAttendancePercent",
              s.excused_counts AS "excusedCounts"
         FROM training_sessions s LEFT JOIN provinces p ON p.code = s.host_province_code
        WHERE s.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  listSittings(sessionId: string, manager?: EntityManager): Promise<SittingInfo[]> {
    return this.q(manager).query(
      `SELECT id, session_id AS "sessionId", date::text AS date, part, starts_at::text AS "startsAt", ends_at::text AS "endsAt"
         FROM sittings WHERE session_id = $1 ORDER BY date, starts_at`,
      [sessionId],
    );
  }

  async findSitting(id: string, manager?: EntityManager): Promise<SittingInfo | null> {
    const rows = await this.q(manager).query(
      `SELECT id, session_id AS "sessionId", date::text AS date, part, starts_at::text AS "startsAt", ends_at::text AS "endsAt"
         FROM sittings WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findEnrollmentOfTrainee(sessionId: string, traineeId: string, manager?: EntityManager): Promise<EnrollmentInfo | null> {
    const rows = await this.q(manager).query(
      `SELECT ${ENROLLMENT_COLUMNS} FROM enrollments e ${ENROLLMENT_JOINS} WHERE e.session_id = $1 AND e.trainee_id = $2`,
      [sessionId, traineeId],
    );
    return rows[0] ?? null;
  }

  /** Active enrolments of the session among `ids` (others are ignored). */
  async activeEnrollmentIds(sessionId: string, ids: string[] | 'all', manager?: EntityManager): Promise<string[]> {
    const rows: { id: string }[] =
      ids === 'all'
        ? await this.q(manager).query(`SELECT id FROM enrollments WHERE session_id = $1 AND status <> 'cancelled'`, [sessionId])
        : await this.q(manager).query(`SELECT id FROM enrollments WHERE session_id = $1 AND status <> 'cancelled' AND id = ANY($2::uuid[])`, [sessionId, ids]);
    return rows.map((r) => r.id);
  }

  /** Active enrolments of a session with their mark for one sitting. */
  rosterRows(sessionId: string, sittingId: string, sort: RosterSort = 'province', manager?: EntityManager): Promise<RosterRow[]> {
    return this.q(manager).query(
      `SELECT ${ENROLLMENT_COLUMNS}, e.checkin_token AS "checkinToken",
              m.id AS "markId", m.status AS "markStatus", m.reason AS "markReason", m.marked_at AS "markedAt", m.method AS "markMethod",
              u.full_name AS "markedByName"
         FROM enrollments e ${ENROLLMENT_JOINS}
         LEFT JOIN attendance_marks m ON m.enrollment_id = e.id AND m.sitting_id = $2
         LEFT JOIN users u ON u.id = m.marked_by_id
        WHERE e.session_id = $1 AND e.status <> 'cancelled'
        ORDER BY ${SORTS[sort]}, e.id`,
      [sessionId, sittingId],
    );
  }

  /** Active enrolments of a session with trainee details (badges, sheets, exports), in province/commune/name order. */
  enrollmentsOfSession(sessionId: string, manager?: EntityManager): Promise<(EnrollmentInfo & { checkinToken: string })[]> {
    return this.q(manager).query(
      `SELECT ${ENROLLMENT_COLUMNS}, e.checkin_token AS "checkinToken"
         FROM enrollments e ${ENROLLMENT_JOINS}
        WHERE e.session_id = $1 AND e.status <> 'cancelled'
        ORDER BY ${SORTS.province}, e.id`,
      [sessionId],
    );
  }

  /** Whose check-in token this is (an enrolment's own, or one a trainee merge left as an alias), for the page it opens. */
  async ownerOfToken(token: string): Promise<{ fullName: string; sessionTitle: string; startDate: string; endDate: string; cancelled: boolean } | null> {
    const rows: { fullName: string; sessionTitle: string; startDate: string; endDate: string; cancelled: boolean }[] = await this.q().query(
      `SELECT t.full_name AS "fullName", s.title AS "sessionTitle", to_char(s.start_date, 'YYYY-MM-DD') AS "startDate", to_char(s.end_date, 'YYYY-MM-DD') AS "endDate",
              (e.status = 'cancelled' OR s.status = 'cancelled') AS cancelled
         FROM (${enrolmentOfToken('$1')}) e JOIN trainees t ON t.id = e.trainee_id JOIN training_sessions s ON s.id = e.session_id`,
      [token],
    );
    return rows[0] ?? null;
  }

  /**
   * The older tokens of the session's active enrolments: those of enrolments combined into them by a trainee
   * merge, still on printed badges (the check-in phone recognises them offline).
   */
  tokenAliasesOfSession(sessionId: string, manager?: EntityManager): Promise<{ enrollmentId: string; token: string }[]> {
    return this.q(manager).query(
      `SELECT a.enrollment_id AS "enrollmentId", a.token
         FROM enrollment_token_aliases a JOIN enrollments e ON e.id = a.enrollment_id
        WHERE e.session_id = $1 AND e.status <> 'cancelled'
        ORDER BY a.token`,
      [sessionId],
    );
  }

  /** Every mark of the session's sittings. */
  marksOfSession(sessionId: string, manager?: EntityManager): Promise<{ enrollmentId: string; sittingId: string; status: MarkStatus }[]> {
    return this.q(manager).query(
      `SELECT m.enrollment_id AS "enrollmentId", m.sitting_id AS "sittingId", m.status
         FROM attendance_marks m JOIN sittings s ON s.id = m.sitting_id
        WHERE s.session_id = $1`,
      [sessionId],
    );
  }

  /** Per sitting: how many active enrolments are present, late, excused, absent. */
  sittingTallies(sessionId: string, manager?: EntityManager): Promise<{ sittingId: string; present: number; late: number; excused: number; absent: number }[]> {
    return this.q(manager).query(
      `SELECT s.id AS "sittingId",
              count(*) FILTER (WHERE m.status = 'present')::int AS present,
              count(*) FILTER (WHERE m.status = 'late')::int AS late,
              count(*) FILTER (WHERE m.status = 'excused')::int AS excused,
              count(*) FILTER (WHERE m.status = 'absent')::int AS absent
         FROM sittings s
         LEFT JOIN attendance_marks m ON m.sitting_id = s.id
              AND m.enrollment_id IN (SELECT id FROM enrollments WHERE session_id = $1 AND status <> 'cancelled')
        WHERE s.session_id = $1
        GROUP BY s.id, s.date, s.starts_at
        ORDER BY s.date, s.starts_at`,
      [sessionId],
    );
  }

  async findMark(enrollmentId: string, sittingId: string, manager?: EntityManager, forUpdate = false): Promise<MarkRow | null> {
    const rows = await this.q(manager).query(
      `SELECT ${MARK_COLUMNS} FROM attendance_marks m WHERE m.enrollment_id = $1 AND m.sitting_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [enrollmentId, sittingId],
    );
    return rows[0] ?? null;
  }

  /** A merge's two enrolments in one session: the sittings both have a mark for, with both marks. */
  markClashes(fromEnrollmentId: string, toEnrollmentId: string, m: EntityManager): Promise<MarkClash[]> {
    return m.query(
      `SELECT d.sitting_id AS "sittingId", d.id AS "dropMarkId", d.status AS "dropStatus", k.id AS "keepMarkId", k.status AS "keepStatus"
         FROM attendance_marks d JOIN attendance_marks k ON k.enrollment_id = $2 AND k.sitting_id = d.sitting_id
        WHERE d.enrollment_id = $1
        ORDER BY d.sitting_id`,
      [fromEnrollmentId, toEnrollmentId],
    );
  }

  async deleteMarks(ids: string[], m: EntityManager): Promise<void> {
    if (ids.length) await m.query(`DELETE FROM attendance_marks WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** A merge's dropped enrolment: its marks go to the kept one, except for sittings the kept one (still) has a mark for. */
  async moveMarks(fromEnrollmentId: string, toEnrollmentId: string, m: EntityManager): Promise<string[]> {
    const [rows] = (await m.query(
      `UPDATE attendance_marks a SET enrollment_id = $2
        WHERE a.enrollment_id = $1 AND NOT EXISTS (SELECT 1 FROM attendance_marks b WHERE b.enrollment_id = $2 AND b.sitting_id = a.sitting_id)
        RETURNING a.id`,
      [fromEnrollmentId, toEnrollmentId],
    )) as [{ id: string }[], number];
    return (rows ?? []).map((r) => r.id);
  }

  /** Inserts the mark unless one exists for the enrolment and sitting (or the client scan id): the database decides. */
  async insertIfAbsent(mark: NewMark, manager: EntityManager): Promise<MarkRow | null> {
    const rows = await manager.query(
      `INSERT INTO attendance_marks (enrollment_id, sitting_id, status, reason, marked_at, method, marked_by_id, client_scan_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING
       RETURNING id, enrollment_id AS "enrollmentId", sitting_id AS "sittingId", status, reason, marked_at AS "markedAt",
                 method, marked_by_id AS "markedById", client_scan_id AS "clientScanId"`,
      [mark.enrollmentId, mark.sittingId, mark.status, mark.reason, mark.markedAt, mark.method, mark.markedById, mark.clientScanId],
    );
    return rows[0] ?? null;
  }

  /**
   * Everything a scan needs in one round trip: the sitting, its session's check-in rules, the enrolment of
   * the token (any session) and its mark for the sitting. Scans arriving together share the round trip.
   * A token that is no enrolment's own may be the alias a trainee merge left for a combined enrolment
   * (`enrollment_token_aliases`): it answers with the kept enrolment. The alias is looked up only when the
   * enrolments have no such token (the LIMIT stops the UNION ALL at its first row), so an ordinary scan pays nothing for it.
   */
  checkinContext(sittingId: string, token: string): Promise<CheckinContext | null> {
    return this.checkinContexts.load({ sittingId, token });
  }

  private readonly checkinContexts = batchedLookup<{ sittingId: string; token: string }, CheckinContext>(async (keys) => {
    const rows = await preparedQuery<Record<string, any>>(
      this.ds,
      'attendance.checkin-context',
      `SELECT k.ord::int AS ord, st.id AS "sittingId", st.session_id AS "sittingSessionId", st.date::text AS date, st.part,
              st.starts_at::text AS "startsAt", st.ends_at::text AS "endsAt",
              s.status AS "sessionStatus", s.late_grace_minutes AS "lateGraceMinutes",
              ${ENROLLMENT_COLUMNS},
              m.id AS "markId", m.status AS "markStatus", m.reason AS "markReason", m.marked_at AS "markedAt", m.method AS "markMethod",
              m.marked_by_id AS "markedById", m.client_scan_id AS "markClientScanId"
         FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS k(sitting_id, token, ord)
         JOIN sittings st ON st.id = k.sitting_id
         JOIN training_sessions s ON s.id = st.session_id
         LEFT JOIN LATERAL (${enrolmentOfToken('k.token')}) e ON true
         LEFT JOIN trainees t ON t.id = e.trainee_id
         LEFT JOIN communes c ON c.code = t.commune_code
         LEFT JOIN provinces p ON p.code = COALESCE(t.province_code, c.province_code)
         LEFT JOIN attendance_marks m ON m.enrollment_id = e.id AND m.sitting_id = st.id`,
      [keys.map((k) => k.sittingId), keys.map((k) => k.token)],
    );
    const byOrd = new Map(rows.map((r) => [r.ord as number, r]));
    return keys.map((_, i) => {
      const r = byOrd.get(i + 1);
      if (!r) return null;
      return {
        sitting: { id: r.sittingId, sessionId: r.sittingSessionId, date: r.date, part: r.part, startsAt: r.startsAt, endsAt: r.endsAt },
        session: { status: r.sessionStatus, lateGraceMinutes: r.lateGraceMinutes },
        enrollment: r.enrollmentId
          ? { enrollmentId: r.enrollmentId, sessionId: r.sessionId, status: r.status, traineeId: r.traineeId, fullName: r.fullName, position: r.position, communeName: r.communeName, provinceName: r.provinceName }
          : null,
        mark: r.markId
          ? { id: r.markId, enrollmentId: r.enrollmentId, sittingId: r.sittingId, status: r.markStatus, reason: r.markReason, markedAt: r.markedAt, method: r.markMethod, markedById: r.markedById, clientScanId: r.markClientScanId }
          : null,
      };
    });
  }, (k) => `${k.sittingId} ${k.token}`);

  /**
   * The check-in fast path: inserts the mark unless one exists, and its audit entry, in ONE statement
   * (atomic without an explicit transaction: one round trip, and no transaction holding the embedded
   * database while a hundred phones scan). When a mark already existed, returns it (inserted: false) if this
   * statement's snapshot sees it; null when it was committed by a concurrent scan after the snapshot.
   */
  async insertAudited(mark: NewMark): Promise<(MarkRow & { inserted: boolean }) | null> {
    const rows = await preparedQuery<MarkRow & { inserted: boolean }>(
      this.ds,
      'attendance.insert-audited',
      `WITH ins AS (
         INSERT INTO attendance_marks (enrollment_id, sitting_id, status, reason, marked_at, method, marked_by_id, client_scan_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING
         RETURNING *
       ), aud AS (
         INSERT INTO audit_log (actor_id, action, entity, entity_id, old_value, new_value)
         SELECT ins.marked_by_id, 'attendance.mark', 'attendance_mark', ins.id::text, NULL, ${AUDIT_JSON('ins')} FROM ins
       )
       SELECT id, enrollment_id AS "enrollmentId", sitting_id AS "sittingId", status, reason, marked_at AS "markedAt",
              method, marked_by_id AS "markedById", client_scan_id AS "clientScanId", true AS inserted FROM ins
       UNION ALL
       SELECT id, enrollment_id, sitting_id, status, reason, marked_at, method, marked_by_id, client_scan_id, false
         FROM attendance_marks WHERE enrollment_id = $1 AND sitting_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [mark.enrollmentId, mark.sittingId, mark.status, mark.reason, mark.markedAt, mark.method, mark.markedById, mark.clientScanId],
    );
    return rows[0] ?? null;
  }

  /**
   * A scan over an existing mark: changes it and audits old → new in one statement; null if the mark no longer
   * matches the guard (a status in `onlyFrom`; with `onlyIf`, also made by one of `methods` and later than `markedAfter`).
   */
  async upgradeAudited(id: string, values: Omit<NewMark, 'enrollmentId' | 'sittingId'>, onlyFrom: MarkStatus[], onlyIf: { methods?: MarkMethod[]; markedAfter?: Date } = {}): Promise<MarkRow | null> {
    const rows = await this.ds.query(
      `WITH old AS (
         SELECT * FROM attendance_marks WHERE id = $1 AND status = ANY($8::varchar[])
            AND ($9::varchar[] IS NULL OR method = ANY($9::varchar[])) AND ($10::timestamptz IS NULL OR marked_at > $10::timestamptz)
            FOR UPDATE
       ), upd AS (
         UPDATE attendance_marks m SET status = $2, reason = $3, marked_at = $4, method = $5, marked_by_id = $6,
                client_scan_id = COALESCE($7, m.client_scan_id), updated_at = now()
           FROM old WHERE m.id = old.id
         RETURNING m.*
       ), aud AS (
         INSERT INTO audit_log (actor_id, action, entity, entity_id, old_value, new_value)
         SELECT upd.marked_by_id, 'attendance.mark', 'attendance_mark', upd.id::text, ${AUDIT_JSON('old')}, ${AUDIT_JSON('upd')} FROM upd, old
       )
       SELECT id, enrollment_id AS "enrollmentId", sitting_id AS "sittingId", status, reason, marked_at AS "markedAt",
              method, marked_by_id AS "markedById", client_scan_id AS "clientScanId" FROM upd`,
      [id, values.status, values.reason, values.markedAt, values.method, values.markedById, values.clientScanId, onlyFrom, onlyIf.methods ?? null, onlyIf.markedAfter ?? null],
    );
    return rows[0] ?? null;
  }

  /** Changes a mark; with `onlyFrom`, only while its status is one of those (a guarded update). */
  async updateMark(id: string, values: Omit<NewMark, 'enrollmentId' | 'sittingId'>, manager: EntityManager, onlyFrom?: MarkStatus[]): Promise<MarkRow | null> {
    const params: unknown[] = [id, values.status, values.reason, values.markedAt, values.method, values.markedById, values.clientScanId];
    let guard = '';
    if (onlyFrom) {
      params.push(onlyFrom);
      guard = ` AND status = ANY($8::varchar[])`;
    }
    const rows = await manager.query(
      `UPDATE attendance_marks SET status = $2, reason = $3, marked_at = $4, method = $5, marked_by_id = $6,
              client_scan_id = COALESCE($7, client_scan_id), updated_at = now()
        WHERE id = $1${guard}
       RETURNING id, enrollment_id AS "enrollmentId", sitting_id AS "sittingId", status, reason, marked_at AS "markedAt",
                 method, marked_by_id AS "markedById", client_scan_id AS "clientScanId"`,
      params,
    );
    // node-postgres returns [rows, count] for UPDATE … RETURNING through TypeORM.
    const list = Array.isArray(rows[0]) ? rows[0] : rows;
    return list[0] ?? null;
  }

  /** A trainee's active enrolments in sessions that are not drafts or cancelled (their portal page). */
  enrollmentsOfTrainee(traineeId: string): Promise<{ enrollmentId: string; checkinToken: string; sessionId: string; title: string; startDate: string; endDate: string; venue: string; selfCheckinEnabled: boolean }[]> {
    return this.ds.query(
      `SELECT e.id AS "enrollmentId", e.checkin_token AS "checkinToken", s.id AS "sessionId", s.title,
              s.start_date::text AS "startDate", s.end_date::text AS "endDate", s.venue, s.self_checkin_enabled AS "selfCheckinEnabled"
         FROM enrollments e JOIN training_sessions s ON s.id = e.session_id
        WHERE e.trainee_id = $1 AND e.status <> 'cancelled' AND s.status IN ('published','ongoing','completed')
        ORDER BY s.start_date DESC`,
      [traineeId],
    );
  }
}
