import { STAFF_READER } from './certificate-rules';
import { BadRequestException, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { cleanText, foldForSearch } from '../common/text/vietnamese';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { CertificateTemplate } from './certificate-template.entity';
import { validateSerialFormat } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';
import { UpdateCertificateSettingsDto } from './dto/update-certificate-settings.dto';

const MAX_LOGO_BYTES = 1024 * 1024;

/** "Bộ Nội vụ" → "BNV": the default issuer code (serial counters are kept per code). */
export function issuerCodeOf(name: string): string {
  const code = foldForSearch(name)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0])
    .join('')
    .toUpperCase();
  return code.slice(0, 20) || 'GCN';
}

/** Per-session certificate settings, with defaults taken from the session. */
@Injectable()
export class CertificateTemplatesService {
  constructor(
    private readonly repo: CertificatesRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly audit: AuditService,
  ) {}

  defaults(session: TrainingSession): CertificateTemplate {
    const code = issuerCodeOf(session.organisingUnit);
    return Object.assign(new CertificateTemplate(), {
      sessionId: session.id,
      issuerName: session.organisingUnit,
      issuerParent: null,
      issuerCode: code,
      signerTitle: 'Thủ trưởng đơn vị',
      signerName: '',
      wording: 'Đã hoàn thành khóa tập huấn',
      placeName: session.hostProvince?.name ?? '',
      serialFormat: `{n}/{year}/GCN-${code}`,
      logo: null,
      logoMime: null,
    });
  }

  /** The saved settings, or the defaults when none were saved. */
  async effective(session: TrainingSession, manager?: EntityManager): Promise<CertificateTemplate> {
    return (await this.repo.findTemplate(session.id, manager)) ?? this.defaults(session);
  }

  async forSession(sessionId: string): Promise<{ session: TrainingSession; template: CertificateTemplate; saved: boolean }> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const saved = await this.repo.findTemplate(sessionId);
    return { session, template: saved ?? this.defaults(session), saved: !!saved };
  }

  async logo(sessionId: string): Promise<Buffer | null> {
    return (await this.repo.findTemplateLogo(sessionId))?.logo ?? null;
  }

  async update(sessionId: string, dto: UpdateCertificateSettingsDto, actorId: string | null): Promise<void> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const serialFormat = cleanText(dto.serialFormat);
    const err = validateSerialFormat(serialFormat);
    if (err) throw new BadRequestException({ message: err, details: { serialFormat: [err] } });
    const next = {
      sessionId,
      issuerName: cleanText(dto.issuerName),
      issuerParent: dto.issuerParent ? cleanText(dto.issuerParent) || null : null,
      issuerCode: cleanText(dto.issuerCode).toUpperCase(),
      signerTitle: cleanText(dto.signerTitle),
      signerName: cleanText(dto.signerName),
      wording: cleanText(dto.wording),
      placeName: cleanText(dto.placeName),
      serialFormat,
    };
    const before = await this.repo.findTemplate(sessionId);
    await this.repo.saveTemplate(next);
    const rule = { minAttendancePercent: dto.minAttendancePercent, excusedCounts: dto.excusedCounts === 'on' || dto.excusedCounts === 'true' };
    if (rule.minAttendancePercent !== session.minAttendancePercent || rule.excusedCounts !== session.excusedCounts) {
      await this.sessions.updateCertificateRule(sessionId, rule);
    }
    await this.audit.record({
      actorId,
      action: 'certificate.settings',
      entity: 'training_session',
      entityId: sessionId,
      oldValue: before ? { ...before, logo: undefined } : null,
      newValue: { ...next, ...rule },
    });
  }

  /** Stores a PNG or JPEG logo (checked by its first bytes), or removes it. */
  async setLogo(sessionId: string, file: { buffer: Buffer; size: number } | undefined, actorId: string | null): Promise<void> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    if (!(await this.repo.findTemplate(sessionId))) {
      const d = this.defaults(session);
      await this.repo.saveTemplate({ sessionId, issuerName: d.issuerName, issuerParent: d.issuerParent, issuerCode: d.issuerCode, signerTitle: d.signerTitle, signerName: d.signerName, wording: d.wording, placeName: d.placeName, serialFormat: d.serialFormat });
    }
    if (!file || file.size === 0) {
      await this.repo.setTemplateLogo(sessionId, null, null);
    } else {
      if (file.size > MAX_LOGO_BYTES) throw new BadRequestException('Ảnh biểu trưng tối đa 1 MB.');
      const mime = imageMime(file.buffer);
      if (!mime) throw new BadRequestException('Ảnh biểu trưng phải là tệp PNG hoặc JPEG.');
      await this.repo.setTemplateLogo(sessionId, file.buffer, mime);
    }
    await this.audit.record({ actorId, action: 'certificate.logo', entity: 'training_session', entityId: sessionId, newValue: { logo: file ? file.size : null } });
  }
}

function imageMime(b: Buffer): string | null {
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return null;
}
