import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { AuditService } from '../audit/audit.service';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { Sitting } from '../training-sessions/sitting.entity';
import { AgendaKind, Topic } from '../training-sessions/topic.entity';
import { Trainee } from '../trainees/trainee.entity';
import { Enrollment } from '../enrollments/enrollment.entity';
import { CertificateTemplate } from '../certificates/certificate-template.entity';
import { User } from '../users/user.entity';
import { foldForSearch } from '../common/text/vietnamese';
import { newToken } from '../common/tokens';
import { DEMO_AGENDA, DEMO_CERTIFICATE, DEMO_LECTURERS, DEMO_ORGANISER, DEMO_PASSWORD, DEMO_SESSION, DEMO_TRAINEES } from './demo-data';

const SETUP_LOCK_KEY = 7_351_004_212;

/** First-start tasks: the admin account and (unless SEED_DEMO=false) the demo course. */
@Injectable()
export class SetupService {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async run(): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
      const admin = await this.users.ensureAdmin(this.config.adminEmail, this.config.adminPassword, m);
      if (admin.created) {
        if (admin.password) {
          this.logger.warn(`Created admin ${this.config.adminEmail} with generated password: ${admin.password} (shown once; change it after signing in)`);
        } else this.logger.log(`Created admin ${this.config.adminEmail}`);
      }
      if (this.config.seedDemo) await this.seedDemo(m);
    });
  }

  /**
   * The secret that signs session cookies: SESSION_SECRET if set, else one
   * generated on first start and kept in the database, so every instance
   * shares it without configuration.
   */
  async sessionSecret(): Promise<string> {
    if (this.config.sessionSecret) return this.config.sessionSecret;
    const candidate = newToken(32);
    await this.ds.query(`INSERT INTO app_settings (key, value) VALUES ('session_secret', $1) ON CONFLICT (key) DO NOTHING`, [candidate]);
    const [row] = await this.ds.query(`SELECT value FROM app_settings WHERE key = 'session_secret'`);
    return row.value;
  }

  private async seedDemo(m: EntityManager): Promise<void> {
    const exists = await m.getRepository(TrainingSession).existsBy({ title: DEMO_SESSION.title, startDate: DEMO_SESSION.startDate });
    if (exists) return;
    const userRepo = m.getRepository(User);
    const lecturers: User[] = [];
    for (const l of DEMO_LECTURERS) {
      lecturers.push((await userRepo.findOneBy({ email: l.email })) ?? (await this.users.create({ ...l, role: 'lecturer', password: DEMO_PASSWORD }, null, m)).user);
    }
    const organiser = (await userRepo.findOneBy({ email: DEMO_ORGANISER.email })) ?? (await this.users.create({ ...DEMO_ORGANISER, role: 'organiser', password: DEMO_PASSWORD }, null, m)).user;

    const session = await m.getRepository(TrainingSession).save({
      ...DEMO_SESSION,
      titleSearch: foldForSearch(DEMO_SESSION.title),
      status: 'published',
      publishedAt: new Date(),
      minAttendancePercent: 75,
      createdById: organiser.id,
    });
    await m.getRepository(CertificateTemplate).insert({ sessionId: session.id, ...DEMO_CERTIFICATE });
    const days = [DEMO_SESSION.startDate, DEMO_SESSION.endDate];
    const sittings = new Map<string, Sitting>();
    for (const date of days) {
      for (const [part, startsAt, endsAt] of [['morning', '07:30', '11:30'], ['afternoon', '13:30', '17:00']] as const) {
        const s = await m.getRepository(Sitting).save({ sessionId: session.id, date, part, startsAt, endsAt });
        sittings.set(`${date}|${part}`, s);
      }
    }
    let position = 0;
    for (const [day, part, start, end, kind, title, lecturer] of DEMO_AGENDA) {
      await m.getRepository(Topic).save({
        sessionId: session.id,
        kind: kind as AgendaKind,
        title,
        sittingId: sittings.get(`${days[day]}|${part}`)!.id,
        startTime: start,
        endTime: end,
        position: position++,
        lecturers: lecturer === null ? [] : [lecturers[lecturer]],
      });
    }
    for (const [fullName, gender, dob, ethnic, position, communeCode, phone, email] of DEMO_TRAINEES) {
      const [{ province_code: provinceCode }] = await m.query('SELECT province_code FROM communes WHERE code = $1', [communeCode]);
      const trainee = await m.getRepository(Trainee).save({
        fullName,
        nameSearch: foldForSearch(fullName),
        gender,
        dateOfBirth: dob,
        birthYear: Number(dob.slice(0, 4)),
        ethnicGroupCode: ethnic,
        position,
        workplace: `UBND ${(await m.query('SELECT full_name FROM communes WHERE code = $1', [communeCode]))[0].full_name}`,
        communeCode,
        provinceCode,
        phone,
        email,
      });
      await m.getRepository(Enrollment).save({ sessionId: session.id, traineeId: trainee.id, status: 'confirmed', checkinToken: newToken() });
    }
    await this.audit.record(
      { actorId: null, action: 'setup.demo', entity: 'training_session', entityId: session.id, newValue: { title: session.title, trainees: DEMO_TRAINEES.length, enrolled: DEMO_TRAINEES.length } },
      m,
    );
    this.logger.log(`Loaded the demo course (Lai Châu, 09/2025): ${DEMO_TRAINEES.length} trainees; demo accounts use the password ${DEMO_PASSWORD}`);
  }
}
