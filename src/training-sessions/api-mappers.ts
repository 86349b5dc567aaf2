import type { TrainingSession } from './training-session.entity';
import type { Sitting } from './sitting.entity';
import type { Topic } from './topic.entity';
import type { Material } from './material.entity';
import type { MaterialResponse, SessionResponse, SittingResponse, TopicResponse } from './dto/api-responses';

export const toSessionResponse = (s: TrainingSession): SessionResponse => ({
  id: s.id,
  title: s.title,
  programme: s.programme,
  organisingUnit: s.organisingUnit,
  hostProvinceCode: s.hostProvinceCode,
  hostCommuneCode: s.hostCommuneCode,
  venue: s.venue,
  startDate: s.startDate,
  endDate: s.endDate,
  capacity: s.capacity,
  description: s.description,
  status: s.status,
  cancelReason: s.cancelReason,
  selfCheckinEnabled: s.selfCheckinEnabled,
  lateGraceMinutes: s.lateGraceMinutes,
});

export const toSittingResponse = (s: Sitting): SittingResponse => ({ id: s.id, sessionId: s.sessionId, date: s.date, part: s.part, startsAt: s.startsAt, endsAt: s.endsAt });

export const toTopicResponse = (t: Topic): TopicResponse => ({
  id: t.id,
  sessionId: t.sessionId,
  kind: t.kind,
  title: t.title,
  summary: t.summary,
  sittingId: t.sittingId,
  startTime: t.startTime,
  endTime: t.endTime,
  lecturers: (t.lecturers ?? []).map((l) => ({ id: l.id, fullName: l.fullName, title: l.title })),
});

export const toMaterialResponse = (m: Material): MaterialResponse => ({
  id: m.id,
  topicId: m.topicId,
  seriesId: m.seriesId,
  version: m.version,
  title: m.title,
  originalName: m.originalName,
  contentType: m.contentType,
  size: Number(m.size),
  sha256: m.sha256,
  createdAt: new Date(m.createdAt).toISOString(),
  downloadUrl: `/api/v1/materials/${m.id}/download`,
});
