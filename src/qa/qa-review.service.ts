import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { AuditService } from '../audit/audit.service';
import { QaRepository } from './qa.repository';
import { Question, QuestionStatus } from './question.entity';
import { managesQa, mustManage } from './qa-access';

/** What the viewer may do with a question (drives the buttons of the detail page). */
export interface QuestionActions {
  answer: boolean;
  publish: boolean;
  reject: boolean;
  reopen: boolean;
  unpublish: boolean;
  classify: boolean;
}

/** Answering, publishing, rejecting: the status machine open → answered → published (or rejected). */
@Injectable()
export class QaReviewService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: QaRepository,
    private readonly audit: AuditService,
  ) {}

  /** Organisers answer any question; a lecturer only the questions of topics they teach (403 otherwise). */
  async mayAnswer(q: Pick<Question, 'topicId'>, user: AuthUser): Promise<boolean> {
    if (managesQa(user)) return true;
    if (user.role !== 'lecturer' || !q.topicId) return false;
    return this.repo.teachesTopic(user.id, q.topicId);
  }

  async actions(q: Pick<Question, 'topicId' | 'status'>, user: AuthUser): Promise<QuestionActions> {
    const manager = managesQa(user);
    const editable = q.status === 'open' || q.status === 'answered';
    return {
      answer: editable && (await this.mayAnswer(q, user)),
      publish: manager && q.status === 'answered',
      reject: manager && editable,
      reopen: manager && q.status === 'rejected',
      unpublish: manager && q.status === 'published',
      classify: manager && q.status !== 'published',
    };
  }

  /** Writes or edits the answer (until published); the previous text goes to the audit log. */
  async answer(id: string, text: string, user: AuthUser): Promise<void> {
    const q = await this.mustFind(id);
    if (!(await this.mayAnswer(q, user))) {
      throw new ForbiddenException(
        q.topicId ? 'Bạn chỉ trả lời được câu hỏi thuộc chuyên đề mình phụ trách.' : 'Câu hỏi chưa gắn với chuyên đề nào: ban tổ chức trả lời hoặc gắn chuyên đề trước.',
      );
    }
    await this.ds.transaction(async (m) => {
      const locked = await this.lock(id, m);
      if (locked.status === 'published') throw new ConflictException('Câu trả lời đã được công bố nên không sửa được nữa. Ban tổ chức cần thu hồi công bố trước.');
      if (locked.status === 'rejected') throw new ConflictException('Câu hỏi đã bị từ chối; ban tổ chức cần mở lại trước khi trả lời.');
      const existing = await this.repo.findAnswer(id, m);
      if (existing && existing.text === text) return;
      await this.repo.saveAnswer(existing ? { ...existing, text, authorId: user.id } : { questionId: id, text, authorId: user.id }, m);
      if (locked.status === 'open') await this.repo.updateQuestion(id, { status: 'answered' }, m);
      await this.audit.record(
        {
          actorId: user.id,
          action: existing ? 'qa.answer.edit' : 'qa.answer.create',
          entity: 'question',
          entityId: id,
          oldValue: existing ? { text: existing.text, authorId: existing.authorId } : null,
          newValue: { text, authorId: user.id },
        },
        m,
      );
    });
  }

  /** Publishes an answered question (refused while it has no answer). */
  async publish(id: string, user: AuthUser): Promise<void> {
    mustManage(user, 'Chỉ ban tổ chức được công bố câu trả lời.');
    await this.transition(id, user, 'qa.question.publish', (q) => {
      if (q.status === 'open') throw new ConflictException('Câu hỏi chưa có câu trả lời nên chưa thể công bố.');
      if (q.status !== 'answered') throw new ConflictException(q.status === 'published' ? 'Câu hỏi đã được công bố.' : 'Câu hỏi đã bị từ chối, không thể công bố.');
      return { status: 'published', publishedAt: new Date() };
    });
  }

  /** Takes a published answer back (it can be edited again). */
  async unpublish(id: string, user: AuthUser): Promise<void> {
    mustManage(user);
    await this.transition(id, user, 'qa.question.unpublish', (q) => {
      if (q.status !== 'published') throw new ConflictException('Câu hỏi chưa được công bố.');
      return { status: 'answered', publishedAt: null };
    });
  }

  /** Rejects a question that will not be answered or published, with the reason. */
  async reject(id: string, reason: string, user: AuthUser): Promise<void> {
    mustManage(user, 'Chỉ ban tổ chức được từ chối câu hỏi.');
    await this.transition(
      id,
      user,
      'qa.question.reject',
      (q) => {
        if (q.status === 'published') throw new ConflictException('Câu hỏi đã được công bố; thu hồi công bố trước khi từ chối.');
        if (q.status === 'rejected') throw new ConflictException('Câu hỏi đã bị từ chối.');
        return { status: 'rejected', rejectReason: reason };
      },
      reason,
    );
  }

  /** Reopens a rejected question (answered again if it has an answer). */
  async reopen(id: string, user: AuthUser): Promise<void> {
    mustManage(user);
    const hasAnswer = !!(await this.repo.findAnswer(id));
    await this.transition(id, user, 'qa.question.reopen', (q) => {
      if (q.status !== 'rejected') throw new ConflictException('Chỉ mở lại được câu hỏi đã bị từ chối.');
      return { status: hasAnswer ? 'answered' : 'open', rejectReason: null };
    });
  }

  private async transition(
    id: string,
    user: AuthUser,
    action: string,
    next: (q: Question) => { status: QuestionStatus; publishedAt?: Date | null; rejectReason?: string | null },
    note?: string,
  ): Promise<void> {
    await this.ds.transaction(async (m) => {
      const q = await this.lock(id, m);
      const patch = next(q);
      await this.repo.updateQuestion(id, patch, m);
      await this.audit.record({ actorId: user.id, action, entity: 'question', entityId: id, oldValue: { status: q.status }, newValue: { status: patch.status }, note: note ?? null }, m);
    });
  }

  private async lock(id: string, m: EntityManager): Promise<Question> {
    const q = await this.repo.lockQuestion(id, m);
    if (!q) throw new NotFoundException('Không tìm thấy câu hỏi.');
    return q;
  }

  private async mustFind(id: string): Promise<Question> {
    const q = await this.repo.findQuestion(id);
    if (!q) throw new NotFoundException('Không tìm thấy câu hỏi.');
    return q;
  }

  /** Edits of the answer (audit log), newest last, for the detail page. */
  async answerHistory(id: string) {
    const entries = await this.audit.historyOf('question', id);
    return entries.filter((e) => e.action.startsWith('qa.'));
  }
}
