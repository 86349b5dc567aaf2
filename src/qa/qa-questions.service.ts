import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { AuditService } from '../audit/audit.service';
import { reassignedByMerge, TraineeMergeHooks } from '../trainees/trainee-merge-hooks';
import { ReferenceService } from '../reference/reference.service';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { AskQuestionDto } from './dto/ask-question.dto';
import { LogQuestionDto } from './dto/log-question.dto';
import { SearchQuestionsDto } from './dto/search-questions.dto';
import { QaRepository, QuestionRow, QuestionVisibility, SimilarRow } from './qa.repository';
import { QuestionCategoriesService } from './question-categories.service';
import { Question } from './question.entity';
import { isStaff, managesQa, mustManage, traineeOf } from './qa-access';
import { phraseTsQuery, prefixTsQuery, questionSearchKey } from './qa-text';
import { foldForSearch } from '../common/text/vietnamese';

export const SIMILAR_LIMIT = 5;
export const CLASSIFY_PUBLISHED = 'Câu hỏi đã được công bố nên không phân loại lại được. Ban tổ chức cần thu hồi công bố trước.';

/** A change of classification: a field left undefined stays as it is; null clears the topic or the category. */
export interface QuestionClassification {
  topicId?: string | null;
  categoryId?: string | null;
  anonymous?: boolean;
}
/** Trigram score below which a candidate is alike only by chance (unrelated questions score about 0.1). */
export const SIMILAR_MIN_SCORE = 0.25;

/** Asking, logging, reading and searching questions. Answers and publication: QaReviewService. */
/** A trainee's identical question within this many minutes is the same question sent twice. */
const REPEAT_MINUTES = 10;

