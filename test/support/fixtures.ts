import { TestApp } from './app';
import { foldForSearch } from '../../src/common/text/vietnamese';
import { newToken } from '../../src/common/tokens';
import { TrainingSession, SessionStatus } from '../../src/training-sessions/training-session.entity';
import { Sitting } from '../../src/training-sessions/sitting.entity';
import { Topic } from '../../src/training-sessions/topic.entity';
import { Trainee, Gender } from '../../src/trainees/trainee.entity';
import { Enrollment } from '../../src/enrollments/enrollment.entity';
import { User } from '../../src/users/user.entity';

/**
 * Direct fixtures for tests of features that build on sessions and trainees:
 * rows written through TypeORM, as the feature services would leave them.
 * Tests of the features themselves go through HTTP instead.
 */
let seq = 0;

export interface SessionFixture {
  session: TrainingSession;
  sittings: Sitting[];
}

/** A session with a morning and an afternoon sitting per day (07:30–11:30, 13:30–17:00). */
export async function createSessionFixture(
  t: TestApp,
  opts: { title?: string; startDate?: string; days?: number; status?: SessionStatus; capacity?: number | null; minAttendancePercent?: number; hostProvinceCode?: string } = {},
): Promise<SessionFixture> {
  const n = ++seq;
  const startDate = opts.startDate ?? '2025-09-25';
  const days = opts.days ?? 2;
  const dates = Array.from({ length: days }, (_, i) => {
    const d = new Date(`${startDate}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });
  const title = opts.title ?? `Lớp tập huấn thử nghiệm số ${n}`;
  const session = await t.ds.getRepository(TrainingSession).save({
    title,
    titleSearch: foldForSearch(title),
    programme: 'Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi',
    organisingUnit: 'Bộ Nội vụ',
    hostProvinceCode: opts.hostProvinceCode ?? '12',
    venue: 'Hội trường tỉnh Lai Châu',
    startDate,
    endDate: dates.at(-1)!,
    capacity: opts.capacity === undefined ? 300 : opts.capacity,
    status: opts.status ?? 'published',
    // Any course past draft had been published (a cancelled fixture too: its trainees were told of it).
    publishedAt: (opts.status ?? 'published') === 'draft' ? null : new Date(),
    minAttendancePercent: opts.minAttendancePercent ?? 80,
  });
  const sittings: Sitting[] = [];
  for (const date of dates) {
    sittings.push(await t.ds.getRepository(Sitting).save({ sessionId: session.id, date, part: 'morning', startsAt: '07:30:00', endsAt: '11:30:00' }));
    sittings.push(await t.ds.getRepository(Sitting).save({ sessionId: session.id, date, part: 'afternoon', startsAt: '13:30:00', endsAt: '17:00:00' }));
  }
  return { session, sittings };
}

export async function createTopicFixture(t: TestApp, sessionId: string, opts: { title?: string; sittingId?: string; lecturers?: User[]; startTime?: string; endTime?: string } = {}): Promise<Topic> {
  const n = ++seq;
  return t.ds.getRepository(Topic).save({
    sessionId,
    kind: 'topic',
    title: opts.title ?? `Chuyên đề ${n}`,
    sittingId: opts.sittingId ?? null,
    startTime: opts.startTime ?? null,
    endTime: opts.endTime ?? null,
    position: n,
    lecturers: opts.lecturers ?? [],
  });
}

export interface TraineeInput {
  fullName?: string;
  gender?: Gender;
  dateOfBirth?: string | null;
  ethnicGroupCode?: string | null;
  position?: string;
  communeCode?: string;
  provinceCode?: string;
  phone?: string | null;
  email?: string | null;
  nationalId?: string | null;
}

/** A trainee (default: a Thái man from Xã Sin Suối Hồ, Lai Châu). */
export async function createTraineeFixture(t: TestApp, input: TraineeInput = {}): Promise<Trainee> {
  const n = ++seq;
  const fullName = input.fullName ?? `Lò Văn Thử ${n}`;
  const communeCode = input.communeCode ?? '03394';
  const [{ province_code }] = await t.query<{ province_code: string }>('SELECT province_code FROM communes WHERE code = $1', [communeCode]);
  return t.ds.getRepository(Trainee).save({
    fullName,
    nameSearch: foldForSearch(fullName),
    gender: input.gender ?? 'male',
    dateOfBirth: input.dateOfBirth === undefined ? '1985-01-01' : input.dateOfBirth,
    birthYear: input.dateOfBirth ? Number(input.dateOfBirth.slice(0, 4)) : 1985,
    ethnicGroupCode: input.ethnicGroupCode === undefined ? '03' : input.ethnicGroupCode,
    position: input.position ?? 'Công chức Văn phòng - Thống kê',
    workplace: 'UBND xã',
    communeCode,
    provinceCode: input.provinceCode ?? province_code,
    phone: input.phone ?? null,
    email: input.email ?? null,
    nationalId: input.nationalId ?? null,
  });
}

export async function enrollFixture(t: TestApp, sessionId: string, traineeId: string, status: 'registered' | 'confirmed' | 'cancelled' = 'confirmed'): Promise<Enrollment> {
  return t.ds.getRepository(Enrollment).save({ sessionId, traineeId, status, checkinToken: newToken() });
}

/** A session with `count` enrolled trainees. */
export async function createEnrolledSessionFixture(t: TestApp, count: number, opts: Parameters<typeof createSessionFixture>[1] = {}) {
  const fx = await createSessionFixture(t, opts);
  const enrollments: Enrollment[] = [];
  const trainees: Trainee[] = [];
  for (let i = 0; i < count; i++) {
    const trainee = await createTraineeFixture(t, { gender: i % 2 ? 'female' : 'male' });
    trainees.push(trainee);
    enrollments.push(await enrollFixture(t, fx.session.id, trainee.id));
  }
  return { ...fx, trainees, enrollments };
}
