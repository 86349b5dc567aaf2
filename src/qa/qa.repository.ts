import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AskerKind, Question, QuestionChannel, QuestionStatus } from './question.entity';
import { Answer } from './answer.entity';

/** A question as lists, detail pages, the API and the booklet show it. */
export interface QuestionRow {
  id: string;
  sessionId: string;
  sessionTitle: string;
  sessionStartDate: string;
  topicId: string | null;
  topicTitle: string | null;
  categoryId: string | null;
  categoryName: string | null;
  askerKind: AskerKind;
  traineeId: string | null;
  traineeName: string | null;
  communeCode: string | null;
  communeName: string | null;
  provinceCode: string | null;
  provinceName: string | null;
  anonymous: boolean;
  channel: QuestionChannel;
  text: string;
  status: QuestionStatus;
  rejectReason: string | null;
  createdById: string | null;
  createdByName: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  answerText: string | null;
  answerAuthorName: string | null;
  answerAuthorTitle: string | null;
  answerUpdatedAt: Date | null;
}

export interface SimilarRow extends QuestionRow {
  score: number;
}

/** Who may see what in a list (the service decides). */
export type QuestionVisibility = { kind: 'all' } | { kind: 'trainee'; traineeId: string } | { kind: 'own'; traineeId: string };

export interface QuestionSearch {
  /** Folded words as a prefix tsquery (see prefixTsQuery), and the folded query for the trigram fallback. */
  tsQuery?: string;
  folded?: string;
  /** 'fts' (default): every word, as a prefix, through the full-text index; 'trigram': word similarity (typos). */
  match?: 'fts' | 'trigram';
  sessionId?: string;
  sessionIds?: string[];
  topicId?: string;
  categoryId?: string;
  provinceCode?: string;
  status?: QuestionStatus;
  visibility: QuestionVisibility;
  /** A lecturer: open questions of their topics come first. */
  lecturerFirstId?: string;
  offset: number;
  limit: number;
}

const SELECT = `
  SELECT q.id, q.session_id AS "sessionId", s.title AS "sessionTitle", s.start_date::text AS "sessionStartDate",
         q.topic_id AS "topicId", t.title AS "topicTitle", q.category_id AS "categoryId", c.name AS "categoryName",
         q.asker_kind AS "askerKind", q.trainee_id AS "traineeId", tr.full_name AS "traineeName",
         q.commune_code AS "communeCode", cm.full_name AS "communeName", q.province_code AS "provinceCode", p.full_name AS "provinceName",
         q.anonymous, q.channel, q.text, q.status, q.reject_reason AS "rejectReason",
         q.created_by_id AS "createdById", cu.full_name AS "createdByName", q.created_at AS "createdAt", q.published_at AS "publishedAt",
         a.text AS "answerText", au.full_name AS "answerAuthorName", au.title AS "answerAuthorTitle", a.updated_at AS "answerUpdatedAt"
    FROM questions q
    JOIN training_sessions s ON s.id = q.session_id
    LEFT JOIN topics t ON t.id = q.topic_id
    LEFT JOIN question_categories c ON c.id = q.category_id
    LEFT JOIN trainees tr ON tr.id = q.trainee_id
    LEFT JOIN communes cm ON cm.code = q.commune_code
    LEFT JOIN provinces p ON p.code = q.province_code
    LEFT JOIN users cu ON cu.id = q.created_by_id
    LEFT JOIN answers a ON a.question_id = q.id
    LEFT JOIN users au ON au.id = a.author_id`;

