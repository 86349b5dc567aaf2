import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import { MailService } from '../mail/mail.service';
import { CERTIFICATE_ISSUED_JOB } from './certificate-issuing.service';
import { CertificatesRepository } from './certificates.repository';
import { AuditService } from '../audit/audit.service';

/**
 * "Giấy chứng nhận đã sẵn sàng": the job is queued in the issuing transaction;
 * this sends the mail (retried with backoff while SMTP is down) to trainees
 * who have an address. A revoked certificate, or a trainee without email, is
 * skipped. The Message-ID is stable, so a resend after a crash is recognisable.
 */
@Injectable()
export class CertificateMailService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly mail: MailService,
    private readonly repo: CertificatesRepository,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ certificateId: string }>(CERTIFICATE_ISSUED_JOB, (data) => this.deliver(data.certificateId), { retryLimit: 10, retryDelay: 30, retryBackoff: true });
  }

  async deliver(certificateId: string): Promise<void> {
    const d = await this.repo.findMailDetails(certificateId);
    if (!d || !d.email || d.status !== 'valid') return;
    await this.mail.send({
      to: d.email,
      subject: `Giấy chứng nhận ${d.serial} đã sẵn sàng`,
      template: 'certificate-ready',
      context: {
        traineeName: d.fullName,
        title: d.title,
        serial: d.serial,
        portalUrl: `${this.config.publicUrl}/portal/certificates`,
        verifyUrl: `${this.config.publicUrl}/verify/${d.verificationCode}`,
      },
      messageId: `<certificate-${certificateId}@taphuan>`,
    });
    // In the certificate's history: to whom the notice went (the system sent it). A crash between the two
    // leaves the mail sent without its entry; the job then sends it again with the same Message-ID.
    await this.audit.record({ actorId: null, action: 'certificate.mailed', entity: 'certificate', entityId: certificateId, newValue: { to: d.email } });
  }
}
