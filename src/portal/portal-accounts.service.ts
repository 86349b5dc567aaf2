import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomInt } from 'node:crypto';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { formatDate, formatDateTime } from '../common/view-engine';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { registerFonts } from '../pdf/pdf-fonts';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { AuthUser } from '../common/request-context';
import { UsersService } from '../users/users.service';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_DAYS = 14;

/** 8 characters from an alphabet without look-alikes (no 0/O, 1/I), shown as XXXX-XXXX. */
export function newSignInCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export interface IssuedCode {
  fullName: string;
  login: string;
  code: string;
  expiresAt: Date;
  created: boolean;
}

/** Trainee accounts, created by the organiser from the enrolment list, activated with a one-time code. */
@Injectable()
export class PortalAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly enrollments: EnrollmentsService,
    private readonly sessions: TrainingSessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** Creates the trainee's account if needed and issues a new one-time sign-in code (any earlier code stops working). */
  async issueCode(sessionId: string, enrollmentId: string, actor: AuthUser): Promise<IssuedCode> {
    const e = await this.enrollments.get(sessionId, enrollmentId);
    const t = e.trainee!;
    if (!t.email && !t.phone && !(await this.users.findByTraineeId(t.id))) {
      throw new BadRequestException(`Học viên ${t.fullName} chưa có email hoặc số điện thoại để làm tên đăng nhập.`);
    }
    const code = newSignInCode();
    const expiresAt = new Date(Date.now() + CODE_DAYS * 86400_000);
    // The account (when new) and its code, with their audit entries, in one transaction: both or neither.
    return this.ds.transaction(async (m) => {
      let user = await this.users.findByTraineeId(t.id, m);
      const created = !user;
      if (!user) {
        // A phone that is already another account's login (a commune office's number shared by its officials) cannot
        // be this one's too: with an email, the trainee signs in by the email alone.
        const phone = t.phone && !(t.email && (await this.users.phoneInUse(t.phone, m))) ? t.phone : undefined;
        user = (await this.users.create({ fullName: t.fullName, email: t.email ?? undefined, phone, role: 'trainee' }, actor.id, m, t.id)).user;
      }
      await this.users.setSignInCode(user.id, code, expiresAt, actor.id, m);
      return { fullName: t.fullName, login: user.email ?? user.phone!, code, expiresAt, created };
    });
  }

  /** A printable A5 slip with the login name, the code and where to use it (for trainees without email). */
  async slip(sessionId: string, enrollmentId: string, actor: AuthUser): Promise<Buffer> {
    const issued = await this.issueCode(sessionId, enrollmentId, actor);
    const session = await this.sessions.get(sessionId, actor);
    const url = `${this.config.publicUrl}/portal/activate`;
    const qr = await QRCode.toBuffer(url, { margin: 1, width: 300, rendererOpts: { filterType: 0 } } as QRCode.QRCodeToBufferOptions);
    const doc = new PDFDocument({ size: 'A5', margin: 40, info: { Title: `Phiếu đăng nhập - ${issued.fullName}` } });
    registerFonts(doc);
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.font('sans-bold').fontSize(16).text('PHIẾU ĐĂNG NHẬP HỆ THỐNG TẬP HUẤN', { align: 'center' });
    doc.moveDown(0.5).font('sans').fontSize(11).text(session.title, { align: 'center' });
    doc.text(`${formatDate(session.startDate)} – ${formatDate(session.endDate)} · ${session.venue}`, { align: 'center' });
    doc.moveDown(1.2).fontSize(12);
    doc.font('sans').text('Học viên: ', { continued: true }).font('sans-bold').text(issued.fullName);
    doc.font('sans').text('Tên đăng nhập: ', { continued: true }).font('sans-bold').text(issued.login);
    doc.font('sans').text('Mã đăng nhập: ', { continued: true }).font('sans-bold').fontSize(18).text(issued.code);
    doc.fontSize(11).font('sans').text(`Mã dùng một lần, hiệu lực đến ${formatDateTime(issued.expiresAt)}.`);
    doc.moveDown(0.8).text('Cách dùng: mở địa chỉ dưới đây (hoặc quét mã QR), nhập tên đăng nhập, mã đăng nhập và đặt mật khẩu của riêng mình.');
    doc.moveDown(0.4).font('sans-bold').text(url);
    doc.image(qr, doc.page.width / 2 - 60, doc.y + 10, { width: 120 });
    doc.end();
    return done;
  }
}
