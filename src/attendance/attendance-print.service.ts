import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Writable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { registerFonts } from '../pdf/pdf-fonts';
import { AttendanceRepository, EnrollmentInfo } from './attendance.repository';
import { AttendanceReportService } from './attendance-report.service';
import { AttendanceMarkingService } from './attendance-marking.service';
import { dmy, localClock, sittingLabel, sittingStart } from './attendance-rules';
import { FileOut, finished } from '../common/file-out';
import { venueWithProvince } from '../training-sessions/venue-line';

const ORGANISERS = ['admin', 'organiser'];

/** Printed paper: badges with the check-in QR code, and sign-in sheets per sitting. */
@Injectable()
export class AttendancePrintService {
  constructor(
    private readonly repo: AttendanceRepository,
    private readonly report: AttendanceReportService,
    private readonly marking: AttendanceMarkingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The text a trainee's QR code holds. */
  checkinUrl(token: string): string {
    return `${this.config.publicUrl}/checkin/t/${token}`;
  }

  /** Badges: A4 portrait, 2 × 4 per sheet, with cut lines. */
  async badges(sessionId: string, user: AuthUser): Promise<FileOut> {
    if (!ORGANISERS.includes(user.role)) throw new ForbiddenException('Chỉ ban tổ chức mới in được thẻ học viên.');
    const session = await this.report.session(sessionId, user);
    const trainees = await this.report.enrollmentsInOrder(sessionId);
    return {
      filename: `the-hoc-vien-${session.startDate}.pdf`,
      contentType: 'application/pdf',
      write: async (out) => {
        const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: `Thẻ học viên – ${session.title}`, Author: 'Tập huấn' } });
        registerFonts(doc);
        const done = finished(out);
        doc.pipe(out);
        const margin = 24;
        const cols = 2;
        const rows = 4;
        trainees.forEach((t, i) => {
          const slot = i % (cols * rows);
          if (slot === 0) doc.addPage();
          const w = (doc.page.width - 2 * margin) / cols;
          const h = (doc.page.height - 2 * margin) / rows;
          const x = margin + (slot % cols) * w;
          const y = margin + Math.floor(slot / cols) * h;
          this.drawBadge(doc, t, session.title, x, y, w, h);
        });
        if (trainees.length === 0) {
          doc.addPage();
          doc.font('sans').fontSize(12).text('Lớp chưa có học viên.', margin, margin);
        }
        doc.end();
        await done;
      },
    };
  }

  private drawBadge(doc: PDFKit.PDFDocument, t: EnrollmentInfo & { checkinToken: string }, title: string, x: number, y: number, w: number, h: number): void {
    doc.save().dash(3, { space: 3 }).lineWidth(0.5).strokeColor('#999').rect(x, y, w, h).stroke().undash().restore();
    const pad = 12;
    const qrSize = Math.min(h - 2 * pad - 14, 118);
    doc.fillColor('#1d4e89').font('sans-bold').fontSize(7.5).text(title.toUpperCase(), x + pad, y + pad, { width: w - 2 * pad, height: 22, ellipsis: true, align: 'center' });
    const textW = w - 3 * pad - qrSize;
    const top = y + pad + 28;
    doc.fillColor('#000').font('sans').fontSize(7.5).text('HỌC VIÊN', x + pad, top, { width: textW });
    // Each line of text has at most the lines it fits in, cut with an ellipsis: a long position must not run
    // into the commune below it, or past the badge's cut line.
    const lines = (n: number) => ({ width: textW, height: n * doc.currentLineHeight(true), ellipsis: true });
    doc.font('sans-bold').fontSize(13).text(t.fullName, x + pad, doc.y + 2, lines(2));
    doc.font('sans').fontSize(9);
    if (t.position) doc.text(t.position, x + pad, doc.y + 4, lines(3));
    if (t.communeName) doc.text(t.communeName, x + pad, doc.y + 2, lines(2));
    if (t.provinceName) doc.text(t.provinceName, x + pad, doc.y + 2, lines(1));
    drawQr(doc, this.checkinUrl(t.checkinToken), x + w - pad - qrSize, top, qrSize);
    doc.font('sans').fontSize(6.5).fillColor('#555').text('Quét mã để điểm danh', x + w - pad - qrSize, top + qrSize + 2, { width: qrSize, align: 'center' });
    doc.fillColor('#000');
  }

  /** Sign-in sheet (danh sách ký tên) of one sitting, grouped by province and commune. */
  async signInSheet(sessionId: string, sittingId: string, user: AuthUser): Promise<FileOut> {
    if (!ORGANISERS.includes(user.role)) throw new ForbiddenException('Chỉ ban tổ chức mới in được danh sách ký tên.');
    const session = await this.report.session(sessionId, user);
    const { sitting } = await this.marking.sessionAndSitting(sessionId, sittingId);
    const trainees = await this.report.enrollmentsInOrder(sessionId);
    return {
      filename: `danh-sach-ky-ten-${sitting.date}-${sitting.part}.pdf`,
      contentType: 'application/pdf',
      write: async (out) => {
        const doc = new PDFDocument({ size: 'A4', margin: 36, info: { Title: `Danh sách ký tên – ${session.title}`, Author: 'Tập huấn' } });
        registerFonts(doc);
        const done = finished(out);
        doc.pipe(out);
        const left = 36;
        const widths = [30, 170, 150, 173];
        doc.font('sans-bold').fontSize(13).text('DANH SÁCH HỌC VIÊN KÝ TÊN', { align: 'center' });
        doc.font('sans-bold').fontSize(11).text(session.title, { align: 'center' });
        doc.font('sans').fontSize(10).text(`Buổi: ${sittingLabel(sitting)} (từ ${localClock(sittingStart(sitting))}) · Địa điểm: ${venueWithProvince(session.venue, session.hostProvinceName)}`, { align: 'center' });
        doc.moveDown(0.8);
        const row = (cells: string[], font: string, height: number, fill?: string) => {
          if (doc.y + height > doc.page.height - 50) {
            doc.addPage();
            row(['STT', 'Họ và tên', 'Chức vụ', 'Ký tên'], 'sans-bold', 20, '#eeeeee');
          }
          const y = doc.y;
          let x = left;
          if (fill) doc.rect(left, y, widths.reduce((a, b) => a + b, 0), height).fill(fill);
          doc.fillColor('#000').font(font).fontSize(9.5);
          cells.forEach((c, i) => {
            doc.rect(x, y, widths[i], height).lineWidth(0.5).stroke('#333');
            doc.fillColor('#000').text(c, x + 4, y + 5, { width: widths[i] - 8, height: height - 6, ellipsis: true });
            x += widths[i];
          });
          doc.x = left;
          doc.y = y + height;
        };
        const group = (text: string) => {
          if (doc.y + 20 + 26 > doc.page.height - 50) doc.addPage();
          const y = doc.y;
          const w = widths.reduce((a, b) => a + b, 0);
          doc.rect(left, y, w, 18).fillAndStroke('#f4f4f4', '#333');
          doc.fillColor('#000').font('sans-bold').fontSize(9.5).text(text, left + 4, y + 4, { width: w - 8 });
          doc.x = left;
          doc.y = y + 18;
        };
        row(['STT', 'Họ và tên', 'Chức vụ', 'Ký tên'], 'sans-bold', 20, '#eeeeee');
        let province: string | null | undefined;
        let commune: string | null | undefined;
        trainees.forEach((t, i) => {
          if (t.provinceName !== province) {
            province = t.provinceName;
            commune = undefined;
            group(province ?? 'Chưa rõ tỉnh');
          }
          if (t.communeName !== commune) {
            commune = t.communeName;
            group(`   ${commune ?? 'Chưa rõ xã/phường'}`);
          }
          row([String(i + 1), t.fullName, t.position ?? '', ''], 'sans', 26);
        });
        doc.moveDown(1);
        doc.font('sans').fontSize(10).text(`Tổng số: ${trainees.length} học viên. Ngày ${dmy(sitting.date)}.`, left);
        doc.text('Người lập danh sách (ký, ghi rõ họ tên)', left, doc.y + 10, { width: widths.reduce((a, b) => a + b, 0), align: 'right' });
        doc.end();
        await done;
      },
    };
  }
}

/** Draws a QR code as vector squares (one rectangle per run of dark modules), with the quiet zone. */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && modules.get(r, c)) c++;
      doc.rect(x + (quiet + start) * cell, y + (quiet + r) * cell, (c - start) * cell, cell);
    }
  }
  doc.fill('#000000').restore();
}
