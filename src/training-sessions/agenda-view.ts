import { SITTING_PART_LABELS, Sitting } from './sitting.entity';
import { AGENDA_KIND_LABELS, Topic } from './topic.entity';
import { ddmmyyyy, hhmm } from './agenda-rules';

export interface AgendaMaterial {
  id: string;
  title: string;
  originalName: string;
  size: string;
  version: number;
}

export interface AgendaItemView {
  id: string;
  kind: string;
  kindLabel: string;
  isTopic: boolean;
  title: string;
  summary: string | null;
  start: string;
  end: string;
  lecturers: { id: string; fullName: string; title: string | null }[];
  lecturerNames: string;
  materials: AgendaMaterial[];
}

export interface AgendaSittingView {
  id: string;
  part: string;
  partLabel: string;
  start: string;
  end: string;
  items: AgendaItemView[];
}

export interface AgendaDayView {
  date: string;
  label: string;
  dayNumber: number;
  sittings: AgendaSittingView[];
}

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

export function dayLabel(date: string): string {
  return `${WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]}, ${ddmmyyyy(date)}`;
}

function item(t: Topic, materials: Map<string, AgendaMaterial[]>): AgendaItemView {
  const lecturers = (t.lecturers ?? []).map((l) => ({ id: l.id, fullName: l.fullName, title: l.title }));
  return {
    id: t.id,
    kind: t.kind,
    kindLabel: AGENDA_KIND_LABELS[t.kind],
    isTopic: t.kind === 'topic',
    title: t.title,
    summary: t.summary,
    start: hhmm(t.startTime),
    end: hhmm(t.endTime),
    lecturers,
    lecturerNames: lecturers.map((l) => l.fullName).join(', '),
    materials: materials.get(t.id) ?? [],
  };
}

/** The programme day by day: each day's sittings with their items in time order; unscheduled items apart. */
export function buildAgenda(sittings: Sitting[], topics: Topic[], materialsByTopic: Map<string, AgendaMaterial[]> = new Map()): { days: AgendaDayView[]; unscheduled: AgendaItemView[] } {
  const days: AgendaDayView[] = [];
  const bySitting = new Map<string, AgendaSittingView>();
  for (const s of sittings) {
    let day = days.at(-1);
    if (!day || day.date !== s.date) {
      day = { date: s.date, label: dayLabel(s.date), dayNumber: days.length + 1, sittings: [] };
      days.push(day);
    }
    const view: AgendaSittingView = { id: s.id, part: s.part, partLabel: SITTING_PART_LABELS[s.part], start: hhmm(s.startsAt), end: hhmm(s.endsAt), items: [] };
    day.sittings.push(view);
    bySitting.set(s.id, view);
  }
  const unscheduled: AgendaItemView[] = [];
  for (const t of topics) {
    const target = t.sittingId ? bySitting.get(t.sittingId) : undefined;
    if (target) target.items.push(item(t, materialsByTopic));
    else unscheduled.push(item(t, materialsByTopic));
  }
  for (const s of bySitting.values()) s.items.sort((a, b) => a.start.localeCompare(b.start));
  return { days, unscheduled };
}
