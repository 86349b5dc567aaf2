import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { clampedPage } from '../common/paging';
import { ReferenceService } from '../reference/reference.service';
import { ASKER_KINDS, ASKER_KIND_LABELS, QUESTION_STATUSES, QUESTION_STATUS_LABELS } from './question.entity';
import { SearchQuestionsDto } from './dto/search-questions.dto';
import { QaQuestionsService } from './qa-questions.service';
import { QaReviewService } from './qa-review.service';
import { isStaff, managesQa } from './qa-access';
import { presentRow } from './qa-present';
import { AgendaService } from '../training-sessions/agenda.service';

export const PAGE_SIZE = 30;

const statusOptions = () => QUESTION_STATUSES.map((s) => ({ value: s, label: QUESTION_STATUS_LABELS[s] }));

/** View models of the Q&A pages (one call per page handler). */
@Injectable()
export class QaPagesService {
  constructor(
    private readonly questions: QaQuestionsService,
    private readonly review: QaReviewService,
    private readonly reference: ReferenceService,
    private readonly agenda: AgendaService,
  ) {}

  /** /sessions/:id/questions: the session's questions with filters, and the log-on-behalf form. */
  async sessionPage(sessionId: string, filter: SearchQuestionsDto, user: AuthUser) {
    const ctx = await this.questions.sessionContext(sessionId, user);
    const [{ rows, paging }, teaching] = await Promise.all([
      clampedPage(filter.page, PAGE_SIZE, (page) => this.questions.search({ ...filter, sessionId, page }, user, PAGE_SIZE)),
      this.agenda.lecturerTeaches(sessionId, user),
    ]);
    const counts = Object.fromEntries(ctx.counts.map((c) => [c.status, c.count]));
    return {
      title: `Hỏi đáp · ${ctx.session.title}`,
      session: ctx.session,
      teaching,
      topics: ctx.topics,
      categories: ctx.categories,
      trainees: ctx.trainees,
      provinces: managesQa(user) ? await this.reference.provinces() : [],
      askerKinds: ASKER_KINDS.map((k) => ({ value: k, label: ASKER_KIND_LABELS[k] })),
      statuses: statusOptions().map((s) => ({ ...s, count: counts[s.value] ?? 0 })),
      questions: rows.map((r) => presentRow(r, { staff: true })),
      filter,
      canLog: managesQa(user),
      scripts: managesQa(user) ? ['/assets/js/qa-similar.js'] : [],
      paging,
      query: filterQuery(filter),
    };
  }

  /** /questions: search across sessions. */
  async searchPage(filter: SearchQuestionsDto, user: AuthUser) {
    const [{ rows, paging }, sessions, categories, provinces, topics] = await Promise.all([
      clampedPage(filter.page, PAGE_SIZE, (page) => this.questions.search({ ...filter, page }, user, PAGE_SIZE)),
      this.questions.sessionsWithQuestions(),
      this.questions.categoryList(),
      this.reference.provinces(),
      filter.sessionId ? this.questions.topicsOfSession(filter.sessionId) : Promise.resolve([]),
    ]);
    return {
      title: 'Hỏi đáp',
      questions: rows.map((r) => presentRow(r, { staff: true })),
      sessions,
      topics,
      categories,
      provinces,
      statuses: statusOptions(),
      filter,
      searched: !!filter.q,
      isLecturer: user.role === 'lecturer',
      canManage: managesQa(user),
      paging,
      query: filterQuery(filter),
    };
  }

  /** /questions/:id: the question, its answer, what the viewer may do, similar published questions. */
  async questionPage(id: string, user: AuthUser) {
    const row = await this.questions.getRow(id, user);
    const staff = isStaff(user);
    const [actions, similar, history, ctx] = await Promise.all([
      this.review.actions(row, user),
      this.questions.similarTo(row),
      staff ? this.review.answerHistory(id) : Promise.resolve([]),
      managesQa(user) ? this.questions.classificationOptions(row.sessionId) : Promise.resolve(null),
    ]);
    return {
      title: 'Câu hỏi',
      question: presentRow(row, { staff }),
      actions,
      similar: similar.map((s) => ({ ...presentRow(s, { staff: false }), score: Math.round(s.score * 100) })),
      history: history.map((h) => ({ label: h.label, actor: h.actor, at: h.at, oldText: (h.oldValue as { text?: string } | null)?.text ?? null, note: h.note })),
      topics: ctx?.topics ?? [],
      categories: ctx?.categories ?? [],
    };
  }

  /** /portal/sessions/:id/questions: ask, published answers of the session, own questions. */
  async portalPage(sessionId: string, page: number | undefined, user: AuthUser) {
    const ctx = await this.questions.portalContext(sessionId, user);
    const [{ rows: published, paging }, [mine]] = await Promise.all([
      clampedPage(page, PAGE_SIZE, (p) => this.questions.search({ sessionId, status: 'published', page: p }, user, PAGE_SIZE)),
      this.questions.mine(sessionId, user),
    ]);
    return {
      title: `Hỏi đáp · ${ctx.session.title}`,
      session: ctx.session,
      topics: ctx.topics,
      categories: ctx.categories,
      published: published.map((r) => presentRow(r, { staff: false })),
      mine: mine.map((r) => presentRow(r, { staff: false })),
      paging,
    };
  }
}

/** The filters as a query string suffix for paging links ("&q=…&status=…"). */
function filterQuery(f: SearchQuestionsDto): string {
  const params = new URLSearchParams();
  for (const k of ['q', 'sessionId', 'topicId', 'categoryId', 'provinceCode', 'status'] as const) if (f[k]) params.set(k, String(f[k]));
  const s = params.toString();
  return s ? `&${s}` : '';
}
