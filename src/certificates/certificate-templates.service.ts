import { createHash } from 'node:crypto';
import { STAFF_READER } from './certificate-rules';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { sittingLabel } from '../attendance/attendance-rules';
import { FormRejectedException } from '../common/http-exception.filter';
import { cleanText, foldForSearch } from '../common/text/vietnamese';
import { Topic } from '../training-sessions/topic.entity';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { CertificateTemplate } from './certificate-template.entity';
import { EligibilityRule, RequiredTopic, ruleOf } from '../attendance/eligibility';
import { validateSerialFormat } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';
import { UpdateCertificateSettingsDto } from './dto/update-certificate-settings.dto';

const MAX_LOGO_BYTES = 1024 * 1024;
const NOT_A_TOPIC_OF_SESSION = 'Chuyên đề bắt buộc phải là chuyên đề trong chương trình của lớp này.';
const SIGNER_NAME_REQUIRED = 'Hãy nhập họ tên người ký.';
/** Said when issuing is refused, and on the page before anyone clicks. */
export const NO_SIGNER_MESSAGE =
  'Chưa cấp được giấy chứng nhận: mẫu giấy chưa có họ tên người ký. Hãy điền chức danh, họ tên người ký trong phần "Mẫu giấy chứng nhận và điều kiện cấp" và bấm "Lưu mẫu".';

