import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { FormRejectedException } from '../common/http-exception.filter';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../users/users.service';
import { Sitting, SITTING_PART_LABELS } from './sitting.entity';
import { Topic } from './topic.entity';
import { TrainingSession } from './training-session.entity';
import { AgendaRepository } from './agenda.repository';
import { TrainingSessionsService, isManager } from './training-sessions.service';
import { CreateSittingDto, UpdateSittingDto } from './dto/save-sitting.dto';
import { SaveTopicDto } from './dto/save-topic.dto';
import { clashingSitting, ddmmyyyy, hhmm, normaliseTime, overlaps, within } from './agenda-rules';

const reject = (field: string, message: string) => new FormRejectedException({ [field]: [message] }, message);
/** A clash with another booking: 409, shown on the form like a field error. */
const conflict = (field: string, message: string) => new ConflictException({ message, details: { [field]: [message] } });

/** Sittings and agenda items of a session, with the scheduling rules. */
@Injectable()
export class AgendaService {
  constructor(
    private readonly agenda: AgendaRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
  ) {}

  // ---- sittings -------------------------------------------------------------

  async addSitting(sessionId: string, dto: CreateSittingDto, actor: AuthUser): Promise<Sitting> {
    this.sessions.assertManager(actor);
    const [startsAt, endsAt] = this.sittingTimes(dto);
    return this.ds.transaction(async (m) => {
      const s = await this.lockEditable(sessionId, m);
      if (dto.date < s.startDate || dto.date > s.endDate) {
        throw reject('date', `Buổi học phải nằm trong thời gian của lớp (${ddmmyyyy(s.startDate)} – ${ddmmyyyy(s.endDate)}).`);
      }
      if (await this.agenda.findSittingAt(sessionId, dto.date, dto.part, m)) {
        throw new ConflictException(`Đã có buổi ${SITTING_PART_LABELS[dto.part].toLowerCase()} ngày ${ddmmyyyy(dto.date)}.`);
      }
      await this.checkSittingClash({ sessionId, date: dto.date, part: dto.part, startsAt, endsAt }, m);
      const [sitting] = await this.agenda.insertSittings([{ sessionId, date: dto.date, part: dto.part, startsAt, endsAt }], m);
      await this.audit.record({ actorId: actor.id, action: 'sitting.create', entity: 'sitting', entityId: sitting.id, newValue: { sessionId, date: dto.date, part: dto.part, startsAt, endsAt } }, m);
      return sitting;
    });
  }

  async updateSitting(sittingId: string, dto: UpdateSittingDto, actor: AuthUser, sessionId?: string): Promise<Sitting> {
    this.sessions.assertManager(actor);
    const [startsAt, endsAt] = this.sittingTimes(dto);
    return this.ds.transaction(async (m) => {
      const sitting = await this.mustFindSitting(sittingId, m, sessionId);
      await this.lockEditable(sitting.sessionId, m);
      const items = (await this.agenda.topicsOf(sitting.sessionId, m)).filter((t) => t.sittingId === sittingId && t.startTime && t.endTime);
      const outside = items.find((t) => !within(t.startTime!, t.endTime!, startsAt, endsAt));
      if (outside) {
        throw reject('startsAt', `"${outside.title}" (${hhmm(outside.startTime)}–${hhmm(outside.endTime)}) sẽ nằm ngoài buổi học. Hãy đổi giờ nội dung đó trước.`);
      }
      await this.checkSittingClash({ ...sitting, startsAt, endsAt }, m);
      await this.agenda.updateSittingTimes(sittingId, startsAt, endsAt, m);
      await this.audit.record({ actorId: actor.id, action: 'sitting.update', entity: 'sitting', entityId: sittingId, oldValue: { sessionId: sitting.sessionId, startsAt: sitting.startsAt, endsAt: sitting.endsAt }, newValue: { sessionId: sitting.sessionId, startsAt, endsAt } }, m);
      return { ...sitting, startsAt, endsAt };
    });
  }

