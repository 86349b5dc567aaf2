import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { foldForSearch } from '../common/text/vietnamese';

/** One row of a breakdown table. */
export interface BreakdownRow {
  key: string;
  label: string;
  enrolled: number;
  women: number;
  minorities: number;
  /** Enrolments present or late at one sitting at least. */
  attended: number;
}

export interface SittingRow {
  sittingId: string;
  date: string;
  part: string;
  enrolled: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
}

export interface Totals {
  sessions: number;
  enrolled: number;
  trainees: number;
  women: number;
  minorities: number;
  sittingSlots: number;
  attendedSlots: number;
  /** Enrolments holding a valid certificate. */
  certified: number;
}

export interface QuestionRow {
  category: string;
  open: number;
  answered: number;
  published: number;
  rejected: number;
  total: number;
}

export type Dimension = 'province' | 'old-province' | 'commune' | 'ethnic-group' | 'minority' | 'gender' | 'position';

export interface Scope {
  /** Exactly one session, or a date range across sessions. */
  sessionId?: string;
  from?: string;
  to?: string;
  /** Only trainees whose commune lay in one of these OLD (pre-2025) provinces. */
  oldProvinceCodes?: string[];
  /** Only trainees of these (2025) provinces. */
  provinceCodes?: string[];
}

/** SQL of each breakdown dimension over the enrolments CTE `e`. */
const DIMENSIONS: Record<Dimension, { key: string; label: string; join?: string }> = {
  province: { key: `coalesce(e.province_code, '')`, label: `coalesce(p.name, 'Chưa rõ')`, join: 'LEFT JOIN provinces p ON p.code = e.province_code' },
  'old-province': { key: `coalesce(e.old_province_code, '')`, label: `coalesce(e.old_province_name, 'Chưa rõ')` },
  commune: {
    key: `coalesce(e.commune_code, '')`,
    label: `coalesce(c.full_name || ', ' || p.name, 'Chưa rõ')`,
    join: 'LEFT JOIN communes c ON c.code = e.commune_code LEFT JOIN provinces p ON p.code = c.province_code',
  },
  'ethnic-group': { key: `coalesce(e.ethnic_group_code, '')`, label: `coalesce(g.name, 'Chưa rõ')`, join: 'LEFT JOIN ethnic_groups g ON g.code = e.ethnic_group_code' },
  minority: {
    key: `CASE WHEN e.ethnic_group_code IS NULL THEN 'unknown' WHEN e.minority THEN 'minority' ELSE 'kinh' END`,
    label: `CASE WHEN e.ethnic_group_code IS NULL THEN 'Chưa rõ' WHEN e.minority THEN 'Dân tộc thiểu số' ELSE 'Kinh' END`,
  },
  gender: { key: `coalesce(e.gender, '')`, label: `CASE e.gender WHEN 'female' THEN 'Nữ' WHEN 'male' THEN 'Nam' ELSE 'Chưa rõ' END` },
  position: { key: `coalesce(nullif(e.position, ''), '')`, label: `coalesce(nullif(e.position, ''), 'Chưa rõ')` },
};

