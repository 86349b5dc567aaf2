import { BadRequestException, ConflictException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecord, AuditService } from '../audit/audit.service';
import { newTokens } from '../common/tokens';
import { TraineesService } from '../trainees/trainees.service';
import { Enrollment, EnrollmentStatus } from './enrollment.entity';
import { EnrollmentsRepository } from './enrollments.repository';
import { InvitationsService } from './invitations.service';
import { reassignedByMerge, TraineeMergeHooks } from '../trainees/trainee-merge-hooks';
import { CancellationChecks } from '../training-sessions/cancellation-checks';
import { AttendanceMarkingService, MergedMark } from '../attendance/attendance-marking.service';

export interface EnrolResult {
  added: number;
  reactivated: number;
  already: number;
  invited: number;
  /** The enrolment of each trainee asked for, in order. */
  enrollmentIds: string[];
}

/** See `EnrollmentsService.openEnrolment`. */
export interface SessionEnrolment {
  /**
   * Enrols these trainees (each once; an enrolment already there is left alone, a cancelled one reactivated),
   * with the invitation jobs. `fresh`: trainees written in this transaction, with whether each has an email,
   * which need no look-up.
   */
  add(traineeIds: string[], fresh?: ReadonlyMap<string, boolean>): Promise<void>;
  /** Checks the capacity against everything added (a ConflictException over it) and writes the audit entry. */
  close(): Promise<EnrolResult>;
}

/**
 * Trainees named by one `enrollment.add` audit entry: an import of 10,000 is written as 20 entries, each
 * small enough for a spreadsheet cell of the audit CSV (Excel holds 32,767 characters in a cell).
 */
const AUDIT_IDS_PER_ENTRY = 500;

/** A long list cut into audit entries of AUDIT_IDS_PER_ENTRY items, each told which part it is when there are several. */
function inAuditParts<T>(items: T[], entry: (chunk: T[]) => Record<string, unknown>): Record<string, unknown>[] {
  const parts = Math.ceil(items.length / AUDIT_IDS_PER_ENTRY);
  return Array.from({ length: parts }, (_, i) => ({ ...entry(items.slice(i * AUDIT_IDS_PER_ENTRY, (i + 1) * AUDIT_IDS_PER_ENTRY)), ...(parts > 1 ? { part: `${i + 1}/${parts}` } : {}) }));
}

/** The audit entries of an enrolment: every trainee added or reactivated, each entry counting its own. */
function enrolmentEntries(added: string[], reactivated: string[]): Record<string, unknown>[] {
  const everyone = [...added.map((id) => [id, false] as const), ...reactivated.map((id) => [id, true] as const)];
  return inAuditParts(everyone, (chunk) => {
    const again = chunk.filter(([, r]) => r).length;
    return { added: chunk.length - again, reactivated: again, traineeIds: chunk.map(([id]) => id) };
  });
}

/** Statuses of a session into which trainees may be enrolled; invitations go out only once it is published. */
const OPEN = ['draft', 'published', 'ongoing'];
const INVITING = ['published', 'ongoing'];

const CLOSED_REFUSAL = 'Lớp đã kết thúc hoặc đã hủy, không thể thay đổi đăng ký.';

/** Whether a session's enrolments may still change (added, confirmed, cancelled): not once it is completed or cancelled. */
export const enrolmentsOpen = (sessionStatus: string): boolean => OPEN.includes(sessionStatus);

@Injectable()
export class EnrollmentsService implements OnModuleInit {
  constructor(
    private readonly enrollments: EnrollmentsRepository,
    private readonly trainees: TraineesService,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly mergeHooks: TraineeMergeHooks,
    private readonly marks: AttendanceMarkingService,
    private readonly cancellationChecks: CancellationChecks,
  ) {}

  onModuleInit(): void {
    this.mergeHooks.register('enrollments', (fromId, toId, m, actorId) => this.mergeTrainee(fromId, toId, m, actorId));
  }

