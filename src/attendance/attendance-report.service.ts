import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { Clock } from './clock';
import { MARK_STATUS_LABELS, MarkStatus } from './attendance-mark.entity';
import { AttendanceRepository, RosterSort, SessionInfo, SittingInfo } from './attendance.repository';
import { AttendanceSummaryService } from './attendance-summary.service';
import { currentSitting, inVietnameseNameOrder, localClock, sittingLabel } from './attendance-rules';
import { AttendanceMarkingService } from './attendance-marking.service';
import { evaluateEligibility, ruleOf } from './eligibility';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { AgendaService } from '../training-sessions/agenda.service';

const STAFF = ['admin', 'organiser', 'lecturer'];

export interface TraineeAttendance {
  enrollmentId: string;
  fullName: string;
  position: string | null;
  communeName: string | null;
  provinceName: string | null;
  /** One cell per sitting, in sitting order. */
  cells: (MarkStatus | null)[];
  /** Sittings the trainee was there (present or late), and their share of the sittings. */
  present: number;
  presentPercent: number;
  /** Sittings counted for the certificate rule (present and late, plus excused ones when the rule says so), and their share. */
  attended: number;
  percent: number;
  /** Meets the session's certificate rule: the share of sittings and every scheduled required topic. */
  meetsRule: boolean;
  /** "Có mặt 5/8 buổi, cần 7; vắng chuyên đề bắt buộc: …" */
  ruleReason: string;
}

export interface SessionAttendance {
  session: SessionInfo;
  sittings: (SittingInfo & { label: string })[];
  trainees: TraineeAttendance[];
  /** Required topics of the certificate rule. */
  requiredTopics: number;
}

const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n * 1000) / d) / 10);