  /** Removes a sitting that has no agenda items and no attendance marks. */
  async removeSitting(sittingId: string, actor: AuthUser, sessionId?: string): Promise<Sitting> {
    this.sessions.assertManager(actor);
    return this.ds.transaction(async (m) => {
      const sitting = await this.mustFindSitting(sittingId, m, sessionId);
      await this.lockEditable(sitting.sessionId, m);
      if (await this.agenda.countTopicsInSitting(sittingId, m)) {
        throw new ConflictException('Buổi học còn nội dung trong chương trình. Hãy chuyển hoặc xóa các nội dung đó trước.');
      }
      if (await this.agenda.countAttendanceMarks(sittingId, m)) {
        throw new ConflictException('Buổi học đã có dữ liệu điểm danh, không thể xóa.');
      }
      await this.agenda.deleteSitting(sittingId, m);
      await this.audit.record({ actorId: actor.id, action: 'sitting.delete', entity: 'sitting', entityId: sittingId, oldValue: { sessionId: sitting.sessionId, date: sitting.date, part: sitting.part } }, m);
      return sitting;
    });
  }

  // ---- agenda items (topics) ---------------------------------------------------

  async createTopic(sessionId: string, dto: SaveTopicDto, actor: AuthUser): Promise<Topic> {
    this.sessions.assertManager(actor);
    await this.checkLecturers(dto);
    const id = await this.ds.transaction(async (m) => {
      const s = await this.lockEditable(sessionId, m);
      const fields = await this.checkTopic(s, dto, null, m);
      const topic = await this.agenda.saveTopic({ ...fields, sessionId, position: await this.agenda.nextPosition(sessionId, m) }, m);
      await this.audit.record({ actorId: actor.id, action: 'topic.create', entity: 'topic', entityId: topic.id, newValue: this.auditValue(topic) }, m);
      return topic.id;
    });
    return (await this.agenda.findTopic(id))!;
  }

  async updateTopic(topicId: string, dto: SaveTopicDto, actor: AuthUser, sessionId?: string): Promise<Topic> {
    this.sessions.assertManager(actor);
    await this.checkLecturers(dto);
    await this.ds.transaction(async (m) => {
      const old = await this.mustFindTopic(topicId, m, sessionId);
      const s = await this.lockEditable(old.sessionId, m);
      const fields = await this.checkTopic(s, dto, topicId, m);
      await this.agenda.saveTopic({ ...fields, id: topicId, sessionId: old.sessionId, position: old.position }, m);
      await this.audit.record({ actorId: actor.id, action: 'topic.update', entity: 'topic', entityId: topicId, oldValue: this.auditValue(old), newValue: this.auditValue({ ...old, ...fields }) }, m);
    });
    return (await this.agenda.findTopic(topicId))!;
  }

  async deleteTopic(topicId: string, actor: AuthUser, sessionId?: string): Promise<Topic> {
    this.sessions.assertManager(actor);
    return this.ds.transaction(async (m) => {
      const old = await this.mustFindTopic(topicId, m, sessionId);
      await this.lockEditable(old.sessionId, m);
      const [row] = await m.query(`SELECT count(*)::int AS n FROM materials WHERE topic_id = $1`, [topicId]);
      if (Number(row.n) > 0) throw new ConflictException('Chuyên đề đã có tài liệu, không thể xóa.');
      await this.agenda.deleteTopic(topicId, m);
      await this.audit.record({ actorId: actor.id, action: 'topic.delete', entity: 'topic', entityId: topicId, oldValue: this.auditValue(old) }, m);
      return old;
    });
  }

  /** A topic the user may see, with its session (404 when the session is hidden from them). */
  async getTopic(topicId: string, user: AuthUser, sessionId?: string): Promise<{ topic: Topic; session: TrainingSession }> {
    const topic = await this.agenda.findTopic(topicId);
    if (!topic || (sessionId && topic.sessionId !== sessionId)) throw new NotFoundException('Không tìm thấy chuyên đề.');
    const session = await this.sessions.get(topic.sessionId, user);
    return { topic, session };
  }

