import { ForbiddenException, Inject, Injectable, NotFoundException, UnsupportedMediaTypeException, BadRequestException, UnprocessableEntityException, ConflictException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { inspectOfficeZip, isOfficeZip, officeZipLimits, OfficeZipRefused } from '../common/office-zip';
import { AuditService } from '../audit/audit.service';
import { StorageNotFoundError, StorageService } from '../storage/storage.service';
import { Material } from './material.entity';
import { Topic } from './topic.entity';
import { MaterialsRepository, SessionMaterialRow } from './materials.repository';
import { AgendaService } from './agenda.service';
import { TrainingSessionsService, isManager, VISIBLE_STATUSES } from './training-sessions.service';
import { UploadMaterialDto } from './dto/upload-material.dto';
import { baseTitle, safeFileName } from '../common/file-names';

/** Types accepted as materials, detected from the content (never from the name). */
export const ACCEPTED_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint (PPTX)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (XLSX)',
  'application/vnd.oasis.opendocument.text': 'OpenDocument (ODT)',
  'application/vnd.oasis.opendocument.presentation': 'OpenDocument (ODP)',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument (ODS)',
  'image/jpeg': 'Ảnh JPEG',
  'image/png': 'Ảnh PNG',
  'image/gif': 'Ảnh GIF',
  'image/webp': 'Ảnh WebP',
};

/** A material whose stored file is gone (lost from the disk or the bucket): its row stays, its bytes cannot be served. */
export const MISSING_FILE_MESSAGE = 'Tệp của tài liệu này không còn trên máy chủ. Vui lòng báo Ban tổ chức hoặc báo cáo viên để tải lên lại.';

/** The uploaded file as multer (disk storage) leaves it. */
export interface UploadedTempFile {
  path: string;
  originalname: string;
  size: number;
}

