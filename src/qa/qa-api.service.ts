import { ForbiddenException, Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { CreateQuestionDto } from './dto/create-question.dto';
import { ClassifyQuestionDto } from './dto/classify-question.dto';
import { SearchQuestionsDto } from './dto/search-questions.dto';
import { QaQuestionsService } from './qa-questions.service';
import { QaReviewService } from './qa-review.service';
import { QuestionCategoriesService } from './question-categories.service';
import { isStaff, managesQa } from './qa-access';
import { presentRow } from './qa-present';
import { PAGE_SIZE } from './qa-pages.service';

/** JSON shapes of the Q&A API (one call per endpoint; the rules stay in the task services). */
@Injectable()
export class QaApiService {
  constructor(
    private readonly questions: QaQuestionsService,
    private readonly review: QaReviewService,
    private readonly categoriesService: QuestionCategoriesService,
  ) {}

  async search(q: SearchQuestionsDto, user: AuthUser) {
    const [rows, total] = await this.questions.search(q, user, PAGE_SIZE);
    return { items: rows.map((r) => presentRow(r, { staff: isStaff(user) })), total, page: q.page ?? 1, pageSize: PAGE_SIZE };
  }

  async similar(text: string, user: AuthUser) {
    const rows = await this.questions.similarToText(text, user);
    return { items: rows.map((r) => ({ ...presentRow(r, { staff: false }), score: r.score })) };
  }

  async create(dto: CreateQuestionDto, user: AuthUser) {
    if (user.role === 'lecturer') throw new ForbiddenException('Báo cáo viên không ghi nhận câu hỏi; ban tổ chức hoặc học viên thực hiện.');
    const { sessionId, askerKind, traineeId, communeCode, provinceCode, ...ask } = dto;
    const q = managesQa(user)
      ? await this.questions.log(sessionId, { ...ask, askerKind: askerKind ?? 'trainee', traineeId, communeCode, provinceCode }, user)
      : await this.questions.ask(sessionId, ask, user);
    return this.get(q.id, user);
  }

  async get(id: string, user: AuthUser) {
    const row = await this.questions.getRow(id, user);
    const staff = isStaff(user);
    const similar = staff ? await this.questions.similarTo(row) : [];
    return { ...presentRow(row, { staff }), similar: similar.map((s) => ({ ...presentRow(s, { staff: false }), score: s.score })) };
  }

  async answer(id: string, text: string, user: AuthUser) {
    await this.review.answer(id, text, user);
    return this.get(id, user);
  }

  async publish(id: string, user: AuthUser) {
    await this.review.publish(id, user);
    return this.get(id, user);
  }

  async unpublish(id: string, user: AuthUser) {
    await this.review.unpublish(id, user);
    return this.get(id, user);
  }

  async reject(id: string, reason: string, user: AuthUser) {
    await this.review.reject(id, reason, user);
    return this.get(id, user);
  }

  async reopen(id: string, user: AuthUser) {
    await this.review.reopen(id, user);
    return this.get(id, user);
  }

  async classify(id: string, dto: ClassifyQuestionDto, user: AuthUser) {
    await this.questions.classify(id, dto, user);
    return this.get(id, user);
  }

  async categories() {
    const rows = await this.categoriesService.list();
    return { items: rows.map((c) => ({ id: c.id, name: c.name, position: c.position })) };
  }
}