  /**
   * A trainee merged into another: their enrolments become the other's. Where both are enrolled in
   * the same session, the dropped enrolment's marks move to the kept one (where both have a mark for
   * a sitting, the one that counts most stays: see AttendanceMarkingService.moveMarks), the better
   * status wins, and the dropped enrolment is removed; its check-in token (printed on a badge, sent in the
   * invitation) stays an alias of the kept one, as do the aliases it held. The combined enrolment takes the place of two,
   * so a session's number of active enrolments never grows (capacity holds without a check). What
   * hangs on a dropped enrolment in other modules (certificates) has been moved by their hooks first.
   */
  async mergeTrainee(fromId: string, toId: string, m: EntityManager, actorId: string | null = null): Promise<{ enrollmentsMoved: number; enrollmentsCombined: number; marksCombined: (MergedMark & { enrollmentId: string })[] }> {
    const pairs = await this.enrollments.sameSessionPairs(fromId, toId, m);
    const rank: Record<string, number> = { cancelled: 0, registered: 1, confirmed: 2 };
    const marksCombined: (MergedMark & { enrollmentId: string })[] = [];
    const entries: AuditRecord[] = [];
    for (const p of pairs) {
      const marks = await this.marks.moveMarks(p.drop, p.keep, m, actorId);
      for (const mark of marks) marksCombined.push({ enrollmentId: p.keep, ...mark });
      const upgraded = rank[p.dropStatus] > rank[p.keepStatus];
      if (upgraded) await this.enrollments.setStatus(p.keep, p.dropStatus, m);
      await this.enrollments.handOverTokens(p.drop, p.keep, m);
      await this.enrollments.deleteById(p.drop, m);
      // Each enrolment's own history: the dropped one was folded into the kept one (which may take its status).
      entries.push(
        { actorId, action: 'enrollment.combine', entity: 'enrollment', entityId: p.drop, oldValue: { traineeId: fromId, status: p.dropStatus }, newValue: { combinedInto: p.keep } },
        { actorId, action: 'enrollment.combine', entity: 'enrollment', entityId: p.keep, oldValue: upgraded ? { status: p.keepStatus } : null, newValue: { combinedFrom: p.drop, ...(upgraded ? { status: p.dropStatus } : {}) } },
      );
    }
    const moved = await this.enrollments.reassignTrainee(fromId, toId, m);
    await this.audit.recordMany([...entries, ...reassignedByMerge('enrollment', moved, fromId, toId, actorId)], m);
    return { enrollmentsMoved: moved.length, enrollmentsCombined: pairs.length, marksCombined };
  }

  /**
   * Trainee merge: the sessions both records are enrolled in, with the enrolment that will be kept and
   * the one that will be removed (both locked for the rest of the transaction).
   */
  sameSessionPairs(fromId: string, toId: string, m: EntityManager): Promise<{ sessionId: string; keep: string; drop: string }[]> {
    return this.enrollments.sameSessionPairs(fromId, toId, m);
  }

  /**
   * Enrols trainees into a session. The session row is locked for the
   * transaction, so two organisers adding at once cannot exceed the capacity.
   * Cancelled enrolments are reactivated; existing ones are left alone.
   * Invitation jobs are written in the same transaction. Pass `manager` to
   * run inside the caller's transaction (the import commit does).
   */
  async enrol(sessionId: string, traineeIds: string[], actorId: string | null, manager?: EntityManager): Promise<EnrolResult> {
    if (!manager) return this.ds.transaction((m) => this.enrol(sessionId, traineeIds, actorId, m));
    const enrolment = await this.openEnrolment(sessionId, actorId, manager);
    await enrolment.add(traineeIds);
    return enrolment.close();
  }