/**
 * Reporting queries. Every figure is computed in SQL (GROUP BY) over the
 * enrolments in scope; nothing loads every row. Read-only by design, so this
 * repository reads across the feature tables.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Common CTEs: sessions in scope (s), their active enrolments (e) with the trainee's attributes. */
  private scopeSql(scope: Scope): { cte: string; params: unknown[] } {
    const params: unknown[] = [scope.sessionId ?? null, scope.from ?? null, scope.to ?? null, scope.oldProvinceCodes ?? null, scope.provinceCodes ?? null];
    const cte = `
      commune_old AS (
        SELECT DISTINCT ON (new_commune_code) new_commune_code, old_province_code, old_province_name
          FROM (SELECT new_commune_code, old_province_code, min(old_province_name) AS old_province_name, count(*) AS n
                  FROM commune_changes GROUP BY new_commune_code, old_province_code) x
         ORDER BY new_commune_code, n DESC, old_province_code),
      s AS (
        SELECT id FROM training_sessions
         WHERE ($1::uuid IS NOT NULL AND id = $1::uuid)
            OR ($1::uuid IS NULL AND status NOT IN ('draft', 'cancelled')
                AND ($2::date IS NULL OR end_date >= $2::date) AND ($3::date IS NULL OR start_date <= $3::date))),
      e AS (
        SELECT en.id, en.session_id, en.trainee_id, tr.gender, tr.ethnic_group_code, tr.position, tr.commune_code, tr.province_code,
               co.old_province_code, co.old_province_name,
               (tr.ethnic_group_code IS NOT NULL AND tr.ethnic_group_code <> '01') AS minority
          FROM enrollments en
          JOIN s ON s.id = en.session_id
          JOIN trainees tr ON tr.id = en.trainee_id
          LEFT JOIN commune_old co ON co.new_commune_code = tr.commune_code
         WHERE en.status <> 'cancelled'
           AND ($4::text[] IS NULL OR co.old_province_code = ANY($4::text[]))
           AND ($5::text[] IS NULL OR tr.province_code = ANY($5::text[]))),
      ss AS (
        -- Sittings held or under way (their start, Vietnam time, has passed): a course's later sittings are not missed yet.
        SELECT si.session_id, count(*)::int AS n FROM sittings si JOIN s ON s.id = si.session_id
         WHERE (si.date + si.starts_at) - interval '7 hours' <= now() AT TIME ZONE 'UTC'
         GROUP BY si.session_id),
      ea AS (
        SELECT m.enrollment_id, count(*)::int AS slots FROM attendance_marks m JOIN e ON e.id = m.enrollment_id
         WHERE m.status IN ('present', 'late') GROUP BY m.enrollment_id),
      attended AS (SELECT enrollment_id FROM ea)`;
    return { cte, params };
  }

  async totals(scope: Scope): Promise<Totals> {
    const { cte, params } = this.scopeSql(scope);
    const [row] = await this.ds.query(
      `WITH ${cte}
       SELECT count(DISTINCT e.session_id)::int AS sessions,
              count(*)::int AS enrolled,
              count(DISTINCT e.trainee_id)::int AS trainees,
              count(*) FILTER (WHERE e.gender = 'female')::int AS women,
              count(*) FILTER (WHERE e.minority)::int AS minorities,
              coalesce(sum(ss.n), 0)::int AS "sittingSlots",
              coalesce(sum(ea.slots), 0)::int AS "attendedSlots",
              (SELECT count(*) FROM certificates c JOIN e e2 ON e2.id = c.enrollment_id WHERE c.status = 'valid')::int AS certified
         FROM e LEFT JOIN ss ON ss.session_id = e.session_id LEFT JOIN ea ON ea.enrollment_id = e.id`,
      params,
    );
    return row;
  }

  async breakdown(scope: Scope, dimension: Dimension): Promise<BreakdownRow[]> {
    return (await this.breakdowns(scope, [dimension]))[dimension];
  }

  /** Several breakdowns in one query: the enrolments in scope are read once. */
  async breakdowns<D extends Dimension>(scope: Scope, dimensions: D[]): Promise<Record<D, BreakdownRow[]>> {
    const { cte, params } = this.scopeSql(scope);
    const parts = dimensions.map((dim) => {
      const d = DIMENSIONS[dim];
      return `SELECT '${dim}' AS dim, ${d.key} AS key, ${d.label} AS label, count(*)::int AS enrolled,
                     count(*) FILTER (WHERE e.gender = 'female')::int AS women,
                     count(*) FILTER (WHERE e.minority)::int AS minorities,
                     count(a.enrollment_id)::int AS attended
                FROM e ${d.join ?? ''} LEFT JOIN attended a ON a.enrollment_id = e.id
               GROUP BY 2, 3`;
    });
    const rows: (BreakdownRow & { dim: D })[] = await this.ds.query(`WITH ${cte} ${parts.join(' UNION ALL ')} ORDER BY dim, enrolled DESC, label`, params);
    const out = Object.fromEntries(dimensions.map((d) => [d, [] as BreakdownRow[]])) as Record<D, BreakdownRow[]>;
    for (const { dim, ...row } of rows) out[dim].push(row);
    // Positions are typed by hand in each province's list: one position, however it is written, is one row.
    if ('position' in out) (out as Record<Dimension, BreakdownRow[]>).position = oneRowPerPosition(out.position as BreakdownRow[]);
    return out;
  }

  /** Questions of the sessions in scope by category and status (province filters apply to the asker's commune and province). */
  questionsByCategory(scope: Scope): Promise<QuestionRow[]> {
    const { cte, params } = this.scopeSql(scope);
    return this.ds.query(
      `WITH ${cte}
       SELECT coalesce(qc.name, 'Chưa phân loại') AS category,
              count(*) FILTER (WHERE q.status = 'open')::int AS open,
              count(*) FILTER (WHERE q.status = 'answered')::int AS answered,
              count(*) FILTER (WHERE q.status = 'published')::int AS published,
              count(*) FILTER (WHERE q.status = 'rejected')::int AS rejected,
              count(*)::int AS total
         FROM questions q
         JOIN s ON s.id = q.session_id
         LEFT JOIN question_categories qc ON qc.id = q.category_id
         LEFT JOIN commune_old co ON co.new_commune_code = q.commune_code
        WHERE ($5::text[] IS NULL OR q.province_code = ANY($5::text[]))
          AND ($4::text[] IS NULL OR co.old_province_code = ANY($4::text[]))
        GROUP BY 1
        ORDER BY total DESC, category`,
      params,
    );
  }

  /** Marks per sitting of one session. */
  bySitting(sessionId: string): Promise<SittingRow[]> {
    return this.ds.query(
      `SELECT si.id AS "sittingId", to_char(si.date, 'YYYY-MM-DD') AS date, si.part,
              (SELECT count(*) FROM enrollments en WHERE en.session_id = si.session_id AND en.status <> 'cancelled')::int AS enrolled,
              count(*) FILTER (WHERE m.status = 'present')::int AS present,
              count(*) FILTER (WHERE m.status = 'late')::int AS late,
              count(*) FILTER (WHERE m.status = 'excused')::int AS excused,
              count(*) FILTER (WHERE m.status = 'absent')::int AS absent
         FROM sittings si
         LEFT JOIN attendance_marks m ON m.sitting_id = si.id
              AND EXISTS (SELECT 1 FROM enrollments en WHERE en.id = m.enrollment_id AND en.status <> 'cancelled')
        WHERE si.session_id = $1
        GROUP BY si.id
        ORDER BY si.date, si.starts_at`,
      [sessionId],
    );
  }

  /** Sessions in a date range with their enrolment and attendance figures. */
  sessionsInRange(scope: Scope): Promise<{ id: string; title: string; startDate: string; endDate: string; provinceName: string; enrolled: number; attendedSlots: number; sittingSlots: number }[]> {
    const { cte, params } = this.scopeSql(scope);
    return this.ds.query(
      `WITH ${cte}
       SELECT ts.id, ts.title, to_char(ts.start_date, 'YYYY-MM-DD') AS "startDate", to_char(ts.end_date, 'YYYY-MM-DD') AS "endDate", p.name AS "provinceName",
              count(e.id)::int AS enrolled,
              coalesce(sum(ea.slots), 0)::int AS "attendedSlots",
              coalesce(sum(ss.n), 0)::int AS "sittingSlots"
         FROM training_sessions ts
         JOIN e ON e.session_id = ts.id
         LEFT JOIN ss ON ss.session_id = ts.id
         LEFT JOIN ea ON ea.enrollment_id = e.id
         JOIN provinces p ON p.code = ts.host_province_code
        GROUP BY ts.id, p.name
        ORDER BY ts.start_date, ts.title`,
      params,
    );
  }
}

/**
 * Rows of the position breakdown that differ only in case, accents, spacing or punctuation ("Công chức
 * Văn phòng - Thống kê", "công chức văn phòng – thống kê") counted as one, under the spelling most trainees
 * have; still by number of trainees, most first.
 */
export function oneRowPerPosition(rows: BreakdownRow[]): BreakdownRow[] {
  const byKey = new Map<string, BreakdownRow & { top: number }>();
  for (const r of rows) {
    const key = r.key ? foldForSearch(r.key) : '';
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...r, key, top: r.enrolled });
      continue;
    }
    if (r.enrolled > seen.top) Object.assign(seen, { label: r.label, top: r.enrolled });
    seen.enrolled += r.enrolled;
    seen.women += r.women;
    seen.minorities += r.minorities;
    seen.attended += r.attended;
  }
  return [...byKey.values()].map(({ top: _, ...r }) => r).sort((a, b) => b.enrolled - a.enrolled || a.label.localeCompare(b.label, 'vi'));
}