/** Placeholder numbering for hand-written SQL. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

@Injectable()
export class QaRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.ds.manager;
  }

  // ---- questions ----

  async insertQuestion(row: Partial<Question>, manager?: EntityManager): Promise<Question> {
    return this.m(manager).getRepository(Question).save(row);
  }

  /**
   * The same text asked by the same trainee in the session within the last minutes (a double tap, a retry
   * after a lost answer), under a lock per trainee and session so that two such requests at once see each other.
   */
  async lockAndFindRepeat(sessionId: string, traineeId: string, text: string, minutes: number, m: EntityManager): Promise<Question | null> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`qa-ask:${sessionId}:${traineeId}`]);
    return m
      .getRepository(Question)
      .createQueryBuilder('q')
      .where('q.session_id = :sessionId AND q.trainee_id = :traineeId AND q.text = :text', { sessionId, traineeId, text })
      .andWhere(`q.created_at > now() - make_interval(mins => :minutes)`, { minutes })
      .getOne();
  }

  /** Trainee merge: the questions the dropped record asked become the kept one's; returns their ids. */
  async moveQuestionsOfTrainee(fromId: string, toId: string, m: EntityManager): Promise<string[]> {
    const [rows] = (await m.query(`UPDATE questions SET trainee_id = $2 WHERE trainee_id = $1 RETURNING id`, [fromId, toId])) as [{ id: string }[], number];
    return (rows ?? []).map((r) => r.id);
  }

  findQuestion(id: string, manager?: EntityManager): Promise<Question | null> {
    return this.m(manager).getRepository(Question).findOneBy({ id });
  }

  /** Locks the question row for a status change (SELECT … FOR UPDATE). */
  lockQuestion(id: string, manager: EntityManager): Promise<Question | null> {
    return manager.getRepository(Question).createQueryBuilder('q').setLock('pessimistic_write').where('q.id = :id', { id }).getOne();
  }

  async updateQuestion(id: string, patch: Partial<Question>, manager?: EntityManager): Promise<void> {
    await this.m(manager).getRepository(Question).update({ id }, patch);
  }

  async findRow(id: string): Promise<QuestionRow | null> {
    const rows: QuestionRow[] = await this.ds.query(`${SELECT} WHERE q.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Filtered, ranked list with its total. With words, only matching questions (full text or trigram word similarity). */
  async search(f: QuestionSearch): Promise<[QuestionRow[], number]> {
    const p = new Params();
    const where: string[] = [];
    let rank = '0';
    if (f.tsQuery && f.match !== 'trigram') {
      const tsq = `to_tsquery('simple', ${p.add(f.tsQuery)}::text)`;
      where.push(`to_tsvector('simple', q.text_search) @@ ${tsq}`);
      rank = `ts_rank(to_tsvector('simple', q.text_search), ${tsq})`;
    } else if (f.folded && f.match === 'trigram') {
      const folded = `${p.add(f.folded)}::text`;
      where.push(`${folded} <% q.text_search`);
      rank = `word_similarity(${folded}, q.text_search)`;
    }
    if (f.sessionId) where.push(`q.session_id = ${p.add(f.sessionId)}`);
    if (f.sessionIds) where.push(`q.session_id = ANY(${p.add(f.sessionIds)}::uuid[])`);
    if (f.topicId) where.push(`q.topic_id = ${p.add(f.topicId)}`);
    if (f.categoryId) where.push(`q.category_id = ${p.add(f.categoryId)}`);
    if (f.provinceCode) where.push(`q.province_code = ${p.add(f.provinceCode)}`);
    if (f.status) where.push(`q.status = ${p.add(f.status)}`);
    if (f.visibility.kind === 'trainee') {
      const t = p.add(f.visibility.traineeId);
      where.push(
        `(q.trainee_id = ${t} OR (q.status = 'published' AND q.session_id IN (SELECT e.session_id FROM enrollments e WHERE e.trainee_id = ${t} AND e.status <> 'cancelled')))`,
      );
    }
    if (f.visibility.kind === 'own') where.push(`q.trainee_id = ${p.add(f.visibility.traineeId)}`);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.ds.query(`SELECT count(*)::int AS total FROM questions q ${whereSql}`, [...p.values]);
    const order: string[] = [];
    if (f.lecturerFirstId) {
      order.push(`CASE WHEN q.status = 'open' AND q.topic_id IN (SELECT tl.topic_id FROM topic_lecturers tl WHERE tl.user_id = ${p.add(f.lecturerFirstId)}) THEN 0 ELSE 1 END`);
    }
    if (rank !== '0') order.push(`${rank} DESC`);
    order.push('q.created_at DESC', 'q.id');
    const limit = p.add(f.limit);
    const offset = p.add(f.offset);
    const rows: QuestionRow[] = await this.ds.query(`${SELECT} ${whereSql} ORDER BY ${order.join(', ')} LIMIT ${limit} OFFSET ${offset}`, p.values);
    return [rows, total];
  }

  /**
   * Published questions alike to a text, best first. Two stages, so the cost
   * stays flat as the log grows: the full-text index picks the questions that
   * share a two-syllable word with the text (most Vietnamese words are two
   * syllables: "kinh phí", "đối ứng"), the best 50 by rank; trigram similarity
   * of the whole texts orders those and drops the ones alike only by chance.
   * (word_similarity() would also catch a short question inside a long one,
   * but it costs quadratically in the length of long texts: see bench/.)
   */
  similarPublished(folded: string, phraseQuery: string, excludeId: string | null, limit: number, minScore: number): Promise<SimilarRow[]> {
    return this.ds.query(
      `WITH candidates AS MATERIALIZED (
         SELECT c.id FROM questions c
          WHERE c.status = 'published' AND ($2::uuid IS NULL OR c.id <> $2::uuid)
            AND to_tsvector('simple', c.text_search) @@ to_tsquery('simple', $3::text)
          ORDER BY ts_rank(to_tsvector('simple', c.text_search), to_tsquery('simple', $3::text)) DESC
          LIMIT 50
       )
       SELECT * FROM (
         ${SELECT.replace('SELECT q.id,', `SELECT similarity(q.text_search, $1::text)::float AS score, q.id,`)}
          WHERE q.id IN (SELECT id FROM candidates)
       ) x WHERE x.score >= $5 ORDER BY x.score DESC, x."publishedAt" DESC LIMIT $4`,
      [folded, excludeId, phraseQuery, limit, minScore],
    );
  }

  /** Published questions of the given sessions, in booklet order: session, topic, category, then publication. */
  publishedForBooklet(sessionIds: string[]): Promise<(QuestionRow & { topicPosition: number | null; categoryPosition: number | null })[]> {
    return this.ds.query(
      `${SELECT.replace('SELECT q.id,', 'SELECT t.position AS "topicPosition", c.position AS "categoryPosition", q.id,')}
        WHERE q.status = 'published' AND q.session_id = ANY($1::uuid[])
        ORDER BY s.start_date, s.title, s.id, (q.topic_id IS NULL), t.position, t.title, q.topic_id, (q.category_id IS NULL), c.position, c.name, q.published_at, q.created_at, q.id`,
      [sessionIds],
    );
  }

  /** Sessions held (at least partly) within a period. */
  async sessionIdsInPeriod(from: string, to: string): Promise<string[]> {
    // The courses of the period as the reports count them: announced and not cancelled (a draft was never held, a cancelled course was not).
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM training_sessions WHERE start_date <= $2 AND end_date >= $1 AND status NOT IN ('draft', 'cancelled') ORDER BY start_date, title`,
      [from, to],
    );
    return rows.map((r) => r.id);
  }

  /** Sessions with questions, for the filter of the cross-session search. */
  sessionsWithQuestions(): Promise<{ id: string; title: string; startDate: string }[]> {
    return this.ds.query(
      `SELECT s.id, s.title, s.start_date::text AS "startDate" FROM training_sessions s WHERE EXISTS (SELECT 1 FROM questions q WHERE q.session_id = s.id) ORDER BY s.start_date DESC, s.title`,
    );
  }

  countByStatus(sessionId: string): Promise<{ status: QuestionStatus; count: number }[]> {
    return this.ds.query(`SELECT status, count(*)::int AS count FROM questions WHERE session_id = $1 GROUP BY status`, [sessionId]);
  }

  // ---- answers ----

  findAnswer(questionId: string, manager?: EntityManager): Promise<Answer | null> {
    return this.m(manager).getRepository(Answer).findOneBy({ questionId });
  }

  saveAnswer(answer: Partial<Answer>, manager?: EntityManager): Promise<Answer> {
    return this.m(manager).getRepository(Answer).save(answer);
  }

  // ---- what the Q&A log reads from sessions, topics and enrolments ----

  findTopic(id: string): Promise<{ id: string; sessionId: string; title: string } | null> {
    return this.ds.query(`SELECT id, session_id AS "sessionId", title FROM topics WHERE id = $1`, [id]).then((r) => r[0] ?? null);
  }

  topicsOfSession(sessionId: string): Promise<{ id: string; title: string }[]> {
    return this.ds.query(`SELECT id, title FROM topics WHERE session_id = $1 AND kind IN ('topic','discussion') ORDER BY position, start_time NULLS LAST, title`, [sessionId]);
  }

  async teachesTopic(userId: string, topicId: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM topic_lecturers WHERE user_id = $1 AND topic_id = $2`, [userId, topicId]);
    return rows.length > 0;
  }

  async isEnrolled(sessionId: string, traineeId: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM enrollments WHERE session_id = $1 AND trainee_id = $2 AND status <> 'cancelled'`, [sessionId, traineeId]);
    return rows.length > 0;
  }

  /** Active trainees of a session, for the "on behalf of" form. */
  enrolledTrainees(sessionId: string): Promise<{ id: string; fullName: string; communeName: string | null; provinceName: string | null }[]> {
    return this.ds.query(
      `SELECT tr.id, tr.full_name AS "fullName", cm.full_name AS "communeName", p.full_name AS "provinceName"
         FROM enrollments e JOIN trainees tr ON tr.id = e.trainee_id
         LEFT JOIN communes cm ON cm.code = tr.commune_code LEFT JOIN provinces p ON p.code = tr.province_code
        WHERE e.session_id = $1 AND e.status <> 'cancelled'
        ORDER BY p.full_name NULLS LAST, tr.name_search, tr.id`,
      [sessionId],
    );
  }

  findTrainee(id: string): Promise<{ id: string; fullName: string; communeCode: string | null; provinceCode: string | null } | null> {
    return this.ds
      .query(`SELECT id, full_name AS "fullName", commune_code AS "communeCode", province_code AS "provinceCode" FROM trainees WHERE id = $1 AND merged_into_id IS NULL`, [id])
      .then((r) => r[0] ?? null);
  }
}