  /**
   * Enrolment into one session a batch of trainees at a time, inside the caller's transaction: the import's
   * commit enrols each slice of its rows as soon as the slice is written. The session row is locked at once
   * (for the rest of the transaction); the capacity is checked on `close`, against everything added, before
   * the audit entry is written. A caller that does not reach `close` must roll its transaction back.
   */
  async openEnrolment(sessionId: string, actorId: string | null, m: EntityManager, source: { batchId?: string } = {}): Promise<SessionEnrolment> {
    const session = await this.lockOpenSession(sessionId, 'Lớp đã kết thúc hoặc đã hủy, không thể thêm học viên.', m);
    const active = await this.enrollments.countActive(sessionId, m);
    const inviting = INVITING.includes(session.status);
    /** The enrolment of each trainee asked for. */
    const idOf = new Map<string, string>();
    const added: string[] = [];
    const reactivated: string[] = [];
    const asked: string[] = [];
    let invited = 0;
    return {
      add: async (traineeIds, fresh = new Map()) => {
        const ids = [...new Set(traineeIds)].filter((id) => !idOf.has(id));
        asked.push(...ids);
        // Trainees written in this transaction are active, have no enrolment yet and come with their email (or none).
        // The others are locked against a merge until the commit: a merge committed meanwhile makes them unknown
        // here; one started meanwhile waits, then moves the new enrolment with the rest.
        const known = ids.filter((id) => !fresh.has(id));
        const contacts = await this.trainees.lockActiveContacts(known, m);
        if (contacts.length !== known.length) throw new BadRequestException('Có học viên không tồn tại hoặc đã được gộp vào hồ sơ khác.');
        const withEmail = new Set(contacts.filter((t) => t.hasEmail).map((t) => t.id));
        for (const [id, hasEmail] of fresh) if (hasEmail) withEmail.add(id);
        const existing = new Map((await this.enrollments.findForTrainees(sessionId, known, m)).map((e) => [e.traineeId, e]));
        const cancelled = [...existing.values()].filter((e) => e.status === 'cancelled');
        const toAdd = ids.filter((id) => !existing.has(id));
        const tokens = newTokens(toAdd.length);
        // New enrolments to invite are written as "queued" with their jobs; reactivated ones are updated.
        const inserted = await this.enrollments.insertMany(
          sessionId,
          toAdd.map((traineeId, i) => ({ traineeId, checkinToken: tokens[i], invitationState: inviting && withEmail.has(traineeId) ? 'queued' : 'none' })),
          m,
        );
        await this.enrollments.reactivate(cancelled.map((e) => e.id), m);
        // A reactivated enrolment's own history goes on from "cancelled" (new ones are named in the course's entry).
        await this.audit.recordMany(
          cancelled.map((e) => ({ actorId, action: 'enrollment.reactivate', entity: 'enrollment', entityId: e.id, oldValue: { status: 'cancelled' }, newValue: { status: 'registered', ...source } })),
          m,
        );
        for (const e of existing.values()) idOf.set(e.traineeId, e.id);
        for (const e of inserted) idOf.set(e.traineeId, e.id);
        const inviteNew = inviting ? toAdd.filter((tid) => withEmail.has(tid)).map((tid) => idOf.get(tid)!) : [];
        const inviteAgain = inviting ? cancelled.filter((e) => e.invitationState !== 'sent' && withEmail.has(e.traineeId)).map((e) => e.id) : [];
        if (inviteNew.length) await this.invitations.queueJobs(inviteNew, m);
        if (inviteAgain.length) await this.invitations.queue(inviteAgain, m);
        invited += inviteNew.length + inviteAgain.length;
        added.push(...toAdd);
        reactivated.push(...cancelled.map((e) => e.traineeId));
      },
      close: async () => {
        const needed = added.length + reactivated.length;
        if (session.capacity !== null && active + needed > session.capacity) {
          throw new ConflictException(`Lớp chỉ nhận tối đa ${session.capacity} học viên; đã có ${active}, không thể thêm ${needed}.`);
        }
        await this.audit.recordMany(enrolmentEntries(added, reactivated).map((newValue) => ({ actorId, action: 'enrollment.add', entity: 'training_session', entityId: sessionId, newValue: { ...newValue, ...source } })), m);
        return { added: added.length, reactivated: reactivated.length, already: asked.length - needed, invited, enrollmentIds: asked.map((id) => idOf.get(id)!) };
      },
    };
  }