/** A topic the rule form offers, with when it is taught ("Sáng 25/09/2025"; null while not scheduled). */
export interface RuleTopicChoice {
  id: string;
  title: string;
  when: string | null;
  required: boolean;
}

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
    @InjectDataSource() private readonly ds: DataSource,
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

  /**
   * Refuses to issue while the settings have no signer: the default template has an empty name
   * under a generic title, and a certificate printed so can only be fixed by reissuing it (new serial).
   */
  async assertReadyToIssue(session: TrainingSession, manager?: EntityManager): Promise<CertificateTemplate> {
    const template = await this.effective(session, manager);
    if (!readyToIssue(template)) throw new BadRequestException(NO_SIGNER_MESSAGE);
    return template;
  }

  async forSession(sessionId: string): Promise<{ session: TrainingSession; template: CertificateTemplate; saved: boolean }> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const saved = await this.repo.findTemplate(sessionId);
    return { session, template: saved ?? this.defaults(session), saved: !!saved };
  }

  async logo(sessionId: string): Promise<Buffer | null> {
    return (await this.repo.findTemplateLogo(sessionId))?.logo ?? null;
  }

  /** The certificate rule of a session: share of sittings, excused absences, required topics in agenda order. */
  async rule(session: TrainingSession, manager?: EntityManager): Promise<EligibilityRule & { requiredTopics: RequiredTopic[] }> {
    return ruleOf(session, (await this.topicsOfRule(session.id, manager)).topics);
  }

  /** The topics the rule form offers (the session's topics, and whatever is already required), in agenda order. */
  async ruleChoices(sessionId: string): Promise<RuleTopicChoice[]> {
    const { topics, requiredIds } = await this.topicsOfRule(sessionId);
    return topics
      .filter((t) => t.kind === 'topic' || requiredIds.has(t.id))
      .map((t) => ({ id: t.id, title: t.title, when: t.sitting ? sittingLabel(t.sitting) : null, required: requiredIds.has(t.id) }));
  }

  private async topicsOfRule(sessionId: string, manager?: EntityManager): Promise<{ topics: Topic[]; requiredIds: Set<string>; required: Topic[] }> {
    const topics = await this.sessions.listTopics(sessionId, manager);
    const requiredIds = new Set(topics.filter((t) => t.requiredForCertificate).map((t) => t.id));
    return { topics, requiredIds, required: topics.filter((t) => requiredIds.has(t.id)) };
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
    if (!next.signerName) throw new FormRejectedException({ signerName: [SIGNER_NAME_REQUIRED] }, SIGNER_NAME_REQUIRED);
    const rule = { minAttendancePercent: dto.minAttendancePercent, excusedCounts: dto.excusedCounts === 'on' || dto.excusedCounts === 'true' };
    const topicIds = [...new Set(dto.requiredTopicIds)];
    try {
      await this.ds.transaction(async (m) => {
        // Waits for a bulk issuing batch of the session (which then used the whole old rule) and for another change.
        await this.repo.lockSessionIssuing(sessionId, m);
        const current = (await this.sessions.findById(sessionId, m)) ?? session;
        const { topics, requiredIds, required: before } = await this.topicsOfRule(sessionId, m);
        // Topics of this session's agenda; an item that is no longer a topic may stay if it was required already.
        const chosen = topicIds.map((id) => topics.find((t) => t.id === id && (t.kind === 'topic' || requiredIds.has(id))));
        if (chosen.some((t) => !t)) throw new FormRejectedException({ requiredTopicIds: [NOT_A_TOPIC_OF_SESSION] }, NOT_A_TOPIC_OF_SESSION);
        const beforeTemplate = await this.repo.findTemplate(sessionId, m);
        await this.repo.saveTemplate(next, m);
        if (rule.minAttendancePercent !== current.minAttendancePercent || rule.excusedCounts !== current.excusedCounts) {
          await this.sessions.updateCertificateRule(sessionId, rule, m);
        }
        await this.sessions.setRequiredTopics(sessionId, topicIds, m);
        const named = (list: Topic[]) => list.map((t) => ({ id: t.id, title: t.title }));
        await this.audit.record(
          {
            actorId,
            action: 'certificate.settings',
            entity: 'training_session',
            entityId: sessionId,
            oldValue: {
              ...(beforeTemplate ? { ...beforeTemplate, logo: undefined } : {}),
              minAttendancePercent: current.minAttendancePercent,
              excusedCounts: current.excusedCounts,
              requiredTopics: named(before),
            },
            newValue: { ...next, ...rule, requiredTopics: named(chosen as Topic[]) },
          },
          m,
        );
      });
    } catch (e) {
      // A chosen topic removed from the agenda between the check and the insert.
      if (e instanceof QueryFailedError && (e as { code?: string }).code === '23503') {
        throw new ConflictException('Chương trình của lớp vừa thay đổi (một chuyên đề đã bị xóa). Hãy tải lại trang và chọn lại chuyên đề bắt buộc.');
      }
      throw e;
    }
  }

  /**
   * Stores a PNG or JPEG logo (checked by its first bytes), or removes it; the audit entry, in the same transaction,
   * says which image was replaced by which (size, type, SHA-256).
   */
  async setLogo(sessionId: string, file: { buffer: Buffer; size: number } | undefined, actorId: string | null): Promise<void> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const given = file && file.size > 0 ? file : null;
    let mime: string | null = null;
    if (given) {
      if (given.size > MAX_LOGO_BYTES) throw new BadRequestException('Ảnh biểu trưng tối đa 1 MB.');
      mime = imageMime(given.buffer);
      if (!mime) throw new BadRequestException('Ảnh biểu trưng phải là tệp PNG hoặc JPEG.');
    }
    await this.ds.transaction(async (m) => {
      if (!(await this.repo.findTemplate(sessionId, m))) {
        const d = this.defaults(session);
        await this.repo.saveTemplate({ sessionId, issuerName: d.issuerName, issuerParent: d.issuerParent, issuerCode: d.issuerCode, signerTitle: d.signerTitle, signerName: d.signerName, wording: d.wording, placeName: d.placeName, serialFormat: d.serialFormat }, m);
      }
      const old = await this.repo.findTemplateLogo(sessionId, m);
      await this.repo.setTemplateLogo(sessionId, given?.buffer ?? null, mime, m);
      await this.audit.record(
        { actorId, action: 'certificate.logo', entity: 'training_session', entityId: sessionId, oldValue: { logo: imageFacts(old?.logo ?? null, old?.mime ?? null) }, newValue: { logo: imageFacts(given?.buffer ?? null, mime) } },
        m,
      );
    });
  }
}

/** What the audit says of an image: its size, type and SHA-256 (null when there is none). */
function imageFacts(data: Buffer | null, mime: string | null): { size: number; mime: string | null; sha256: string } | null {
  return data ? { size: data.length, mime, sha256: createHash('sha256').update(data).digest('hex') } : null;
}

/** Whether certificates may be issued with these settings (a signer's name is written). */
export function readyToIssue(t: CertificateTemplate): boolean {
  return !!t.signerName?.trim();
}

function imageMime(b: Buffer): string | null {
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return null;
}
