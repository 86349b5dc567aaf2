import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { foldForSearch } from '../common/text/vietnamese';

export interface AuditFilter {
  action?: string;
  entity?: string;
  entityId?: string;
  /** The actors to show (from actorIdsMatching); an empty list matches nobody. */
  actorIds?: string[];
  /** Entries about these trainee records (one person: the record and those merged into it), wherever they are filed. */
  traineeIds?: string[];
  /** Local dates (Asia/Ho_Chi_Minh), both included. */
  from?: string;
  to?: string;
}

export interface AuditRow {
  id: string;
  createdAt: Date;
  action: string;
  entity: string;
  entityId: string;
  oldValue: Record<string, unknown> | null;
  newValue: Record<string, unknown> | null;
  note: string | null;
  actorName: string | null;
  actorEmail: string | null;
  /** The name of the account an entry is about (entries on accounts). */
  objectName: string | null;
}

const COLUMNS = `a.id::text AS id, a.created_at AS "createdAt", a.action, a.entity, a.entity_id AS "entityId",
  a.old_value AS "oldValue", a.new_value AS "newValue", a.note, u.full_name AS "actorName", u.email AS "actorEmail",
  o.full_name AS "objectName"`;

/** Reading the audit trail (writing is AuditService.record). The actor's name, and an account's when the entry is about one, are joined for display. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Newest first; `beforeId` pages through a large export without OFFSET. */
  search(f: AuditFilter, limit: number, offset = 0, beforeId?: string): Promise<AuditRow[]> {
    const { where, params } = whereOf(f);
    if (beforeId) {
      params.push(beforeId);
      where.push(`a.id < $${params.length}::bigint`);
    }
    params.push(limit, offset);
    return this.ds.query(
      `SELECT ${COLUMNS} FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
        LEFT JOIN users o ON a.entity = 'user' AND o.id::text = a.entity_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  async count(f: AuditFilter): Promise<number> {
    const { where, params } = whereOf(f);
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params);
    return n;
  }

  /** A trainee record's name, and the ids of the records merged into it (one person's history), or null. */
  async traineeOf(id: string): Promise<{ fullName: string; ids: string[] } | null> {
    const rows: { id: string; full_name: string; merged_into_id: string | null }[] = await this.ds.query(
      `SELECT id, full_name, merged_into_id FROM trainees WHERE id = $1 OR merged_into_id = $1 ORDER BY (id = $1) DESC`,
      [id],
    );
    if (!rows.length || rows[0].id !== id) return null;
    return { fullName: rows[0].full_name, ids: rows.map((r) => r.id) };
  }

  /** Users whose name (diacritics and case ignored) or email contains the text. */
  async actorIdsMatching(text: string): Promise<string[]> {
    const key = foldForSearch(text);
    const rows: { id: string; full_name: string; email: string | null }[] = await this.ds.query(`SELECT id, full_name, email FROM users`);
    return rows.filter((r) => foldForSearch(r.full_name).includes(key) || (r.email ?? '').toLowerCase().includes(text.trim().toLowerCase())).map((r) => r.id);
  }
}

/** Names an entity was once filed under (enrolments added, invitations and imports were filed under "session"). */
const LEGACY_ENTITY_NAMES: Record<string, string[]> = { training_session: ['session'] };

function whereOf(f: AuditFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (f.action) add((n) => `a.action = $${n}`, f.action);
  if (f.entity) add((n) => `a.entity = ANY($${n}::text[])`, [f.entity, ...(LEGACY_ENTITY_NAMES[f.entity] ?? [])]);
  if (f.entityId) add((n) => `a.entity_id = $${n}`, f.entityId);
  if (f.actorIds) add((n) => `a.actor_id = ANY($${n}::uuid[])`, f.actorIds);
  if (f.traineeIds) add(aboutTrainees, f.traineeIds);
  if (f.from) add((n) => `a.created_at >= ($${n}::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, f.from);
  if (f.to) add((n) => `a.created_at < (($${n}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, f.to);
  return { where, params };
}

/**
 * Entries about a person, filed under whatever they changed: the trainee record, their enrolments (those a merge
 * folded into another and deleted too, known from its `enrollment.combine` entry) and the attendance marks of
 * those enrolments (named by `enrollmentId`, so that marks a merge moved or set aside are found), their
 * certificates, questions and portal account (by id), the course entries that list them (enrolments added,
 * invitations), and any entry naming them as `traineeId`. `$n` holds the ids as text. A sequential read of the log:
 * an auditor's question, not a page people open all day.
 */
function aboutTrainees(n: number): string {
  const ids = `$${n}::text[]`;
  const uuids = `$${n}::text[]::uuid[]`;
  const enrolments = `(SELECT e.id::text FROM enrollments e WHERE e.trainee_id = ANY(${uuids})
      UNION SELECT x.entity_id FROM audit_log x WHERE x.action = 'enrollment.combine' AND x.old_value->>'traineeId' = ANY(${ids}))`;
  return `(
    (a.entity = 'trainee' AND a.entity_id = ANY(${ids}))
    OR (a.entity = 'enrollment' AND a.entity_id IN ${enrolments})
    OR (a.entity = 'attendance_mark' AND (a.new_value->>'enrollmentId' IN ${enrolments} OR a.old_value->>'enrollmentId' IN ${enrolments}))
    OR (a.entity = 'certificate' AND a.entity_id IN (SELECT c.id::text FROM certificates c WHERE c.trainee_id = ANY(${uuids})))
    OR (a.entity = 'question' AND a.entity_id IN (SELECT q.id::text FROM questions q WHERE q.trainee_id = ANY(${uuids})))
    OR (a.entity = 'user' AND a.entity_id IN (SELECT u.id::text FROM users u WHERE u.trainee_id = ANY(${uuids})))
    OR (a.action = 'enrollment.add' AND a.new_value->'traineeIds' ?| ${ids})
    OR (a.action = 'enrollment.invite' AND a.new_value->'enrollmentIds' ?| ARRAY${enrolments})
    OR a.new_value->>'traineeId' = ANY(${ids}) OR a.old_value->>'traineeId' = ANY(${ids})
  )`;
}
