import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { MarkStatus } from './attendance-mark.entity';

/** Attendance counts of one enrolment over the sittings of its session. */
export interface AttendanceTally {
  enrollmentId: string;
  traineeId: string;
  /** Number of sittings of the session. */
  sittings: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
  /** Sittings with no mark at all. */
  unmarked: number;
  /** The mark of each marked sitting, by sitting id (the certificate rule's required topics look at their sittings). */
  marks: Record<string, MarkStatus>;
}

@Injectable()
export class AttendanceSummaryRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** One row per active (not cancelled) enrolment of the session, computed in SQL. */
  tallyForSession(sessionId: string, manager?: EntityManager): Promise<AttendanceTally[]> {
    return (manager ?? this.ds).query(
      `SELECT e.id AS "enrollmentId", e.trainee_id AS "traineeId",
              (SELECT count(*) FROM sittings s WHERE s.session_id = e.session_id)::int AS sittings,
              count(*) FILTER (WHERE m.status = 'present')::int AS present,
              count(*) FILTER (WHERE m.status = 'late')::int AS late,
              count(*) FILTER (WHERE m.status = 'excused')::int AS excused,
              count(*) FILTER (WHERE m.status = 'absent')::int AS absent,
              ((SELECT count(*) FROM sittings s WHERE s.session_id = e.session_id) - count(m.id))::int AS unmarked,
              coalesce(jsonb_object_agg(m.sitting_id, m.status) FILTER (WHERE m.id IS NOT NULL), '{}'::jsonb) AS marks
         FROM enrollments e
         LEFT JOIN attendance_marks m ON m.enrollment_id = e.id
        WHERE e.session_id = $1 AND e.status <> 'cancelled'
        GROUP BY e.id
        ORDER BY e.created_at, e.id`,
      [sessionId],
    );
  }
}