  /** Whether the user may upload materials for the topic: organisers any, lecturers their own topics. */
  async canUpload(topic: Topic, user: AuthUser): Promise<boolean> {
    if (isManager(user)) return true;
    return user.role === 'lecturer' && (topic.lecturers ?? []).some((l) => l.id === user.id);
  }

  topicIdsTaughtBy(sessionId: string, userId: string): Promise<string[]> {
    return this.agenda.topicIdsTaughtBy(sessionId, userId);
  }

  /** Whether the user is a lecturer teaching a topic of this session (they see its attendance, and its tab). */
  async lecturerTeaches(sessionId: string, user: AuthUser): Promise<boolean> {
    return user.role === 'lecturer' && (await this.agenda.topicIdsTaughtBy(sessionId, user.id)).length > 0;
  }

  lecturers() {
    return this.users.findLecturers();
  }

  // ---- rules -------------------------------------------------------------------

  private sittingTimes(dto: UpdateSittingDto): [string, string] {
    const startsAt = normaliseTime(dto.startsAt);
    const endsAt = normaliseTime(dto.endsAt);
    if (!startsAt) throw reject('startsAt', 'Giờ bắt đầu không hợp lệ (HH:MM).');
    if (!endsAt) throw reject('endsAt', 'Giờ kết thúc không hợp lệ (HH:MM).');
    if (endsAt <= startsAt) throw reject('endsAt', 'Giờ kết thúc phải sau giờ bắt đầu.');
    return [startsAt, endsAt];
  }

  /** Sittings of one day may not overlap, and keep their order (morning, afternoon, evening). */
  private async checkSittingClash(c: Pick<Sitting, 'sessionId' | 'date' | 'part' | 'startsAt' | 'endsAt'>, m: EntityManager): Promise<void> {
    const other = clashingSitting(c, await this.agenda.sittingsOf(c.sessionId, m));
    if (other) {
      throw conflict(
        'startsAt',
        `Giờ buổi ${SITTING_PART_LABELS[c.part].toLowerCase()} trùng hoặc không theo thứ tự với buổi ${SITTING_PART_LABELS[other.part].toLowerCase()} ngày ${ddmmyyyy(c.date)} (${hhmm(other.startsAt)}–${hhmm(other.endsAt)}).`,
      );
    }
  }

  /** Lecturers must be active accounts with the lecturer role. Checked before the transaction (the users service reads outside it). */
  private async checkLecturers(dto: SaveTopicDto): Promise<void> {
    const ids = [...new Set(dto.lecturerIds ?? [])];
    if (!ids.length || dto.kind !== 'topic') return;
    const users = await this.users.findByIds(ids);
    const bad = ids.filter((id) => !users.some((u) => u.id === id && u.role === 'lecturer' && !u.disabledAt));
    if (bad.length) throw reject('lecturerIds', 'Báo cáo viên phải là tài khoản có vai trò báo cáo viên.');
  }

