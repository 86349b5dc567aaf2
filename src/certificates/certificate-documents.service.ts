import { STAFF_READER } from './certificate-rules';
import { ForbiddenException, GoneException, Inject, Injectable, NotFoundException, OnModuleDestroy } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { Certificate, CertificateContent } from './certificate.entity';
import { drawCertificatePage, newCertificateDocument } from './certificate-pdf';
import { CertificateRenderPool } from './certificate-render-pool';
import { writeCertificatesZip } from './certificate-zip';
import { todayInVietnam, formatSerial } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';
import { CertificateTemplatesService } from './certificate-templates.service';

const PAGE_SIZE = 100;

const NOT_VALID_FOR_TRAINEE: Record<'revoked' | 'replaced', string> = {
  revoked: 'Giấy chứng nhận này đã bị thu hồi nên không còn tải được. Vui lòng liên hệ Ban tổ chức nếu cần biết thêm.',
  replaced: 'Giấy chứng nhận này đã được cấp lại nên bản cũ không còn giá trị. Vui lòng tải bản mới trong mục “Giấy chứng nhận của tôi”.',
};

/** Certificate files: one PDF, a sample, all of a session as a ZIP or as one PDF for printing (streamed). */
@Injectable()
export class CertificateDocumentsService implements OnModuleDestroy {
  private readonly pool = new CertificateRenderPool();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CertificatesRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly templates: CertificateTemplatesService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  /**
   * A certificate's PDF for staff, or for the trainee it belongs to (403 for anyone else). A trainee gets
   * only a valid one (410 once revoked or replaced): a PDF handed out after revocation would look as good as
   * a valid one on paper. Staff still get it, for the record (complaints, the register, a verification call).
   */
  async pdfFor(id: string, user: AuthUser): Promise<{ pdf: Buffer; filename: string }> {
    const c = await this.repo.findById(id);
    if (!c) throw new NotFoundException('Không tìm thấy giấy chứng nhận.');
    const staff = ['admin', 'organiser'].includes(user.role);
    if (!staff && (user.role !== 'trainee' || !user.traineeId || user.traineeId !== c.traineeId)) {
      throw new ForbiddenException('Bạn chỉ tải được giấy chứng nhận của chính mình.');
    }
    if (!staff && c.status !== 'valid') throw new GoneException(NOT_VALID_FOR_TRAINEE[c.status]);
    const pdf = await this.pool.render(c.content, await this.templates.logo(c.sessionId));
    return { pdf, filename: fileName(c) };
  }

  /** A sample certificate with the session's current settings (not stored, no serial taken). */
  async sample(sessionId: string): Promise<Buffer> {
    const { session, template } = await this.templates.forSession(sessionId);
    const today = todayInVietnam();
    const content: CertificateContent = {
      nationalHeading: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      motto: 'Độc lập - Tự do - Hạnh phúc',
      issuerParent: template.issuerParent,
      issuerName: template.issuerName,
      title: 'GIẤY CHỨNG NHẬN',
      wording: template.wording,
      traineeName: 'Nguyễn Thị Mẫu',
      dateOfBirth: '1990-01-01',
      position: 'Công chức Văn phòng - Thống kê',
      unit: 'UBND xã Mẫu, tỉnh Mẫu',
      courseTitle: session.title,
      startDate: session.startDate,
      endDate: session.endDate,
      venue: session.venue,
      placeName: template.placeName,
      issueDate: today,
      signerTitle: template.signerTitle,
      signerName: template.signerName || '(Họ và tên người ký)',
      serial: formatSerial(template.serialFormat, 0, Number(today.slice(0, 4))) + ' (MẪU)',
      verifyUrl: `${this.config.publicUrl}/verify`,
    };
    return this.pool.render(content, await this.templates.logo(sessionId));
  }

  /**
   * Streams every valid certificate of a session into a ZIP, page by page of
   * the database and a few renders in flight, so memory stays flat in the
   * number of certificates.
   */
  async writeZip(sessionId: string, out: Writable): Promise<void> {
    await this.sessions.get(sessionId, STAFF_READER);
    const logo = await this.templates.logo(sessionId);
    const ids = (await this.repo.validIdsForSession(sessionId)).map((r) => r.id);
    const repo = this.repo;
    async function* pages() {
      for (let i = 0; i < ids.length; i += PAGE_SIZE) {
        const page = await repo.findManyByIds(ids.slice(i, i + PAGE_SIZE));
        page.sort((a, b) => a.serialYear - b.serialYear || a.serialNumber - b.serialNumber);
        yield page.map((c) => ({ name: fileName(c), content: c.content }));
      }
    }
    await writeCertificatesZip(pages(), (c) => this.pool.render(c, logo), this.pool.parallelism, out);
  }

  /** Streams every valid certificate of a session as one PDF (one page each) for printing. */
  async writeMergedPdf(sessionId: string, out: Writable): Promise<void> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const logo = await this.templates.logo(sessionId);
    const doc = newCertificateDocument(`Giấy chứng nhận - ${session.title}`);
    const done = new Promise<void>((resolve, reject) => {
      doc.on('error', reject);
      out.on('error', reject);
      out.on('finish', () => resolve());
    });
    doc.pipe(out);
    const ids = (await this.repo.validIdsForSession(sessionId)).map((r) => r.id);
    try {
      for (let i = 0; i < ids.length; i += PAGE_SIZE) {
        const page = await this.repo.findManyByIds(ids.slice(i, i + PAGE_SIZE));
        page.sort((a, b) => a.serialYear - b.serialYear || a.serialNumber - b.serialNumber);
        for (const c of page) drawCertificatePage(doc, c.content, logo ? { data: logo } : null);
      }
      if (ids.length === 0) {
        doc.addPage();
        doc.font('serif').fontSize(14).text('Lớp chưa có giấy chứng nhận nào còn hiệu lực.', 60, 60);
      }
    } finally {
      doc.end();
    }
    await done;
  }
}

/** "123-2025-GCN-BNV_Vang-Thi-My.pdf": the serial and the name, safe in every file system. */
export function fileName(c: Certificate): string {
  const name = c.content.traineeName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${c.serial.replace(/[^A-Za-z0-9-]+/g, '-')}_${name}.pdf`;
}
