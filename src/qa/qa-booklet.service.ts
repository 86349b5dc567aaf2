import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { formatDate } from '../common/view-engine';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { QaRepository, QuestionRow } from './qa.repository';
import { Booklet, BookletSession, QaBookletRenderer } from './qa-booklet.renderer';
import { answerAuthor, publishedAsker } from './qa-present';
import { isStaff, traineeOf } from './qa-access';
import { safeFileName } from '../common/file-names';
import type { FileInMemory } from '../common/file-out';

export type BookletFile = FileInMemory;

const NO_TOPIC = 'Câu hỏi chung (không thuộc chuyên đề)';
const NO_CATEGORY = 'Chưa phân loại';
const MAX_PERIOD_DAYS = 3 * 366;

/** The published Q&A of a session, or of a period across sessions, as PDF or XLSX. */
@Injectable()
export class QaBookletService {
  constructor(
    private readonly repo: QaRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly renderer: QaBookletRenderer,
  ) {}

  /** Staff, or a trainee enrolled in the session. */
  async forSession(sessionId: string, format: 'pdf' | 'xlsx', user: AuthUser): Promise<BookletFile> {
    const session = await this.sessions.get(sessionId, user);
    if (!isStaff(user) && !(await this.repo.isEnrolled(sessionId, traineeOf(user)))) throw new ForbiddenException('Bạn không có tên trong danh sách học viên của lớp này.');
    const rows = await this.repo.publishedForBooklet([sessionId]);
    const booklet = this.build(rows, 'TÀI LIỆU HỎI – ĐÁP', session.title, false);
    return this.file(booklet, format, `Hỏi đáp - ${session.title}`);
  }

  /** Staff: every session held (at least partly) between two dates. */
  async forPeriod(from: string, to: string, format: 'pdf' | 'xlsx', user: AuthUser): Promise<BookletFile> {
    if (!isStaff(user)) throw new ForbiddenException('Không có quyền truy cập.');
    const a = parseDate(from);
    const b = parseDate(to);
    if (!a || !b) throw new BadRequestException('Ngày không hợp lệ (dạng YYYY-MM-DD).');
    if (b < a) throw new BadRequestException('"Đến ngày" phải sau hoặc bằng "Từ ngày".');
    if ((b.getTime() - a.getTime()) / 86_400_000 > MAX_PERIOD_DAYS) throw new BadRequestException('Khoảng thời gian tối đa 3 năm.');
    const ids = await this.repo.sessionIdsInPeriod(from, to);
    const rows = ids.length ? await this.repo.publishedForBooklet(ids) : [];
    const booklet = this.build(rows, 'TÀI LIỆU HỎI – ĐÁP', `Các lớp tập huấn từ ngày ${formatDate(from)} đến ngày ${formatDate(to)}`, true);
    return this.file(booklet, format, `Hỏi đáp từ ${formatDate(from)} đến ${formatDate(to)}`.replace(/\//g, '-'));
  }

  /** Groups rows (already in booklet order) by session, topic and category, numbering the questions. */
  build(rows: QuestionRow[], title: string, subtitle: string, multiSession: boolean): Booklet {
    const sessions: BookletSession[] = [];
    let n = 0;
    for (const r of rows) {
      let s = sessions.at(-1);
      if (!s || s.key !== r.sessionId) sessions.push((s = { key: r.sessionId, title: r.sessionTitle, startDate: r.sessionStartDate, topics: [] }));
      let t = s.topics.at(-1);
      if (!t || t.key !== (r.topicId ?? '')) s.topics.push((t = { key: r.topicId ?? '', title: r.topicTitle ? `Chuyên đề: ${r.topicTitle}` : NO_TOPIC, categories: [] }));
      const categoryName = r.categoryName ?? NO_CATEGORY;
      let c = t.categories.at(-1);
      if (!c || c.key !== (r.categoryId ?? '')) t.categories.push((c = { key: r.categoryId ?? '', name: categoryName, items: [] }));
      c.items.push({
        number: ++n,
        text: r.text,
        asker: publishedAsker(r),
        answer: r.answerText ?? '',
        answerAuthor: answerAuthor(r),
        sessionTitle: r.sessionTitle,
        topicTitle: r.topicTitle ?? '',
        categoryName,
        provinceName: r.provinceName ?? '',
        publishedAt: r.publishedAt,
      });
    }
    return { title, subtitle, sessions, multiSession, count: n, generatedAt: new Date() };
  }

  /** The file, named in Vietnamese (`base`: what it holds; kept safe for Windows and cut to a sane length). */
  private async file(b: Booklet, format: 'pdf' | 'xlsx', name: string): Promise<BookletFile> {
    const base = safeFileName(name.slice(0, 150), 'hoi-dap');
    if (format === 'pdf') return { body: await this.renderer.pdf(b), contentType: 'application/pdf', name: `${base}.pdf` };
    return { body: await this.renderer.xlsx(b), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name: `${base}.xlsx` };
  }
}

function parseDate(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : d;
}