  /** Validates an agenda item: sitting of this session, times inside it, no overlap, lecturers free. */
  private async checkTopic(s: TrainingSession, dto: SaveTopicDto, selfId: string | null, m: EntityManager): Promise<Partial<Topic>> {
    const startTime = normaliseTime(dto.startTime);
    const endTime = normaliseTime(dto.endTime);
    if (dto.startTime && !startTime) throw reject('startTime', 'Giờ bắt đầu không hợp lệ (HH:MM).');
    if (dto.endTime && !endTime) throw reject('endTime', 'Giờ kết thúc không hợp lệ (HH:MM).');
    const lecturerIds = dto.kind === 'topic' ? [...new Set(dto.lecturerIds ?? [])] : [];
    if (dto.kind !== 'topic' && dto.lecturerIds?.length) throw reject('lecturerIds', 'Chỉ chuyên đề mới có báo cáo viên.');
    let sitting: Sitting | null = null;
    if (dto.sittingId) {
      sitting = await this.agenda.findSitting(dto.sittingId, m);
      if (!sitting || sitting.sessionId !== s.id) throw reject('sittingId', 'Buổi học không thuộc lớp này.');
      if (!startTime || !endTime) throw reject('startTime', 'Vui lòng nhập giờ bắt đầu và kết thúc.');
      if (endTime <= startTime) throw reject('endTime', 'Giờ kết thúc phải sau giờ bắt đầu.');
      if (!within(startTime, endTime, sitting.startsAt, sitting.endsAt)) {
        throw reject(
          'startTime',
          `Thời gian ${hhmm(startTime)}–${hhmm(endTime)} nằm ngoài buổi ${SITTING_PART_LABELS[sitting.part].toLowerCase()} ngày ${ddmmyyyy(sitting.date)} (${hhmm(sitting.startsAt)}–${hhmm(sitting.endsAt)}).`,
        );
      }
      const sameDay = (await this.agenda.topicsOf(s.id, m)).filter((t) => t.id !== selfId && t.sitting?.date === sitting!.date && t.startTime && t.endTime);
      const clash = sameDay.find((t) => overlaps(startTime, endTime, t.startTime!, t.endTime!));
      if (clash) {
        throw conflict('startTime', `Trùng giờ với "${clash.title}" (${hhmm(clash.startTime)}–${hhmm(clash.endTime)} ngày ${ddmmyyyy(sitting.date)}).`);
      }
      if (lecturerIds.length) {
        // Serialise bookings of these lecturers across sessions until commit.
        for (const id of [...lecturerIds].sort()) await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`lecturer:${id}`]);
        const clashes = await this.agenda.findLecturerClashes(lecturerIds, sitting.date, startTime, endTime, s.id, m);
        if (clashes.length) {
          const c = clashes[0];
          throw conflict(
            'lecturerIds',
            `Báo cáo viên ${c.lecturerName} đã có lịch ${hhmm(c.startTime)}–${hhmm(c.endTime)} ngày ${ddmmyyyy(c.date)} ở lớp "${c.sessionTitle}" (chuyên đề "${c.topicTitle}").`,
          );
        }
      }
    } else if (startTime || endTime) {
      throw reject('sittingId', 'Vui lòng chọn buổi học cho khung giờ đã nhập.');
    }
    return {
      kind: dto.kind,
      title: dto.title,
      summary: dto.summary ?? null,
      sittingId: sitting?.id ?? null,
      startTime: sitting ? startTime : null,
      endTime: sitting ? endTime : null,
      lecturers: lecturerIds.map((id) => ({ id }) as never),
    };
  }

  private async lockEditable(sessionId: string, m: EntityManager): Promise<TrainingSession> {
    const rows = await m.query(`SELECT id FROM training_sessions WHERE id = $1 FOR UPDATE`, [sessionId]);
    if (!rows.length) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    const s = (await m.getRepository(TrainingSession).findOneBy({ id: sessionId }))!;
    this.sessions.assertEditable(s);
    return s;
  }

  private async mustFindSitting(id: string, m: EntityManager, sessionId?: string): Promise<Sitting> {
    const s = await this.agenda.findSitting(id, m);
    if (!s || (sessionId && s.sessionId !== sessionId)) throw new NotFoundException('Không tìm thấy buổi học.');
    return s;
  }

  private async mustFindTopic(id: string, m: EntityManager, sessionId?: string): Promise<Topic> {
    const t = await this.agenda.findTopic(id, m);
    if (!t || (sessionId && t.sessionId !== sessionId)) throw new NotFoundException('Không tìm thấy chuyên đề.');
    return t;
  }

  private auditValue(t: Partial<Topic>): Record<string, unknown> {
    return {
      sessionId: t.sessionId,
      kind: t.kind,
      title: t.title,
      sittingId: t.sittingId,
      startTime: t.startTime,
      endTime: t.endTime,
      lecturerIds: (t.lecturers ?? []).map((l) => l.id),
    };
  }
}

