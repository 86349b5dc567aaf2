import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { writeCsvRows } from '../common/csv';
import { FileOut } from '../common/file-out';
import { pageOf } from '../common/paging';
import { AuditFilter, AuditRepository, AuditRow } from './audit.repository';
import { AuditService } from './audit.service';
import { ACTION_LABELS } from './audit-labels';
import { SearchAuditDto } from './dto/search-audit.dto';
import { MARK_STATUS_LABELS } from '../attendance/attendance-mark.entity';
import { SESSION_STATUS_LABELS } from '../training-sessions/training-session.entity';
import { CERTIFICATE_STATUS_LABELS } from '../certificates/certificate.entity';
import { ROLE_LABELS } from '../users/user.entity';
import { GENDER_LABELS } from '../trainees/trainee.entity';
import { SITTING_PART_LABELS } from '../training-sessions/sitting.entity';
import { AGENDA_KIND_LABELS } from '../training-sessions/topic.entity';
import { ASKER_KIND_LABELS, QUESTION_STATUS_LABELS } from '../qa/question.entity';
import { ENROLLMENT_STATUS_LABELS } from '../enrollments/enrollment.entity';
import { dayInVietnam } from '../common/local-dates';

const PAGE_SIZE = 50;
const EXPORT_PAGE = 1000;


export const ENTITY_LABELS: Record<string, string> = {
  attendance_mark: 'Điểm danh',
  certificate: 'Giấy chứng nhận',
  enrollment: 'Đăng ký',
  login: 'Tên đăng nhập',
  audit_log: 'Nhật ký',
  material: 'Tài liệu',
  question_category: 'Nhóm câu hỏi',
  question: 'Câu hỏi',
  session: 'Lớp',
  sitting: 'Buổi học',
  topic: 'Nội dung chương trình',
  trainee: 'Học viên',
  training_session: 'Lớp',
  user: 'Tài khoản',
};

const ENTITY_PAGES: Record<string, (id: string) => string> = {
  session: (id) => `/sessions/${id}`,
  training_session: (id) => `/sessions/${id}`,
  trainee: (id) => `/trainees/${id}`,
  certificate: (id) => `/certificates/${id}`,
};

/** One line of the log as people read it. */
export interface AuditLine {
  id: string;
  at: Date;
  actor: string;
  actorEmail: string | null;
  action: string;
  actionLabel: string;
  entity: string;
  entityLabel: string;
  /** Whose account, for entries on accounts. */
  objectName: string | null;
  entityId: string;
  /** The object's page, when it has one. */
  href: string | null;
  changes: string[];
  note: string | null;
}

/** The audit trail for auditors and organisers: filters, paging, CSV of everything filtered. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly audit: AuditService,
  ) {}

  async page(q: SearchAuditDto) {
    const { filter, about } = await this.filterOf(q);
    const total = await this.repo.count(filter);
    const paging = pageOf(q.page, PAGE_SIZE, total);
    const rows = total ? await this.repo.search(filter, PAGE_SIZE, (paging.page - 1) * PAGE_SIZE) : [];
    // The known actions (no DISTINCT over the whole log on every page view).
    const actions = Object.entries(ACTION_LABELS)
      .sort((a, b) => a[1].localeCompare(b[1], 'vi'))
      .map(([value, label]) => ({ value, label, selected: value === q.action }));
    const params = new URLSearchParams(filtersOf(q));
    return { lines: rows.map(lineOf), paging, actions, filter: q, trainee: about && { id: q.trainee, fullName: about.fullName, merged: about.ids.length - 1 }, query: params.toString() ? `&${params.toString()}` : '', exportQuery: params.toString() };
  }

  /**
   * Everything the filters select, newest first, read 1,000 entries at a time. The export itself is recorded
   * (who, with which filters): the entries carry personal data (national ID numbers, phones, addresses).
   */
  async csv(q: SearchAuditDto, actorId: string): Promise<FileOut> {
    const { filter } = await this.filterOf(q);
    await this.audit.record({ actorId, action: 'audit.export', entity: 'audit_log', entityId: 'csv', newValue: { filters: filtersOf(q) } });
    const repo = this.repo;
    async function* rows() {
      yield ['Thời gian', 'Người thực hiện', 'Email', 'Thao tác', 'Mã thao tác', 'Đối tượng', 'Mã đối tượng', 'Thay đổi', 'Giá trị cũ (JSON)', 'Giá trị mới (JSON)', 'Ghi chú'];
      let before: string | undefined;
      for (;;) {
        const page = await repo.search(filter, EXPORT_PAGE, 0, before);
        for (const r of page) {
          const l = lineOf(r);
          yield [localIso(r.createdAt), l.actor, l.actorEmail, l.actionLabel, l.action, l.objectName ? `${l.entityLabel}: ${l.objectName}` : l.entityLabel, l.entityId, l.changes.join('; '), json(r.oldValue), json(r.newValue), l.note];
        }
        if (page.length < EXPORT_PAGE) return;
        before = page[page.length - 1].id;
      }
    }
    return { filename: `nhat-ky-${dayInVietnam(new Date())}.csv`, contentType: 'text/csv; charset=utf-8', write: (out: Writable) => writeCsvRows(out, rows()) };
  }

  /** The filter of the query, and the trainee it is about (404 for an unknown one). */
  private async filterOf(q: SearchAuditDto): Promise<{ filter: AuditFilter; about: { fullName: string; ids: string[] } | null }> {
    if (q.from && q.to && q.from > q.to) throw new BadRequestException('Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.');
    const actor = q.actor?.trim();
    const about = q.trainee ? await this.repo.traineeOf(q.trainee) : null;
    if (q.trainee && !about) throw new NotFoundException('Không tìm thấy học viên này.');
    const filter: AuditFilter = {
      traineeIds: about?.ids,
      action: q.action || undefined,
      entity: q.entity || undefined,
      entityId: q.entityId?.trim() || undefined,
      actorIds: actor ? await this.repo.actorIdsMatching(actor) : undefined,
      from: q.from || undefined,
      to: q.to || undefined,
    };
    return { filter, about };
  }
}

