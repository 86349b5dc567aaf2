import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { formatDate } from '../common/view-engine';
import { GENDER_LABELS } from '../trainees/trainee.entity';
import { ImportService, previewVersion } from './import.service';

const STATUS_LABELS = { new: 'Mới', existing: 'Đã có', review: 'Cần chọn xã', error: 'Lỗi' };
const SHOWN = 500;

@Injectable()
export class ImportPagesService {
  constructor(private readonly imports: ImportService) {}

  async mapping(id: string, user: AuthUser) {
    const v = await this.imports.mappingView(id, user);
    const session = await this.imports.session(v.batch.sessionId, user);
    return { title: 'Nhập danh sách · Chọn cột', session, ...v, committed: v.batch.status === 'committed' };
  }

  async preview(id: string, user: AuthUser) {
    const { batch, rows, summary } = await this.imports.preview(id, user);
    const session = await this.imports.session(batch.sessionId, user);
    // Rows needing attention first (with the new people who have something in common with someone else: a phone, a name
    // and birth year), then the rest, up to SHOWN rows on the page.
    const order = { review: 0, error: 1, existing: 3, new: 4 };
    const rank = (r: (typeof rows)[number]) => (r.possibleDuplicate && r.status === 'new' ? 2 : order[r.status]);
    const sorted = [...rows].sort((a, b) => rank(a) - rank(b) || a.n - b.n);
    return {
      title: 'Nhập danh sách · Xem trước',
      session,
      batch,
      summary,
      version: previewVersion(batch),
      possibleDuplicates: rows.filter((r) => r.possibleDuplicate && (r.status === 'new' || r.status === 'review')).length,
      committed: batch.status === 'committed',
      canCommit: batch.status !== 'committed' && summary.review === 0 && summary.new + summary.existing > 0,
      hasReview: summary.review > 0 || rows.some((r) => r.reviewOptions),
      rows: sorted.slice(0, SHOWN).map((r) => ({
        ...r,
        statusLabel: STATUS_LABELS[r.status],
        born: r.fields.dateOfBirth ? formatDate(r.fields.dateOfBirth) : (r.fields.birthYear ?? ''),
        genderLabel: r.fields.gender ? GENDER_LABELS[r.fields.gender] : '',
        options: r.reviewOptions?.map((o) => ({ ...o, selected: o.code === r.picked })),
      })),
      hidden: Math.max(0, rows.length - SHOWN),
      // Rows needing attention come first; past SHOWN some may still be hidden: say so rather than "valid rows".
      hiddenReview: sorted.slice(SHOWN).filter((r) => r.status === 'review').length,
      hiddenError: sorted.slice(SHOWN).filter((r) => r.status === 'error').length,
    };
  }

  async commit(id: string, skipErrors: boolean, user: AuthUser, seen?: string) {
    const { sessionId, ...result } = await this.imports.commit(id, skipErrors, user, seen);
    return { sessionId, result };
  }
}