/** Read side of attendance for pages, the check-in phone and exports. */
@Injectable()
export class AttendanceReportService {
  constructor(
    private readonly repo: AttendanceRepository,
    private readonly summary: AttendanceSummaryService,
    private readonly marking: AttendanceMarkingService,
    private readonly sessions: TrainingSessionsService,
    private readonly agenda: AgendaService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async session(sessionId: string, user: AuthUser): Promise<SessionInfo> {
    if (!STAFF.includes(user.role)) throw new ForbiddenException('Bạn không có quyền xem điểm danh của lớp này.');
    const s = await this.repo.findSession(sessionId);
    if (!s) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    // A lecturer sees the attendance (and so the trainee list) of the sessions they teach in, as for enrolments.
    if (user.role === 'lecturer' && !(await this.agenda.lecturerTeaches(sessionId, user))) {
      throw new ForbiddenException('Báo cáo viên chỉ xem được điểm danh của lớp có chuyên đề mình giảng dạy.');
    }
    return s;
  }

  /** Summary page: rate per sitting, per trainee, and who falls below the certificate rule. */
  async overview(sessionId: string, user: AuthUser) {
    const session = await this.session(sessionId, user);
    const sittings = await this.repo.listSittings(sessionId);
    const [tallies, perSitting] = await Promise.all([this.summary.tallyForSession(sessionId), this.repo.sittingTallies(sessionId)]);
    const enrolled = tallies.length;
    const now = this.clock.now();
    const current = currentSitting(sittings, now, this.marking.policyFor(session));
    const sittingRows = sittings.map((s) => {
      const t = perSitting.find((x) => x.sittingId === s.id) ?? { present: 0, late: 0, excused: 0, absent: 0 };
      return { ...s, label: sittingLabel(s), ...t, attended: t.present + t.late, rate: pct(t.present + t.late, enrolled), isCurrent: current?.id === s.id };
    });
    const { trainees, requiredTopics } = await this.sessionGrid(sessionId, user);
    const below = trainees.filter((t) => !t.meetsRule);
    return { session, sittings: sittingRows, enrolled, trainees, below, requiredTopics, currentSittingId: current?.id ?? null };
  }

  /** Marks of every trainee in every sitting, with totals (exports and summary). */
  async sessionGrid(sessionId: string, user: AuthUser): Promise<SessionAttendance> {
    const session = await this.session(sessionId, user);
    const sittings = (await this.repo.listSittings(sessionId)).map((s) => ({ ...s, label: sittingLabel(s) }));
    const [enrollments, marks] = await Promise.all([this.enrollmentsInOrder(sessionId), this.repo.marksOfSession(sessionId)]);
    const index = new Map(sittings.map((s, i) => [s.id, i]));
    const byEnrollment = new Map<string, (MarkStatus | null)[]>();
    for (const m of marks) {
      let cells = byEnrollment.get(m.enrollmentId);
      if (!cells) byEnrollment.set(m.enrollmentId, (cells = sittings.map(() => null)));
      cells[index.get(m.sittingId)!] = m.status;
    }
    // The session's certificate rule, required topics included: who is "below the rule" here is who the certificates page refuses.
    const rule = ruleOf(session, await this.sessions.listTopics(sessionId));
    const trainees = enrollments.map((e) => {
      const cells = byEnrollment.get(e.enrollmentId) ?? sittings.map(() => null);
      const count = (status: MarkStatus) => cells.filter((c) => c === status).length;
      const marks = Object.fromEntries(sittings.flatMap((s, i) => (cells[i] ? [[s.id, cells[i]]] : [])));
      const judged = evaluateEligibility({ sittings: sittings.length, present: count('present'), late: count('late'), excused: count('excused'), marks }, rule);
      const { attended } = judged;
      const percent = pct(attended, sittings.length);
      const present = count('present') + count('late');
      return {
        enrollmentId: e.enrollmentId,
        fullName: e.fullName,
        position: e.position,
        communeName: e.communeName,
        provinceName: e.provinceName,
        cells,
        present,
        presentPercent: pct(present, sittings.length),
        attended,
        percent,
        meetsRule: judged.eligible,
        ruleReason: judged.reason,
      };
    });
    return { session, sittings, trainees, requiredTopics: rule.requiredTopics.length };
  }

  /** Active enrolments with the trainee's details by province, commune and name (badges, sign-in sheets, exports). */
  async enrollmentsInOrder(sessionId: string) {
    return inVietnameseNameOrder(await this.repo.enrollmentsOfSession(sessionId), 'province');
  }

  async roster(sessionId: string, sittingId: string, user: AuthUser, sort: RosterSort = 'province') {
    const session = await this.session(sessionId, user);
    const { sitting } = await this.marking.sessionAndSitting(sessionId, sittingId);
    const rows = inVietnameseNameOrder(await this.repo.rosterRows(sessionId, sittingId, sort), sort);
    const counts = { present: 0, late: 0, excused: 0, absent: 0, unmarked: 0 };
    for (const r of rows) counts[r.markStatus ?? 'unmarked']++;
    return {
      session,
      sitting: { ...sitting, label: sittingLabel(sitting) },
      sittings: (await this.repo.listSittings(sessionId)).map((s) => ({ ...s, label: sittingLabel(s) })),
      rows: rows.map((r, i) => ({
        ...r,
        n: i + 1,
        statusLabel: r.markStatus ? MARK_STATUS_LABELS[r.markStatus] : 'Chưa điểm danh',
        markedAtLocal: r.markedAt ? localClock(new Date(r.markedAt)) : '',
      })),
      counts,
      total: rows.length,
      canMark: user.role === 'admin' || user.role === 'organiser',
    };
  }

  /**
   * What the check-in phone caches for one sitting: every active enrolment with its token and mark, and the
   * tokens of enrolments a trainee merge combined into it (`aliases`: their badges still check the person in).
   */
  async rosterForDevice(sessionId: string, sittingId: string, user: AuthUser) {
    const data = await this.roster(sessionId, sittingId, user, 'name');
    const aliases = new Map<string, string[]>();
    for (const a of await this.repo.tokenAliasesOfSession(sessionId)) aliases.set(a.enrollmentId, [...(aliases.get(a.enrollmentId) ?? []), a.token]);
    return {
      session: { id: data.session.id, title: data.session.title },
      sitting: { id: data.sitting.id, label: data.sitting.label, date: data.sitting.date, startsAt: data.sitting.startsAt, endsAt: data.sitting.endsAt },
      trainees: data.rows.map((r) => ({
        enrollmentId: r.enrollmentId,
        token: r.checkinToken,
        aliases: aliases.get(r.enrollmentId) ?? [],
        fullName: r.fullName,
        position: r.position,
        communeName: r.communeName,
        provinceName: r.provinceName,
        status: r.markStatus,
        markedAt: r.markedAt ? new Date(r.markedAt).toISOString() : null,
        markedAtLocal: r.markedAtLocal || null,
      })),
      generatedAt: this.clock.now().toISOString(),
    };
  }

  /** The check-in page: sittings to choose from, the current one preselected. */
  async checkinPage(sessionId: string, user: AuthUser, sittingId?: string) {
    const session = await this.session(sessionId, user);
    const sittings = await this.repo.listSittings(sessionId);
    const current = currentSitting(sittings, this.clock.now(), this.marking.policyFor(session));
    const selected = sittings.find((s) => s.id === sittingId) ?? current ?? sittings[0] ?? null;
    return {
      session,
      sittings: sittings.map((s) => ({ ...s, label: sittingLabel(s), selected: s.id === selected?.id, isCurrent: s.id === current?.id })),
      selected: selected ? { ...selected, label: sittingLabel(selected) } : null,
      publicUrl: this.config.publicUrl,
    };
  }
}
