import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { CertificateMailService } from './certificate-mail.service';
import { AttendanceModule } from '../attendance/attendance.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { TraineesModule } from '../trainees/trainees.module';
import { CertificateMergeService } from './certificate-merge.service';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { CertificateDocumentsService } from './certificate-documents.service';
import { CertificateIssuingService } from './certificate-issuing.service';
import { CertificateRunsService } from './certificate-runs.service';
import { CertificateTemplatesService } from './certificate-templates.service';
import { CertificateVerificationService } from './certificate-verification.service';
import { CertificatesController, PortalCertificatesController } from './certificates.controller';
import { CertificateRegisterService } from './certificate-register.service';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { CertificateCancellationCheck } from './certificate-cancellation-check';
import { VerifyApiController, VerifyPageController } from './verify.controller';

@Module({
  imports: [AttendanceModule, TrainingSessionsModule, MailModule, TraineesModule, EnrollmentsModule],
  controllers: [CertificatesController, PortalCertificatesController, VerifyPageController, VerifyApiController],
  providers: [
    CertificatesRepository,
    CertificateRegisterService,
    CertificateTemplatesService,
    CertificateIssuingService,
    CertificateRunsService,
    CertificateMailService,
    CertificateDocumentsService,
    CertificateVerificationService,
    CertificatesService,
    CertificateCancellationCheck,
    CertificateMergeService,
  ],
  exports: [CertificateIssuingService, CertificateDocumentsService, CertificateVerificationService],
})
export class CertificatesModule {}
