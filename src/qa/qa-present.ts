import { ASKER_KIND_LABELS, QUESTION_STATUS_LABELS } from './question.entity';
import type { QuestionRow } from './qa.repository';

export const ANONYMOUS_LABEL = 'ẩn danh';

/** Where the asker comes from: "Xã Sin Suối Hồ, Tỉnh Lai Châu". */
export function askerPlace(r: Pick<QuestionRow, 'communeName' | 'provinceName'>): string {
  return [r.communeName, r.provinceName].filter(Boolean).join(', ');
}

/**
 * Who asked, as published (booklet, portal): "ẩn danh" when anonymous, else the
 * trainee's name with their commune and province, or the commune / province.
 */
export function publishedAsker(r: QuestionRow): string {
  if (r.anonymous) return ANONYMOUS_LABEL;
  return internalAsker(r);
}

/** Who asked, for staff (always named). */
export function internalAsker(r: QuestionRow): string {
  const place = askerPlace(r);
  if (r.askerKind === 'trainee') return place ? `${r.traineeName ?? 'Học viên'} (${place})` : (r.traineeName ?? 'Học viên');
  return place || ASKER_KIND_LABELS[r.askerKind];
}

/** "TS. Nguyễn Văn Thành" style author line. */
export function answerAuthor(r: QuestionRow): string {
  if (!r.answerAuthorName) return '';
  return r.answerAuthorTitle ? `${r.answerAuthorName}, ${r.answerAuthorTitle}` : r.answerAuthorName;
}

/** A row for a page or the API, without fields the viewer may not see. */
export function presentRow(r: QuestionRow, opts: { staff: boolean }) {
  const showAnswer = opts.staff || r.status === 'published';
  return {
    id: r.id,
    sessionId: r.sessionId,
    sessionTitle: r.sessionTitle,
    topicId: r.topicId,
    topicTitle: r.topicTitle,
    categoryId: r.categoryId,
    categoryName: r.categoryName,
    askerKind: r.askerKind,
    asker: opts.staff ? internalAsker(r) : publishedAsker(r),
    provinceCode: r.provinceCode,
    provinceName: r.provinceName,
    anonymous: r.anonymous,
    channel: r.channel,
    text: r.text,
    status: r.status,
    statusLabel: QUESTION_STATUS_LABELS[r.status],
    rejectReason: opts.staff || r.status === 'rejected' ? r.rejectReason : null,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
    loggedBy: opts.staff && r.channel === 'logged' ? r.createdByName : null,
    answer: showAnswer && r.answerText ? { text: r.answerText, author: answerAuthor(r), updatedAt: r.answerUpdatedAt } : null,
  };
}

export type PresentedQuestion = ReturnType<typeof presentRow>;
