import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { clampedPage } from '../common/paging';
import { ReferenceService } from '../reference/reference.service';
import { SESSION_STATUS_LABELS, SessionStatus } from './training-session.entity';
import { SITTING_PART_LABELS } from './sitting.entity';
import { AGENDA_KIND_LABELS, AGENDA_KINDS } from './topic.entity';
import { TrainingSessionsService, STATUS_TRANSITIONS, isManager } from './training-sessions.service';
import { AgendaService } from './agenda.service';
import { MaterialsService, ACCEPTED_TYPES } from './materials.service';
import { AgendaMaterial, buildAgenda } from './agenda-view';
import { hhmm } from './agenda-rules';

const STATUS_ACTION_LABELS: Record<SessionStatus, string> = {
  draft: 'Chuyển về bản nháp',
  published: 'Công bố',
  ongoing: 'Bắt đầu lớp',
  completed: 'Kết thúc lớp',
  cancelled: 'Hủy lớp',
};

/** View models of the session pages (the controllers stay one call per handler). */
@Injectable()
export class SessionPagesService {
  constructor(
    private readonly sessions: TrainingSessionsService,
    private readonly agenda: AgendaService,
    private readonly materials: MaterialsService,
    private readonly reference: ReferenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One page of the course list (a page past the end shows the last one); the paging links keep the search. */
  async listPage(user: AuthUser, q: string | undefined, page: number | undefined, pageSize: number) {
    const { rows, paging } = await clampedPage(page, pageSize, (p) => this.sessions.list(user, q, p, pageSize));
    const query = q ? `&${new URLSearchParams({ q }).toString()}` : '';
    return { rows: rows.map((s) => ({ ...s, statusLabel: SESSION_STATUS_LABELS[s.status] })), paging, query, canCreate: isManager(user) };
  }

  async formPage(id?: string, user?: AuthUser) {
    const session = id ? await this.sessions.get(id, user) : undefined;
    if (session) this.sessions.assertEditable(session);
    return { session, provinces: await this.reference.provinces(), defaultLateGraceMinutes: this.config.checkin.lateGraceMinutes };
  }

  async showPage(id: string, user: AuthUser) {
    const session = await this.sessions.get(id, user);
    const manager = isManager(user);
    const editable = manager && !['cancelled', 'completed'].includes(session.status);
    return {
      session,
      teaching: await this.agenda.lecturerTeaches(id, user),
      statusLabel: SESSION_STATUS_LABELS[session.status],
      manager,
      lateGrace: { minutes: session.lateGraceMinutes ?? this.config.checkin.lateGraceMinutes, isDefault: session.lateGraceMinutes === null },
      editable,
      transitions: manager ? STATUS_TRANSITIONS[session.status].filter((s) => s !== 'cancelled').map((s) => ({ value: s, label: STATUS_ACTION_LABELS[s] })) : [],
      canCancel: manager && STATUS_TRANSITIONS[session.status].includes('cancelled'),
      provinces: manager ? await this.reference.provinces() : [],
      staff: user.role !== 'trainee',
    };
  }

  async agendaPage(id: string, user: AuthUser) {
    const session = await this.sessions.get(id, user);
    const [sittings, topics, current] = await Promise.all([this.sessions.listSittings(id), this.sessions.listTopics(id), this.materials.currentForSessionVisibleTo(id, user)]);
    const byTopic = new Map<string, AgendaMaterial[]>();
    for (const m of current) {
      const list = byTopic.get(m.topicId) ?? [];
      list.push({ id: m.id, title: m.title, originalName: m.originalName, size: m.size, version: m.version });
      byTopic.set(m.topicId, list);
    }
    const manager = isManager(user);
    const { days, unscheduled } = buildAgenda(sittings, topics, byTopic);
    const mine = new Set(topics.filter((t) => (t.lecturers ?? []).some((l) => l.id === user.id)).map((t) => t.id));
    const mark = (it: { id: string; isTopic: boolean }) => Object.assign(it, { canManage: manager || mine.has(it.id) });
    days.forEach((d) => d.sittings.forEach((s) => s.items.forEach(mark)));
    unscheduled.forEach(mark);
    return {
      session,
      statusLabel: SESSION_STATUS_LABELS[session.status],
      days,
      unscheduled,
      manager,
      editable: manager && !['cancelled', 'completed'].includes(session.status),
      staff: user.role !== 'trainee',
      teaching: user.role === 'lecturer' && mine.size > 0,
      materialCount: current.length,
      links: true,
      downloads: true,
    };
  }

  async sittingsPage(id: string, user: AuthUser) {
    const session = await this.sessions.get(id, user);
    const [sittings, teaching] = await Promise.all([this.sessions.listSittings(id), this.agenda.lecturerTeaches(id, user)]);
    return {
      session,
      teaching,
      sittings: sittings.map((s) => ({ ...s, partLabel: SITTING_PART_LABELS[s.part], start: hhmm(s.startsAt), end: hhmm(s.endsAt) })),
      parts: Object.entries(SITTING_PART_LABELS).map(([value, label]) => ({ value, label })),
      editable: isManager(user) && !['cancelled', 'completed'].includes(session.status),
    };
  }

  async topicFormPage(sessionId: string, user: AuthUser, topicId?: string) {
    const session = await this.sessions.get(sessionId, user);
    this.sessions.assertManager(user);
    this.sessions.assertEditable(session);
    const topic = topicId ? (await this.agenda.getTopic(topicId, user, sessionId)).topic : undefined;
    return { session, topic, selectedLecturers: (topic?.lecturers ?? []).map((l) => l.id), ...(await this.topicChoices(sessionId)) };
  }

  async topicPage(sessionId: string, topicId: string, user: AuthUser) {
    const { topic, session } = await this.agenda.getTopic(topicId, user, sessionId);
    const { materials } = await this.materials.listForTopic(topicId, user);
    const canUpload = (await this.agenda.canUpload(topic, user)) && !['cancelled', 'completed'].includes(session.status);
    const canDownload = materials.length ? await this.materials.mayDownload({ ...materials[0], topic } as never, user) : false;
    // Group versions by series: current first, older versions listed under it.
    const series = new Map<string, { current: (typeof materials)[number]; older: (typeof materials)[number][] }>();
    for (const m of materials) {
      const s = series.get(m.seriesId);
      if (!s) series.set(m.seriesId, { current: m, older: [] });
      else s.older.push(m);
    }
    const manager = isManager(user);
    return {
      session,
      topic: { ...topic, kindLabel: AGENDA_KIND_LABELS[topic.kind], start: hhmm(topic.startTime), end: hhmm(topic.endTime), sittingLabel: topic.sitting ? SITTING_PART_LABELS[topic.sitting.part] : null },
      series: [...series.values()],
      canUpload,
      canDownload,
      manager,
      editable: manager && !['cancelled', 'completed'].includes(session.status),
      accepted: Object.values(ACCEPTED_TYPES).join(', '),
      selectedLecturers: (topic.lecturers ?? []).map((l) => l.id),
      ...(manager ? await this.topicChoices(sessionId) : {}),
    };
  }

  async programmeList(q: string | undefined, page: number | undefined, pageSize: number) {
    const { rows, paging } = await clampedPage(page, pageSize, (p) => this.sessions.listPublic(q, p, pageSize));
    return { rows: rows.map((s) => ({ ...s, statusLabel: SESSION_STATUS_LABELS[s.status] })), paging };
  }

  async programmePage(id: string) {
    const session = await this.sessions.getPublic(id);
    const [sittings, topics] = await Promise.all([this.sessions.listSittings(id), this.sessions.listTopics(id)]);
    return { session, statusLabel: SESSION_STATUS_LABELS[session.status], ...buildAgenda(sittings, topics), links: false, downloads: false };
  }

  private async topicChoices(sessionId: string) {
    const [sittings, lecturers] = await Promise.all([this.sessions.listSittings(sessionId), this.agenda.lecturers()]);
    return {
      sittings: sittings.map((s) => ({ id: s.id, label: `${SITTING_PART_LABELS[s.part]} ${s.date.split('-').reverse().join('/')} (${hhmm(s.startsAt)}–${hhmm(s.endsAt)})` })),
      lecturers: lecturers.map((l) => ({ id: l.id, fullName: l.fullName, title: l.title })),
      kinds: AGENDA_KINDS.map((k) => ({ value: k, label: AGENDA_KIND_LABELS[k] })),
    };
  }
}