@Injectable()
export class QaQuestionsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: QaRepository,
    private readonly categories: QuestionCategoriesService,
    private readonly sessions: TrainingSessionsService,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    private readonly mergeHooks: TraineeMergeHooks,
  ) {}

  /** The questions a trainee asked follow them when their record is merged into another. */
  onModuleInit(): void {
    this.mergeHooks.register('questions', async (fromId, toId, m, actorId) => {
      const moved = await this.repo.moveQuestionsOfTrainee(fromId, toId, m);
      await this.audit.recordMany(reassignedByMerge('question', moved, fromId, toId, actorId), m);
      return { questionsMoved: moved.length };
    });
  }

  /**
   * A trainee asks in a session they are enrolled in (not cancelled). The same text sent again within
   * REPEAT_MINUTES (a double tap, a resend after a lost answer) gives back the question already asked.
   */
  async ask(sessionId: string, dto: AskQuestionDto, user: AuthUser): Promise<Question> {
    const traineeId = traineeOf(user);
    await this.sessions.get(sessionId, user);
    if (!(await this.repo.isEnrolled(sessionId, traineeId))) throw new ForbiddenException('Bạn không có tên trong danh sách học viên của lớp này nên không thể đặt câu hỏi.');
    await this.checkClassification(sessionId, dto.topicId, dto.categoryId);
    const trainee = await this.repo.findTrainee(traineeId);
    if (!trainee) throw new ForbiddenException('Không tìm thấy hồ sơ học viên của tài khoản.');
    return this.insert(
      {
        sessionId,
        topicId: dto.topicId ?? null,
        categoryId: dto.categoryId ?? null,
        askerKind: 'trainee',
        traineeId,
        communeCode: trainee.communeCode,
        provinceCode: trainee.provinceCode,
        anonymous: dto.anonymous ?? false,
        channel: 'portal',
        text: dto.text,
      },
      user,
    );
  }

  /** An organiser logs a question for a trainee of the session, a commune or a province. */
  async log(sessionId: string, dto: LogQuestionDto, user: AuthUser): Promise<Question> {
    mustManage(user, 'Chỉ ban tổ chức được ghi nhận câu hỏi thay người hỏi.');
    await this.sessions.get(sessionId, user);
    await this.checkClassification(sessionId, dto.topicId, dto.categoryId);
    const asker = await this.resolveAsker(sessionId, dto);
    return this.insert(
      { sessionId, topicId: dto.topicId ?? null, categoryId: dto.categoryId ?? null, ...asker, anonymous: dto.anonymous ?? false, channel: 'logged', text: dto.text },
      user,
    );
  }

  /** One question as the viewer may see it (404 when they may not). */
  async getRow(id: string, user: AuthUser): Promise<QuestionRow> {
    const row = await this.repo.findRow(id);
    if (!row || !(await this.canSee(row, user))) throw new NotFoundException('Không tìm thấy câu hỏi.');
    return row;
  }

  /** Published questions alike to a question (itself excluded). */
  similarTo(row: QuestionRow): Promise<SimilarRow[]> {
    return this.similar(row.text, row.id);
  }

  /** Published questions alike to a text being typed (staff). */
  similarToText(text: string, user: AuthUser): Promise<SimilarRow[]> {
    if (!isStaff(user)) throw new ForbiddenException('Không có quyền truy cập.');
    return this.similar(text, null);
  }

  private similar(text: string, excludeId: string | null): Promise<SimilarRow[]> {
    const folded = questionSearchKey(text);
    const phrases = phraseTsQuery(text);
    if (folded.length < 3 || !phrases) return Promise.resolve([]);
    return this.repo.similarPublished(folded, phrases, excludeId, SIMILAR_LIMIT, SIMILAR_MIN_SCORE);
  }

  /** Search across sessions (or within one), diacritic-insensitive, with filters; trainees see only what they may. */
  async search(f: SearchQuestionsDto, user: AuthUser, pageSize: number): Promise<[QuestionRow[], number]> {
    let visibility: QuestionVisibility = { kind: 'all' };
    if (!isStaff(user)) visibility = { kind: 'trainee', traineeId: traineeOf(user) };
    const tsQuery = f.q ? prefixTsQuery(f.q) : null;
    const filter = {
      tsQuery: tsQuery ?? undefined,
      folded: tsQuery ? foldForSearch(f.q!) : undefined,
      sessionId: f.sessionId,
      topicId: f.topicId,
      categoryId: f.categoryId,
      provinceCode: f.provinceCode,
      status: f.status,
      visibility,
      lecturerFirstId: user.role === 'lecturer' ? user.id : undefined,
      offset: ((f.page ?? 1) - 1) * pageSize,
      limit: pageSize,
    };
    // Every word through the full-text index; only when that finds nothing (a typo?), trigram word similarity.
    const found = await this.repo.search({ ...filter, match: 'fts' });
    if (found[1] > 0 || !tsQuery) return found;
    return this.repo.search({ ...filter, match: 'trigram' });
  }

  /**
   * Organisers: change the topic, the category or the anonymity of a question not yet published. Only the
   * fields given change (null clears the topic or the category). A published question is refused (409): what
   * trainees already read, the asker's name above all, changes only after the organiser takes it back.
   */
  async classify(id: string, change: QuestionClassification, user: AuthUser): Promise<void> {
    mustManage(user);
    const found = await this.repo.findQuestion(id);
    if (!found) throw new NotFoundException('Không tìm thấy câu hỏi.');
    await this.checkClassification(found.sessionId, change.topicId, change.categoryId);
    await this.ds.transaction(async (m) => {
      const q = await this.repo.lockQuestion(id, m);
      if (!q) throw new NotFoundException('Không tìm thấy câu hỏi.');
      if (q.status === 'published') throw new ConflictException(CLASSIFY_PUBLISHED);
      const patch: Pick<Partial<Question>, 'topicId' | 'categoryId' | 'anonymous'> = {};
      if (change.topicId !== undefined) patch.topicId = change.topicId;
      if (change.categoryId !== undefined) patch.categoryId = change.categoryId;
      if (change.anonymous !== undefined) patch.anonymous = change.anonymous;
      const old = { topicId: q.topicId, categoryId: q.categoryId, anonymous: q.anonymous };
      if (Object.entries(patch).every(([k, v]) => old[k as keyof typeof old] === v)) return;
      await this.repo.updateQuestion(id, patch, m);
      await this.audit.record({ actorId: user.id, action: 'qa.question.classify', entity: 'question', entityId: id, oldValue: old, newValue: { ...old, ...patch } }, m);
    });
  }

  /** What the session page needs besides the list: session, topics, categories, trainees, counts. */
  async sessionContext(sessionId: string, user: AuthUser) {
    if (!isStaff(user)) throw new ForbiddenException('Không có quyền truy cập.');
    const session = await this.sessions.get(sessionId, user);
    const [topics, categories, trainees, counts] = await Promise.all([
      this.repo.topicsOfSession(sessionId),
      this.categories.list(),
      managesQa(user) ? this.repo.enrolledTrainees(sessionId) : Promise.resolve([]),
      this.repo.countByStatus(sessionId),
    ]);
    return { session, topics, categories, trainees, counts };
  }

  /** The portal page: the session (trainee enrolled), its topics and the categories. */
  async portalContext(sessionId: string, user: AuthUser): Promise<{ session: TrainingSession; topics: { id: string; title: string }[]; categories: { id: string; name: string }[] }> {
    const traineeId = traineeOf(user);
    const session = await this.sessions.get(sessionId, user);
    if (!(await this.repo.isEnrolled(sessionId, traineeId))) throw new ForbiddenException('Bạn không có tên trong danh sách học viên của lớp này.');
    const [topics, categories] = await Promise.all([this.repo.topicsOfSession(sessionId), this.categories.list()]);
    return { session, topics, categories };
  }

  /** A trainee's own questions in a session, newest first. */
  mine(sessionId: string, user: AuthUser): Promise<[QuestionRow[], number]> {
    const traineeId = traineeOf(user);
    return this.repo.search({ sessionId, visibility: { kind: 'own', traineeId }, offset: 0, limit: 200 });
  }

  /** Topics of the question's session and the categories, for the organiser's classify form. */
  async classificationOptions(sessionId: string) {
    const [topics, categories] = await Promise.all([this.repo.topicsOfSession(sessionId), this.categories.list()]);
    return { topics, categories };
  }

  categoryList() {
    return this.categories.list();
  }

  sessionsWithQuestions() {
    return this.repo.sessionsWithQuestions();
  }

  topicsOfSession(sessionId: string) {
    return this.repo.topicsOfSession(sessionId);
  }

  private async canSee(row: QuestionRow, user: AuthUser): Promise<boolean> {
    if (isStaff(user)) return true;
    if (user.role !== 'trainee' || !user.traineeId) return false;
    if (row.traineeId === user.traineeId) return true;
    return row.status === 'published' && this.repo.isEnrolled(row.sessionId, user.traineeId);
  }

  private async checkClassification(sessionId: string, topicId?: string | null, categoryId?: string | null): Promise<void> {
    if (topicId) {
      const topic = await this.repo.findTopic(topicId);
      if (!topic || topic.sessionId !== sessionId) throw new BadRequestException({ message: 'Chuyên đề không thuộc lớp này.', details: { topicId: ['Chuyên đề không thuộc lớp này.'] } });
    }
    if (categoryId && !(await this.categories.exists(categoryId))) {
      throw new BadRequestException({ message: 'Lĩnh vực không tồn tại.', details: { categoryId: ['Lĩnh vực không tồn tại.'] } });
    }
  }

  private async resolveAsker(sessionId: string, dto: LogQuestionDto): Promise<Pick<Question, 'askerKind' | 'traineeId' | 'communeCode' | 'provinceCode'>> {
    const refuse = (field: string, message: string) => new BadRequestException({ message, details: { [field]: [message] } });
    if (dto.askerKind === 'trainee') {
      if (!dto.traineeId) throw refuse('traineeId', 'Vui lòng chọn học viên đặt câu hỏi.');
      const trainee = await this.repo.findTrainee(dto.traineeId);
      if (!trainee || !(await this.repo.isEnrolled(sessionId, trainee.id))) throw refuse('traineeId', 'Học viên này không có tên trong lớp.');
      return { askerKind: 'trainee', traineeId: trainee.id, communeCode: trainee.communeCode, provinceCode: trainee.provinceCode };
    }
    if (dto.askerKind === 'commune') {
      if (!dto.communeCode) throw refuse('communeCode', 'Vui lòng nhập mã xã, phường.');
      const commune = await this.reference.commune(dto.communeCode);
      if (!commune) throw refuse('communeCode', `Không có xã, phường nào mã ${dto.communeCode}.`);
      return { askerKind: 'commune', traineeId: null, communeCode: commune.code, provinceCode: commune.provinceCode };
    }
    if (!dto.provinceCode) throw refuse('provinceCode', 'Vui lòng chọn tỉnh, thành phố.');
    const province = await this.reference.province(dto.provinceCode).catch(() => null);
    if (!province) throw refuse('provinceCode', `Không có tỉnh, thành phố nào mã ${dto.provinceCode}.`);
    return { askerKind: 'province', traineeId: null, communeCode: null, provinceCode: province.code };
  }

  private async insert(row: Partial<Question>, user: AuthUser): Promise<Question> {
    return this.ds.transaction(async (m) => {
      if (row.channel === 'portal') {
        const repeat = await this.repo.lockAndFindRepeat(row.sessionId!, row.traineeId!, row.text!, REPEAT_MINUTES, m);
        if (repeat) return repeat;
      }
      const q = await this.repo.insertQuestion({ ...row, textSearch: questionSearchKey(row.text!), status: 'open', createdById: user.id }, m);
      await this.audit.record(
        {
          actorId: user.id,
          action: row.channel === 'portal' ? 'qa.question.ask' : 'qa.question.log',
          entity: 'question',
          entityId: q.id,
          newValue: { sessionId: q.sessionId, askerKind: q.askerKind, traineeId: q.traineeId, communeCode: q.communeCode, provinceCode: q.provinceCode, anonymous: q.anonymous },
        },
        m,
      );
      return q;
    });
  }
}