export interface MaterialDownload {
  material: Material;
  stream: Readable;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/**
 * multer hands the name over as latin1-decoded bytes (busboy's default); a
 * browser sends UTF-8. Re-decode when the result is valid UTF-8.
 */
export function decodeUploadName(name: string): string {
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name;
  const bytes = Buffer.from(name, 'latin1');
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\ufffd') ? name : utf8;
}

/** Materials of topics: upload (type from content, sha256), versions, access-checked download. */
@Injectable()
export class MaterialsService {
  constructor(
    private readonly materials: MaterialsRepository,
    private readonly agenda: AgendaService,
    private readonly sessions: TrainingSessionsService,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stores an uploaded file as a material (or a new version of one) of a topic. The temporary file is always removed. */
  async upload(topicId: string, file: UploadedTempFile | undefined, dto: UploadMaterialDto, actor: AuthUser, sessionId?: string): Promise<Material> {
    try {
      if (!file) throw new BadRequestException({ message: 'Vui lòng chọn tệp tài liệu.', details: { file: ['Vui lòng chọn tệp tài liệu.'] } });
      const { topic, session } = await this.agenda.getTopic(topicId, actor, sessionId);
      if (!(await this.agenda.canUpload(topic, actor))) throw new ForbiddenException('Bạn chỉ được tải tài liệu lên cho chuyên đề mình phụ trách.');
      this.sessions.assertEditable(session);
      const size = (await stat(file.path)).size;
      if (size === 0) throw new BadRequestException({ message: 'Tệp rỗng.', details: { file: ['Tệp rỗng.'] } });
      const { fileTypeFromFile } = await import('file-type/node');
      const detected = await fileTypeFromFile(file.path);
      if (!detected || !ACCEPTED_TYPES[detected.mime]) {
        throw new UnsupportedMediaTypeException(
          `Nội dung tệp không phải loại được chấp nhận${detected ? ` (phát hiện: ${detected.ext.toUpperCase()})` : ''}. Chỉ nhận PDF, Word, PowerPoint, Excel, OpenDocument và ảnh; loại tệp được xét theo nội dung, không theo tên.`,
        );
      }
      if (isOfficeZip(detected.mime)) await this.assertSafeOfficeZip(file.path, detected.mime);
      let originalName = safeFileName(decodeUploadName(file.originalname));
      const ext = originalName.includes('.') ? originalName.slice(originalName.lastIndexOf('.') + 1).toLowerCase() : '';
      const same = ext === detected.ext || (detected.ext === 'jpg' && ext === 'jpeg');
      if (!same) originalName = `${originalName}.${detected.ext}`;
      const sha256 = await sha256File(file.path);
      const id = randomUUID();
      const storageKey = `materials/${session.id}/${id}`;
      await this.storage.putFile(storageKey, file.path, { size, contentType: detected.mime });
      try {
        const saved = await this.ds.transaction(async (m) => {
          let seriesId: string = id;
          let version = 1;
          let title = dto.title ?? baseTitle(originalName);
          // The same file twice (a double tap, a retry after a lost answer) adds no material and no version.
          const copy = await this.materials.lockTopicAndFindCurrentCopy(topic.id, sha256, m);
          if (copy) throw new ConflictException(`Tệp này đã có trong tài liệu của chuyên đề: "${copy.title}" (phiên bản ${copy.version}). Không tải lên lại.`);
          if (dto.seriesId) {
            const rows = await m.query(`SELECT id FROM materials WHERE series_id = $1 FOR UPDATE`, [dto.seriesId]);
            const latest = rows.length ? await this.materials.latestOfSeries(dto.seriesId, m) : null;
            if (!latest || latest.topicId !== topic.id) throw new NotFoundException('Không tìm thấy tài liệu cần cập nhật phiên bản.');
            seriesId = latest.seriesId;
            version = latest.version + 1;
            title = dto.title ?? latest.title;
          }
          const row = await this.materials.insert(
            { id, topicId: topic.id, seriesId, version, title, originalName, contentType: detected.mime, size: String(size), sha256, storageKey, uploadedById: actor.id },
            m,
          );
          await this.audit.record(
            { actorId: actor.id, action: 'material.upload', entity: 'material', entityId: id, newValue: { topicId: topic.id, seriesId, version, originalName, size, sha256 } },
            m,
          );
          return row;
        });
        return saved;
      } catch (e) {
        await this.storage.delete(storageKey).catch(() => undefined);
        throw e;
      }
    } finally {
      if (file?.path) await rm(file.path, { force: true });
    }
  }

  /** DOCX, PPTX, XLSX and OpenDocument are ZIPs: no zip bomb, and really the document detected (see office-zip.ts). */
  private async assertSafeOfficeZip(path: string, mime: string): Promise<void> {
    try {
      await inspectOfficeZip(path, mime, officeZipLimits(this.config.maxUploadBytes));
    } catch (e) {
      if (!(e instanceof OfficeZipRefused)) throw e;
      throw e.reason === 'invalid' ? new UnsupportedMediaTypeException(e.message) : new UnprocessableEntityException(e.message);
    }
  }

  /** Every version of the topic's materials (the topic must be visible to the user). */
  async listForTopic(topicId: string, user: AuthUser): Promise<{ topic: Topic; materials: Material[] }> {
    const { topic } = await this.agenda.getTopic(topicId, user);
    return { topic, materials: await this.materials.listForTopic(topicId) };
  }

  /** Download: organisers, the topic's lecturers, trainees enrolled in the session; others 403. */
  async download(materialId: string, user: AuthUser, sessionId?: string): Promise<MaterialDownload> {
    const material = await this.materials.findById(materialId);
    if (!material || (sessionId && material.topic?.sessionId !== sessionId)) throw new NotFoundException('Không tìm thấy tài liệu.');
    if (!(await this.mayDownload(material, user))) throw new ForbiddenException('Bạn không có quyền tải tài liệu này.');
    try {
      return { material, stream: await this.storage.open(material.storageKey) };
    } catch (e) {
      if (e instanceof StorageNotFoundError) throw new NotFoundException(MISSING_FILE_MESSAGE);
      throw e;
    }
  }

  async mayDownload(material: Material, user: AuthUser): Promise<boolean> {
    if (isManager(user)) return true;
    if (user.role === 'lecturer') return this.sessions.isLecturerOfTopic(user.id, material.topicId);
    if (user.role === 'trainee' && material.topic) {
      const session = await this.sessions.get(material.topic.sessionId).catch(() => null);
      return !!session && VISIBLE_STATUSES.includes(session.status) && (await this.sessions.isEnrolled(session.id, user));
    }
    return false;
  }

  currentForSession(sessionId: string) {
    return this.materials.currentForSession(sessionId);
  }

  /** Current materials of a session that this user may download (one access decision per role, not per file). */
  async currentForSessionVisibleTo(sessionId: string, user: AuthUser): Promise<SessionMaterialRow[]> {
    const all = await this.materials.currentForSession(sessionId);
    if (isManager(user)) return all;
    if (user.role === 'lecturer') {
      const mine = new Set(await this.agenda.topicIdsTaughtBy(sessionId, user.id));
      return all.filter((m) => mine.has(m.topicId));
    }
    if (user.role === 'trainee') {
      const session = await this.sessions.findById(sessionId);
      const ok = !!session && VISIBLE_STATUSES.includes(session.status) && (await this.sessions.isEnrolled(sessionId, user));
      return ok ? all : [];
    }
    return [];
  }

  countVersionsBySession(sessionId: string) {
    return this.materials.countVersionsBySession(sessionId);
  }
}
