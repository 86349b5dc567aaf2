import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { FormRejectedException } from '../common/http-exception.filter';
import { foldForSearch } from '../common/text/vietnamese';
import { AuditRecord, AuditService } from '../audit/audit.service';
import { CancellationChecks } from './cancellation-checks';
import { ReferenceService } from '../reference/reference.service';
import { SESSION_STATUS_LABELS, SessionStatus, TrainingSession } from './training-session.entity';
import { Sitting } from './sitting.entity';
import { Topic } from './topic.entity';
import { SessionListRow, TrainingSessionsRepository } from './training-sessions.repository';
import { AgendaRepository } from './agenda.repository';
import { CreateSessionDto } from './dto/create-session.dto';
import { UpdateSessionDto } from './dto/update-session.dto';
import { CloneSessionDto } from './dto/clone-session.dto';
import { addDays, daysBetween, defaultSittings, isValidDate, MAX_SESSION_DAYS } from './agenda-rules';

/** Statuses a trainee (or the public) may see. */
export const VISIBLE_STATUSES: SessionStatus[] = ['published', 'ongoing', 'completed'];

/** Allowed status changes (cancelling needs a reason). */
export const STATUS_TRANSITIONS: Record<SessionStatus, SessionStatus[]> = {
  draft: ['published', 'cancelled'],
  published: ['draft', 'ongoing', 'cancelled'],
  ongoing: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export const isStaff = (user?: AuthUser): boolean => !!user && ['admin', 'organiser', 'lecturer'].includes(user.role);
export const isManager = (user?: AuthUser): boolean => !!user && ['admin', 'organiser'].includes(user.role);

/** The audit entries of sittings the app made itself (from the course's dates, or copied by a clone). */
function sittingsMade(sittings: Sitting[], actorId: string, note: string): AuditRecord[] {
  return sittings.map((x) => ({ actorId, action: 'sitting.create', entity: 'sitting', entityId: x.id, newValue: { sessionId: x.sessionId, date: x.date, part: x.part, startsAt: x.startsAt, endsAt: x.endsAt }, note }));
}

/**
 * Training sessions: listing, access, creation, editing, status workflow and
 * cloning. Other modules ask this service (get, listSittings, findTopic,
 * isLecturerOfTopic, canAccess) rather than reading the tables.
 */
@Injectable()
export class TrainingSessionsService {
  constructor(
    private readonly sessions: TrainingSessionsRepository,
    private readonly agenda: AgendaRepository,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
    private readonly cancellationChecks: CancellationChecks,
  ) {}

  /** Staff see every session; a trainee only the visible sessions they are enrolled in; no user: the visible ones. */
  list(user: AuthUser | undefined, q: string | undefined, page: number, pageSize: number): Promise<[SessionListRow[], number]> {
    const staff = isStaff(user);
    const traineeOnly = user && !staff;
    return this.sessions.list({
      statuses: staff ? undefined : VISIBLE_STATUSES,
      q: q ? foldForSearch(q) : undefined,
      traineeId: traineeOnly ? (user.traineeId ?? '00000000-0000-0000-0000-000000000000') : undefined,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
  }

  /** Published (or later) sessions for the public programme page. */
  listPublic(q: string | undefined, page: number, pageSize: number): Promise<[SessionListRow[], number]> {
    return this.list(undefined, q, page, pageSize);
  }

  /**
   * A session the user may see (404 otherwise, so drafts do not leak): staff any;
   * a trainee a visible session they are enrolled in; no user: any visible session.
   */
  async get(id: string, user?: AuthUser): Promise<TrainingSession> {
    const s = await this.sessions.findById(id);
    if (!s || !(await this.canSee(s, user))) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    return s;
  }

  /** A session by id with no access check (for other modules' own rules), or null. */
  findById(id: string, manager?: EntityManager): Promise<TrainingSession | null> {
    return this.sessions.findById(id, manager);
  }

  /** Public programme: a published, ongoing or completed session. */
  async getPublic(id: string): Promise<TrainingSession> {
    return this.get(id, undefined);
  }

  async canSee(s: TrainingSession, user?: AuthUser): Promise<boolean> {
    if (isStaff(user)) return true;
    if (!VISIBLE_STATUSES.includes(s.status)) return false;
    if (!user) return true;
    return !!user.traineeId && (await this.sessions.isTraineeEnrolled(s.id, user.traineeId));
  }

  /** Whether the user's trainee record holds an active enrolment in the session. */
  async isEnrolled(sessionId: string, user: AuthUser): Promise<boolean> {
    return !!user.traineeId && this.sessions.isTraineeEnrolled(sessionId, user.traineeId);
  }

  listSittings(sessionId: string, manager?: EntityManager): Promise<Sitting[]> {
    return this.agenda.sittingsOf(sessionId, manager);
  }

  findSitting(id: string, manager?: EntityManager): Promise<Sitting | null> {
    return this.agenda.findSitting(id, manager);
  }

  listTopics(sessionId: string, manager?: EntityManager): Promise<Topic[]> {
    return this.agenda.topicsOf(sessionId, manager);
  }

  findTopic(id: string): Promise<Topic | null> {
    return this.agenda.findTopic(id);
  }

  isLecturerOfTopic(userId: string, topicId: string): Promise<boolean> {
    return this.agenda.isLecturerOfTopic(userId, topicId);
  }

  /** Throws 409 when the session can no longer be changed (cancelled or completed). */
  assertEditable(s: TrainingSession): void {
    if (s.status === 'cancelled') throw new ConflictException('Lớp tập huấn đã bị hủy, không thể chỉnh sửa.');
    if (s.status === 'completed') throw new ConflictException('Lớp tập huấn đã kết thúc, không thể chỉnh sửa.');
  }

  assertManager(user: AuthUser): void {
    if (!isManager(user)) throw new ForbiddenException('Chỉ ban tổ chức được thực hiện thao tác này.');
  }

  async create(dto: CreateSessionDto, actor: AuthUser): Promise<TrainingSession> {
    this.assertManager(actor);
    await this.checkFields(dto);
    const id = await this.ds.transaction(async (m) => {
      const s = await this.sessions.insert(
        {
          ...sessionFields(dto),
          status: 'draft',
          createdById: actor.id,
        },
        m,
      );
      const sittings = await this.agenda.insertSittings(defaultSittings(dto.startDate, dto.endDate).map((x) => ({ ...x, sessionId: s.id })), m);
      await this.audit.record({ actorId: actor.id, action: 'session.create', entity: 'training_session', entityId: s.id, newValue: { title: s.title, startDate: s.startDate, endDate: s.endDate } }, m);
      await this.audit.recordMany(sittingsMade(sittings, actor.id, 'Tạo theo ngày của lớp'), m);
      return s.id;
    });
    return (await this.sessions.findById(id))!;
  }

  /**
   * Edits the fields. New dates add default sittings for new days; a sitting
   * left outside the new dates is refused (move or remove it first).
   */
  async update(id: string, dto: CreateSessionDto, actor: AuthUser): Promise<TrainingSession> {
    this.assertManager(actor);
    await this.checkFields(dto);
    await this.ds.transaction(async (m) => {
      const s = await this.mustLock(id, m);
      this.assertEditable(s);
      const sittings = await this.agenda.sittingsOf(id, m);
      const outside = sittings.filter((x) => x.date < dto.startDate || x.date > dto.endDate);
      if (outside.length) {
        const days = [...new Set(outside.map((x) => x.date.split('-').reverse().join('/')))].join(', ');
        throw new FormRejectedException(
          { startDate: [`Còn buổi học ngày ${days} nằm ngoài thời gian mới.`] },
          `Còn buổi học ngày ${days} nằm ngoài thời gian mới của lớp. Hãy xóa hoặc chuyển các buổi đó trước.`,
        );
      }
      if (dto.capacity !== undefined && dto.capacity !== null) {
        const enrolled = await this.sessions.countActiveEnrolments(id, m);
        if (dto.capacity < enrolled) {
          const message = `Lớp đã có ${enrolled} học viên đăng ký, không thể đặt sức chứa ${dto.capacity}. Hãy hủy bớt đăng ký trước hoặc chọn sức chứa từ ${enrolled} trở lên.`;
          throw new FormRejectedException({ capacity: [message] }, message);
        }
      }
      const haveDates = new Set(sittings.map((x) => x.date));
      const add = defaultSittings(dto.startDate, dto.endDate).filter((x) => !haveDates.has(x.date));
      const added = await this.agenda.insertSittings(add.map((x) => ({ ...x, sessionId: id })), m);
      const patch = sessionFields(dto);
      await this.sessions.update(id, patch, m);
      const old = Object.fromEntries(Object.keys(patch).filter((k) => k !== 'titleSearch').map((k) => [k, (s as unknown as Record<string, unknown>)[k]]));
      await this.audit.record({ actorId: actor.id, action: 'session.update', entity: 'training_session', entityId: id, oldValue: old, newValue: { ...patch, titleSearch: undefined } }, m);
      await this.audit.recordMany(sittingsMade(added, actor.id, 'Tạo theo ngày mới của lớp'), m);
    });
    return (await this.sessions.findById(id))!;
  }

  /** A partial edit (API PATCH): the fields given replace the session's; null clears an optional field. */
  async patch(id: string, dto: UpdateSessionDto, actor: AuthUser): Promise<TrainingSession> {
    this.assertManager(actor);
    const s = await this.get(id, actor);
    const missing = REQUIRED_SESSION_FIELDS.filter((k) => k in dto && (dto[k] === null || dto[k] === undefined));
    if (missing.length) throw new BadRequestException({ message: `Không được để trống: ${missing.map((k) => REQUIRED_SESSION_LABELS[k]).join(', ')}.`, details: Object.fromEntries(missing.map((k) => [k, ['Không được để trống.']])) });
    const current: CreateSessionDto = {
      title: s.title,
      programme: s.programme ?? undefined,
      organisingUnit: s.organisingUnit,
      hostProvinceCode: s.hostProvinceCode,
      hostCommuneCode: s.hostCommuneCode ?? undefined,
      venue: s.venue,
      startDate: s.startDate,
      endDate: s.endDate,
      capacity: s.capacity ?? undefined,
      description: s.description ?? undefined,
      selfCheckinEnabled: s.selfCheckinEnabled,
      lateGraceMinutes: s.lateGraceMinutes ?? undefined,
    };
    const given = Object.fromEntries(Object.entries(dto).map(([k, v]) => [k, v ?? undefined]));
    return this.update(id, { ...current, ...given }, actor);
  }

  async changeStatus(id: string, status: SessionStatus, reason: string | undefined, actor: AuthUser): Promise<TrainingSession> {
    this.assertManager(actor);
    await this.ds.transaction(async (m) => {
      const s = await this.mustLock(id, m);
      if (s.status === status) return;
      if (!STATUS_TRANSITIONS[s.status].includes(status)) {
        throw new ConflictException(`Không thể chuyển lớp từ trạng thái "${SESSION_STATUS_LABELS[s.status]}" sang "${SESSION_STATUS_LABELS[status]}".`);
      }
      if (status === 'cancelled' && !reason) {
        throw new FormRejectedException({ reason: ['Vui lòng nhập lý do hủy lớp.'] }, 'Vui lòng nhập lý do hủy lớp.');
      }
      if (status === 'cancelled') await this.cancellationChecks.run({ sessionId: id }, m);
      const firstPublished = status === 'published' && !s.publishedAt ? { publishedAt: new Date() } : {};
      await this.sessions.update(id, { status, cancelReason: status === 'cancelled' ? reason! : null, ...firstPublished }, m);
      await this.audit.record(
        { actorId: actor.id, action: 'session.status', entity: 'training_session', entityId: id, oldValue: { status: s.status }, newValue: { status }, note: status === 'cancelled' ? reason : null },
        m,
      );
    });
    return (await this.sessions.findById(id))!;
  }

  /**
   * Clones a session for another province: same fields, sittings (shifted to
   * the new start date), agenda items and lecturers; new place; status draft.
   * Materials stay with the original topics. Lecturer clashes are refused.
   */
  async clone(id: string, dto: CloneSessionDto, actor: AuthUser): Promise<TrainingSession> {
    this.assertManager(actor);
    const src = await this.get(id, actor);
    await this.checkPlace(dto.hostProvinceCode, dto.hostCommuneCode);
    if (!isValidDate(dto.startDate)) throw new FormRejectedException({ startDate: ['Ngày bắt đầu không hợp lệ.'] }, 'Ngày bắt đầu không hợp lệ.');
    const shift = daysBetween(src.startDate, dto.startDate);
    // The course keeps its length: its last day must be a date too (not past 31/12/9999).
    if (!isValidDate(addDays(src.endDate, shift))) {
      throw new FormRejectedException({ startDate: ['Ngày bắt đầu quá xa: ngày kết thúc của lớp sau khi dời không hợp lệ.'] }, 'Ngày bắt đầu quá xa: ngày kết thúc của lớp sau khi dời không hợp lệ.');
    }
    const newId = await this.ds.transaction(async (m) => {
      const title = dto.title ?? src.title;
      const s = await this.sessions.insert(
        {
          title,
          titleSearch: foldForSearch(title),
          programme: src.programme,
          organisingUnit: src.organisingUnit,
          hostProvinceCode: dto.hostProvinceCode,
          hostCommuneCode: dto.hostCommuneCode ?? null,
          venue: dto.venue,
          startDate: dto.startDate,
          endDate: addDays(src.endDate, shift),
          capacity: src.capacity,
          description: src.description,
          status: 'draft',
          minAttendancePercent: src.minAttendancePercent,
          excusedCounts: src.excusedCounts,
          selfCheckinEnabled: src.selfCheckinEnabled,
          lateGraceMinutes: src.lateGraceMinutes,
          createdById: actor.id,
        },
        m,
      );
      const oldSittings = await this.agenda.sittingsOf(src.id, m);
      const created = await this.agenda.insertSittings(
        oldSittings.map((x) => ({ sessionId: s.id, date: addDays(x.date, shift), part: x.part, startsAt: x.startsAt, endsAt: x.endsAt })),
        m,
      );
      const sittingMap = new Map(oldSittings.map((x, i) => [x.id, created[i]]));
      const copiedTopics: string[] = [];
      for (const t of await this.agenda.topicsOf(src.id, m)) {
        const sitting = t.sittingId ? sittingMap.get(t.sittingId) : undefined;
        const lecturerIds = (t.lecturers ?? []).map((l) => l.id);
        if (sitting && t.startTime && t.endTime && lecturerIds.length) {
          const clashes = await this.agenda.findLecturerClashes(lecturerIds, sitting.date, t.startTime, t.endTime, s.id, m);
          if (clashes.length) {
            const c = clashes[0];
            throw new ConflictException(
              `Báo cáo viên ${c.lecturerName} đã có lịch ${c.startTime.slice(0, 5)}–${c.endTime.slice(0, 5)} ngày ${c.date.split('-').reverse().join('/')} ở lớp "${c.sessionTitle}" (chuyên đề "${c.topicTitle}"). Hãy chọn ngày khác.`,
            );
          }
        }
        const copy = await this.agenda.saveTopic(
          {
            sessionId: s.id,
            kind: t.kind,
            title: t.title,
            summary: t.summary,
            sittingId: sitting?.id ?? null,
            startTime: t.startTime,
            endTime: t.endTime,
            position: t.position,
            requiredForCertificate: t.requiredForCertificate,
            lecturers: lecturerIds.map((lid) => ({ id: lid }) as never),
          },
          m,
        );
        copiedTopics.push(copy.id);
      }
      await this.audit.record(
        { actorId: actor.id, action: 'session.clone', entity: 'training_session', entityId: s.id, newValue: { from: src.id, title: s.title, startDate: s.startDate, endDate: s.endDate, hostProvinceCode: s.hostProvinceCode, venue: s.venue, sittings: created.length, topics: copiedTopics.length } },
        m,
      );
      await this.audit.recordMany(sittingsMade(created, actor.id, 'Sao chép từ lớp gốc'), m);
      return s.id;
    });
    return (await this.sessions.findById(newId))!;
  }

  private async mustLock(id: string, m: EntityManager): Promise<TrainingSession> {
    const s = await this.sessions.lockById(id, m);
    if (!s) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    return s;
  }

  private async checkFields(dto: CreateSessionDto): Promise<void> {
    const errors: Record<string, string[]> = {};
    if (!isValidDate(dto.startDate)) errors.startDate = ['Ngày bắt đầu không hợp lệ.'];
    if (!isValidDate(dto.endDate)) errors.endDate = ['Ngày kết thúc không hợp lệ.'];
    if (!errors.startDate && !errors.endDate) {
      if (dto.endDate < dto.startDate) errors.endDate = ['Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.'];
      else if (daysBetween(dto.startDate, dto.endDate) >= MAX_SESSION_DAYS) errors.endDate = [`Một lớp kéo dài tối đa ${MAX_SESSION_DAYS} ngày.`];
    }
    if (Object.keys(errors).length) throw new FormRejectedException(errors, Object.values(errors)[0][0]);
    await this.checkPlace(dto.hostProvinceCode, dto.hostCommuneCode);
  }

  private async checkPlace(provinceCode: string, communeCode?: string): Promise<void> {
    try {
      await this.reference.province(provinceCode);
    } catch {
      throw new FormRejectedException({ hostProvinceCode: ['Tỉnh, thành phố không tồn tại.'] }, 'Tỉnh, thành phố không tồn tại.');
    }
    if (communeCode) {
      const c = await this.reference.commune(communeCode);
      if (!c || c.provinceCode !== provinceCode) {
        throw new FormRejectedException({ hostCommuneCode: ['Xã, phường không thuộc tỉnh đã chọn.'] }, 'Xã, phường không thuộc tỉnh đã chọn.');
      }
    }
  }

  /** Sets the certificate rule (minimum share of sittings attended; whether excused absences count). */
  async updateCertificateRule(id: string, rule: { minAttendancePercent: number; excusedCounts: boolean }, manager?: EntityManager): Promise<void> {
    await this.sessions.updateCertificateRule(id, rule, manager);
  }

  /** The topics (of this session) that its certificate rule requires; the others stop being required. */
  async setRequiredTopics(sessionId: string, topicIds: string[], manager: EntityManager): Promise<void> {
    await this.agenda.setRequiredTopics(sessionId, topicIds, manager);
  }
}


/** The columns a session form sets (create and edit alike). */
const REQUIRED_SESSION_LABELS = { title: 'Tên lớp', organisingUnit: 'Đơn vị tổ chức', hostProvinceCode: 'Tỉnh đăng cai', venue: 'Địa điểm', startDate: 'Ngày bắt đầu', endDate: 'Ngày kết thúc' } as const;
const REQUIRED_SESSION_FIELDS = Object.keys(REQUIRED_SESSION_LABELS) as (keyof typeof REQUIRED_SESSION_LABELS)[];

function sessionFields(dto: CreateSessionDto) {
  return {
    title: dto.title,
    titleSearch: foldForSearch(dto.title),
    programme: dto.programme ?? null,
    organisingUnit: dto.organisingUnit,
    hostProvinceCode: dto.hostProvinceCode,
    hostCommuneCode: dto.hostCommuneCode ?? null,
    venue: dto.venue,
    startDate: dto.startDate,
    endDate: dto.endDate,
    capacity: dto.capacity ?? null,
    description: dto.description ?? null,
    // A form leaves an unticked box out: no value is "off"; no grace time is the configured default.
    selfCheckinEnabled: dto.selfCheckinEnabled ?? false,
    lateGraceMinutes: dto.lateGraceMinutes ?? null,
  };
}
