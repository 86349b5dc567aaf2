import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import ical from 'ical-generator';
import QRCode from 'qrcode';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import { MailService } from '../mail/mail.service';
import { SITTING_PART_LABELS, SittingPart } from '../training-sessions/sitting.entity';
import { EnrollmentsRepository, InvitationData } from './enrollments.repository';

export const INVITATION_QUEUE = 'mail.invitation';
export const INVITATION_RETRY_LIMIT = 8;

/** Local time in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) → instant. */
function vnInstant(date: string, time: string): Date {
  return new Date(`${date}T${time.length === 5 ? `${time}:00` : time.slice(0, 8)}+07:00`);
}

/** The URL encoded in a trainee's check-in QR code. */
export function checkinUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/checkin/t/${token}`;
}

/**
 * Invitation emails: queued in the enrolment's transaction, sent by a job
 * worker with retries and backoff, marked on the enrolment so that each is
 * delivered once.
 */
@Injectable()
export class InvitationsService implements OnModuleInit {
  private readonly logger = new Logger('Invitations');

  constructor(
    private readonly jobs: JobsService,
    private readonly mail: MailService,
    private readonly enrollments: EnrollmentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ enrollmentId: string }>(INVITATION_QUEUE, (data, job) => this.deliver(data.enrollmentId, job.retryCount), {
      retryLimit: INVITATION_RETRY_LIMIT,
      retryDelay: 30,
      retryBackoff: true,
    });
  }

  /** Queues invitations for these enrolments inside the caller's transaction. */
  async queue(enrollmentIds: string[], m: EntityManager): Promise<void> {
    await this.queueJobs(enrollmentIds, m);
    await this.enrollments.setInvitationState(enrollmentIds, 'queued', m);
  }

  /** The invitation jobs alone, for enrolments the caller has just written with the state "queued". */
  async queueJobs(enrollmentIds: string[], m: EntityManager): Promise<void> {
    for (let i = 0; i < enrollmentIds.length; i += 1000) {
      const chunk = enrollmentIds.slice(i, i + 1000);
      await this.jobs.sendMany(INVITATION_QUEUE, chunk.map((id) => ({ data: { enrollmentId: id }, singletonKey: `invitation:${id}` })), { manager: m });
    }
  }

  /** The job: sends the invitation unless it was already sent (idempotent). */
  async deliver(enrollmentId: string, retryCount = 0): Promise<void> {
    const data = await this.enrollments.invitationData(enrollmentId);
    if (!data || data.invitationState === 'sent') return;
    if (data.status === 'cancelled' || !data.email) {
      await this.enrollments.setInvitationState([enrollmentId], 'none');
      return;
    }
    try {
      await this.mail.send({
        to: data.email,
        subject: `Thư mời tham dự ${data.session.title}`,
        template: 'invitation',
        context: { ...data, sittings: data.sittings.map((s) => ({ ...s, partLabel: SITTING_PART_LABELS[s.part as SittingPart] ?? s.part })), checkinUrl: checkinUrl(this.config.publicUrl, data.checkinToken) },
        messageId: `<invitation-${enrollmentId}@taphuan>`,
        attachments: [
          { filename: 'lich-tap-huan.ics', content: this.calendar(data), contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
          { filename: 'ma-qr-diem-danh.png', content: await QRCode.toBuffer(checkinUrl(this.config.publicUrl, data.checkinToken), { errorCorrectionLevel: 'M', margin: 2, width: 330, rendererOpts: { filterType: 0 } } as QRCode.QRCodeToBufferOptions), cid: 'checkin-qr', contentType: 'image/png' },
        ],
      });
    } catch (e) {
      this.logger.warn(`invitation ${enrollmentId} not sent (attempt ${retryCount + 1}): ${(e as Error).message}`);
      if (retryCount >= INVITATION_RETRY_LIMIT) await this.settle(enrollmentId, 'failed', data.email, (e as Error).message);
      throw e;
    }
    await this.settle(enrollmentId, 'sent', data.email);
  }

  /** The invitation's final state, and in the enrolment's history to whom it went or why it did not (actor: the system). */
  private settle(enrollmentId: string, state: 'sent' | 'failed', to: string, error?: string): Promise<void> {
    return this.ds.transaction(async (m) => {
      await this.enrollments.setInvitationState([enrollmentId], state, m, state === 'sent' ? new Date() : undefined);
      await this.audit.record(
        { actorId: null, action: `enrollment.invitation-${state}`, entity: 'enrollment', entityId: enrollmentId, newValue: { to, ...(error ? { error: error.slice(0, 300) } : {}) } },
        m,
      );
    });
  }

  /** One event per sitting (or one all-day event when the programme has no sittings yet). */
  private calendar(data: InvitationData): string {
    const cal = ical({ name: data.session.title, prodId: { company: 'Tap huan', product: 'taphuan', language: 'VI' } });
    const url = `${this.config.publicUrl}/portal/sessions/${data.session.id}`;
    if (data.sittings.length === 0) {
      const end = new Date(`${data.session.endDate}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 1);
      cal.createEvent({ id: `${data.enrollmentId}@taphuan`, start: new Date(`${data.session.startDate}T00:00:00Z`), end, allDay: true, summary: data.session.title, location: data.session.venue, url });
    }
    for (const s of data.sittings) {
      cal.createEvent({
        id: `${data.enrollmentId}-${s.date}-${s.part}@taphuan`,
        start: vnInstant(s.date, s.startsAt),
        end: vnInstant(s.date, s.endsAt),
        summary: `${data.session.title} (${SITTING_PART_LABELS[s.part as SittingPart] ?? s.part})`,
        location: data.session.venue,
        description: `${data.session.organisingUnit}. Mã điểm danh: ${checkinUrl(this.config.publicUrl, data.checkinToken)}`,
        url,
      });
    }
    return cal.toString();
  }
}