  /** The session row, locked for the rest of the transaction; 404 when it does not exist, 409 with `refusal` once it is completed or cancelled. */
  private async lockOpenSession(sessionId: string, refusal: string, m: EntityManager) {
    const session = await this.enrollments.lockSession(sessionId, m);
    if (!session) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    if (!enrolmentsOpen(session.status)) throw new ConflictException(refusal);
    return session;
  }

  async cancel(sessionId: string, enrollmentId: string, actorId: string): Promise<Enrollment> {
    return this.ds.transaction(async (m) => {
      await this.lockOpenSession(sessionId, CLOSED_REFUSAL, m);
      const e = await this.enrollments.findById(enrollmentId, m);
      if (!e || e.sessionId !== sessionId) throw new NotFoundException('Không tìm thấy lượt đăng ký.');
      if (e.status === 'cancelled') return e;
      await this.cancellationChecks.run({ sessionId, enrollmentId: e.id }, m);
      await this.enrollments.update(e.id, { status: 'cancelled', cancelledAt: new Date() }, m);
      await this.audit.record({ actorId, action: 'enrollment.cancel', entity: 'enrollment', entityId: e.id, oldValue: { status: e.status }, newValue: { status: 'cancelled' } }, m);
      return e;
    });
  }

  async confirm(sessionId: string, enrollmentId: string, actorId: string): Promise<Enrollment> {
    return this.ds.transaction(async (m) => {
      await this.lockOpenSession(sessionId, CLOSED_REFUSAL, m);
      const e = await this.enrollments.findById(enrollmentId, m);
      if (!e || e.sessionId !== sessionId) throw new NotFoundException('Không tìm thấy lượt đăng ký.');
      if (e.status !== 'registered') throw new ConflictException('Chỉ xác nhận được lượt đăng ký đang chờ.');
      await this.enrollments.update(e.id, { status: 'confirmed' }, m);
      await this.audit.record({ actorId, action: 'enrollment.confirm', entity: 'enrollment', entityId: e.id, oldValue: { status: e.status }, newValue: { status: 'confirmed' } }, m);
      return e;
    });
  }

  /** Queues invitations for every active enrolment with an email that has none yet (or whose invitation failed); audited. */
  async inviteAll(sessionId: string, actorId: string): Promise<number> {
    return this.ds.transaction(async (m) => {
      const session = await this.enrollments.lockSession(sessionId, m);
      if (!session) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
      if (!INVITING.includes(session.status)) throw new ConflictException('Chỉ gửi thư mời khi lớp đã được công bố.');
      const ids = await this.enrollments.findUninvited(sessionId, m);
      if (ids.length) {
        await this.invitations.queue(ids, m);
        // Which enrolments were invited, 500 to an entry as for enrolments added.
        const entries = inAuditParts(ids, (chunk) => ({ invitations: chunk.length, enrollmentIds: chunk }));
        await this.audit.recordMany(entries.map((newValue) => ({ actorId, action: 'enrollment.invite', entity: 'training_session', entityId: sessionId, newValue })), m);
      }
      return ids.length;
    });
  }

  list(sessionId: string, status: EnrollmentStatus | undefined, page: { offset: number; limit: number }) {
    return this.enrollments.list(sessionId, status, page);
  }

  /** Which of these trainees are enrolled in the session (not cancelled). */
  async enrolledAmong(sessionId: string, traineeIds: string[]): Promise<Set<string>> {
    return new Set((await this.enrollments.findForTrainees(sessionId, traineeIds)).filter((e) => e.status !== 'cancelled').map((e) => e.traineeId));
  }

  countsByStatus(sessionId: string) {
    return this.enrollments.countsByStatus(sessionId);
  }

  /** A trainee's sessions (portal). */
  forTrainee(traineeId: string) {
    return this.enrollments.forTrainee(traineeId);
  }

  async oneForTrainee(traineeId: string, sessionId: string) {
    const e = await this.enrollments.findOneForTrainee(traineeId, sessionId);
    if (!e) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    return e;
  }

  async get(sessionId: string, enrollmentId: string) {
    const e = await this.enrollments.findById(enrollmentId);
    if (!e || e.sessionId !== sessionId) throw new NotFoundException('Không tìm thấy lượt đăng ký.');
    return e;
  }
}