/** The filters given (for the paging links, the export link and the export's own entry). */
function filtersOf(q: SearchAuditDto): Record<string, string> {
  const given = { action: q.action, entity: q.entity, entityId: q.entityId, trainee: q.trainee, actor: q.actor, from: q.from, to: q.to };
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => !!e[1]));
}

function lineOf(r: AuditRow): AuditLine {
  return {
    id: r.id,
    at: r.createdAt,
    actor: r.actorName ?? (r.actorEmail ? r.actorEmail : 'Hệ thống'),
    actorEmail: r.actorEmail,
    action: r.action,
    actionLabel: ACTION_LABELS[r.action] ?? r.action,
    entity: r.entity,
    entityLabel: ENTITY_LABELS[r.entity] ?? r.entity,
    objectName: r.objectName,
    entityId: r.entityId,
    href: ENTITY_PAGES[r.entity]?.(r.entityId) ?? null,
    changes: changesOf(r.oldValue, r.newValue, r.entity),
    note: r.note,
  };
}

/** Field names as people say them. */
const FIELD_LABELS: Record<string, string> = {
  status: 'trạng thái',
  reason: 'lý do',
  method: 'cách ghi',
  markedAt: 'thời điểm',
  title: 'tên',
  programme: 'chương trình',
  organisingUnit: 'đơn vị tổ chức',
  hostProvinceCode: 'mã tỉnh đăng cai',
  hostCommuneCode: 'mã xã đăng cai',
  venue: 'địa điểm',
  description: 'mô tả',
  startDate: 'ngày bắt đầu',
  endDate: 'ngày kết thúc',
  capacity: 'số học viên tối đa',
  selfCheckinEnabled: 'tự điểm danh',
  lateGraceMinutes: 'số phút tính đến muộn',
  from: 'sao chép từ lớp',
  sessionId: 'mã lớp',
  date: 'ngày',
  part: 'buổi',
  startsAt: 'giờ bắt đầu',
  endsAt: 'giờ kết thúc',
  kind: 'loại',
  sittingId: 'mã buổi học',
  startTime: 'giờ bắt đầu',
  endTime: 'giờ kết thúc',
  lecturerIds: 'mã báo cáo viên',
  topicId: 'mã chuyên đề',
  categoryId: 'mã lĩnh vực',
  name: 'tên',
  fullName: 'họ và tên',
  gender: 'giới tính',
  dateOfBirth: 'ngày sinh',
  birthYear: 'năm sinh',
  ethnicGroupCode: 'mã dân tộc',
  workplace: 'đơn vị công tác',
  communeCode: 'mã xã',
  provinceCode: 'mã tỉnh',
  nationalId: 'số CCCD',
  email: 'email',
  phone: 'điện thoại',
  role: 'vai trò',
  position: 'chức vụ',
  traineeId: 'mã học viên',
  enrollmentId: 'mã đăng ký',
  id: 'mã',
  serial: 'số hiệu',
  replacedBy: 'thay bằng số',
  replacedById: 'mã giấy thay thế',
  eligible: 'đủ điều kiện',
  rule: 'điều kiện',
  minAttendancePercent: 'tỷ lệ có mặt tối thiểu (%)',
  excusedCounts: 'tính vắng có phép',
  requiredTopics: 'chuyên đề bắt buộc',
  issuerName: 'cơ quan cấp',
  issuerParent: 'cơ quan chủ quản',
  issuerCode: 'ký hiệu cơ quan cấp',
  signerTitle: 'chức danh người ký',
  signerName: 'người ký',
  wording: 'lời văn',
  placeName: 'địa danh',
  serialFormat: 'mẫu số hiệu',
  logo: 'ảnh biểu trưng',
  added: 'thêm mới',
  invitations: 'số thư mời',
  enrollmentIds: 'mã đăng ký',
  to: 'gửi đến',
  error: 'lỗi',
  reactivated: 'đăng ký lại',
  traineeIds: 'mã học viên',
  batchId: 'mã lần nhập',
  fileName: 'tệp',
  created: 'hồ sơ tạo mới',
  matched: 'hồ sơ đã có',
  enrolled: 'ghi danh',
  trainees: 'số học viên',
  filters: 'bộ lọc',
  rows: 'số dòng',
  marks: 'số ô điểm danh',
  changed: 'số thay đổi',
  sittings: 'số buổi học',
  topics: 'số nội dung',
  skipped: 'dòng bỏ qua',
  seriesId: 'mã tài liệu',
  version: 'phiên bản',
  originalName: 'tên tệp',
  size: 'dung lượng (byte)',
  sha256: 'mã SHA-256',
  text: 'nội dung',
  authorId: 'mã người trả lời',
  askerKind: 'người hỏi',
  anonymous: 'ẩn danh',
  mergedId: 'hồ sơ gộp vào',
  combinedInto: 'gộp vào đăng ký',
  keptMarkId: 'điểm danh được giữ',
  combinedFrom: 'nhận từ đăng ký',
  filled: 'trường bổ sung',
  replaced: 'trường thay',
  notTaken: 'trường không lấy',
  expiresAt: 'hết hạn lúc',
  otherSessionsEnded: 'số phiên đăng nhập khác bị đóng',
  apiTokenRevoked: 'thu hồi mã API',
  replacedEarlierToken: 'thay mã API cũ',
  mime: 'loại tệp',
  disabled: 'khóa',
  ip: 'địa chỉ IP',
  userAgent: 'trình duyệt',
  login: 'tên đăng nhập',
};

