import { Injectable, NotFoundException } from '@nestjs/common';
import { CERTIFICATE_STATUS_LABELS, CertificateStatus } from './certificate.entity';
import { normaliseVerificationCode } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';

/** What the public may learn about a certificate: nothing more than this. */
export interface VerificationResult {
  code: string;
  status: CertificateStatus;
  statusLabel: string;
  traineeName: string;
  courseTitle: string;
  startDate: string;
  endDate: string;
  issuerName: string;
  serial: string;
  issueDate: string;
  replacedBySerial: string | null;
}

export const NOT_FOUND_MESSAGE = 'Không tìm thấy giấy chứng nhận.';

@Injectable()
export class CertificateVerificationService {
  constructor(private readonly repo: CertificatesRepository) {}

  /** Looks a code up; a code of the wrong shape is refused without touching the database. */
  async verify(raw: unknown): Promise<VerificationResult> {
    const code = normaliseVerificationCode(raw);
    if (!code) throw new NotFoundException(NOT_FOUND_MESSAGE);
    const c = await this.repo.findByCode(code);
    if (!c) throw new NotFoundException(NOT_FOUND_MESSAGE);
    return {
      code,
      status: c.status,
      statusLabel: CERTIFICATE_STATUS_LABELS[c.status],
      traineeName: c.content.traineeName,
      courseTitle: c.content.courseTitle,
      startDate: c.content.startDate,
      endDate: c.content.endDate,
      issuerName: c.content.issuerName,
      serial: c.serial,
      issueDate: c.content.issueDate,
      replacedBySerial: c.status === 'replaced' ? (c.replacedBy?.serial ?? null) : null,
    };
  }

  /** For the form: the normalised code, or null when it cannot be one. */
  normalise(raw: unknown): string | null {
    return normaliseVerificationCode(raw);
  }
}