/** Where one kind of object names a field differently (a category's position is its place in the list). */
const ENTITY_FIELD_LABELS: Record<string, Record<string, string>> = {
  question_category: { position: 'thứ tự', name: 'tên lĩnh vực' },
  session: { part: 'phần' },
};

/** Stored codes shown in words. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  status: { ...MARK_STATUS_LABELS, ...SESSION_STATUS_LABELS, ...CERTIFICATE_STATUS_LABELS },
  method: { qr: 'quét mã QR', roster: 'danh sách', self: 'tự điểm danh', import: 'nhập từ tệp' },
  role: ROLE_LABELS,
  gender: GENDER_LABELS,
  part: SITTING_PART_LABELS,
  kind: AGENDA_KIND_LABELS,
  askerKind: ASKER_KIND_LABELS,
  reason: {
    'unknown-login': 'không có tài khoản này',
    'wrong-password': 'sai mật khẩu',
    disabled: 'tài khoản đã khóa',
    'wrong-code': 'mã không đúng với tên đăng nhập',
    'code-used-or-expired': 'mã đã dùng hoặc hết hạn',
  },
};

/** Statuses mean different things for different objects ("published" is said one way of a course, another of a question). */
const STATUS_LABELS_OF: Record<string, Record<string, string>> = {
  attendance_mark: MARK_STATUS_LABELS,
  certificate: CERTIFICATE_STATUS_LABELS,
  enrollment: ENROLLMENT_STATUS_LABELS,
  question: QUESTION_STATUS_LABELS,
  training_session: SESSION_STATUS_LABELS,
};

/** "trạng thái: Vắng → Có mặt" for each field that differs; the new values when there was nothing before. */
export function changesOf(oldValue: Record<string, unknown> | null, newValue: Record<string, unknown> | null, entity = '', max = 8): string[] {
  const o = oldValue ?? {};
  const n = newValue ?? {};
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])];
  const out: string[] = [];
  for (const k of keys) {
    const a = JSON.stringify(o[k] ?? null);
    const b = JSON.stringify(n[k] ?? null);
    if (a === b) continue;
    const label = ENTITY_FIELD_LABELS[entity]?.[k] ?? FIELD_LABELS[k] ?? k;
    const words = (k === 'status' && STATUS_LABELS_OF[entity]) || VALUE_LABELS[k];
    const show = (v: unknown) => (typeof v === 'string' && words && Object.hasOwn(words, v) && words[v]) || short(v);
    out.push(oldValue ? `${label}: ${show(o[k])} → ${show(n[k])}` : `${label}: ${show(n[k])}`);
  }
  return out.length > max ? [...out.slice(0, max), `… và ${out.length - max} trường khác`] : out;
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'boolean') return v ? 'có' : 'không';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function json(v: unknown): string {
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

/** "2025-09-25 07:58:03" in Asia/Ho_Chi_Minh (the Swedish locale writes ISO-like date and time). */
const LOCAL_ISO = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
function localIso(d: Date): string {
  return LOCAL_ISO.format(new Date(d));
}
