import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import ExcelJS from 'exceljs';
import { registerFonts } from '../pdf/pdf-fonts';
import { formatDate, formatDateTime } from '../common/view-engine';
import { EXCEL_DATE_FORMAT, excelDate } from '../common/local-dates';

/** One published question of the booklet, already numbered and with who asked as published. */
export interface BookletItem {
  number: number;
  text: string;
  asker: string;
  answer: string;
  answerAuthor: string;
  sessionTitle: string;
  topicTitle: string;
  categoryName: string;
  provinceName: string;
  publishedAt: Date | null;
}

export interface BookletCategory {
  key: string;
  name: string;
  items: BookletItem[];
}

export interface BookletTopic {
  key: string;
  title: string;
  categories: BookletCategory[];
}

export interface BookletSession {
  key: string;
  title: string;
  startDate: string;
  topics: BookletTopic[];
}

export interface Booklet {
  title: string;
  subtitle: string;
  sessions: BookletSession[];
  /** Print the session headings (a booklet of a period covers several sessions). */
  multiSession: boolean;
  count: number;
  generatedAt: Date;
}

const MARGIN = 56;
const GREY = '#555555';

/** Draws the Q&A booklet as PDF (pdfkit, Vietnamese fonts) and as a spreadsheet (exceljs). */
@Injectable()
export class QaBookletRenderer {
  pdf(b: Booklet): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const doc = new PDFDocument({ size: 'A4', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, bufferPages: true, info: { Title: `${b.title} – ${b.subtitle}`, Creator: 'Tập huấn' } });
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
      try {
        registerFonts(doc);
        this.draw(doc, b);
        this.footers(doc);
        doc.end();
      } catch (e) {
        reject(e);
      }
    });
  }

  private draw(doc: PDFKit.PDFDocument, b: Booklet): void {
    const width = doc.page.width - MARGIN * 2;
    doc.font('sans-bold').fontSize(16).text(b.title, { align: 'center', width });
    doc.moveDown(0.3);
    doc.font('sans').fontSize(12).text(b.subtitle, { align: 'center', width });
    doc.moveDown(0.2);
    doc.font('sans-italic').fontSize(9).fillColor(GREY).text(`Gồm ${b.count} câu hỏi đã được công bố · lập ngày ${formatDateTime(b.generatedAt)}`, { align: 'center', width });
    doc.fillColor('black').moveDown(1.2);
    if (b.count === 0) {
      doc.font('sans').fontSize(11).text('Chưa có câu hỏi nào được công bố.', { width });
      return;
    }
    for (const s of b.sessions) {
      if (b.multiSession) {
        this.keepWithNext(doc, 90);
        doc.font('sans-bold').fontSize(13).text(`${s.title} (${formatDate(s.startDate)})`, { width });
        doc.moveDown(0.5);
      }
      for (const t of s.topics) {
        this.keepWithNext(doc, 80);
        doc.font('sans-bold').fontSize(12).text(t.title, { width });
        doc.moveDown(0.3);
        for (const c of t.categories) {
          this.keepWithNext(doc, 70);
          doc.font('sans-italic').fontSize(11).text(`Lĩnh vực: ${c.name}`, { width });
          doc.moveDown(0.4);
          for (const it of c.items) this.item(doc, it, width);
        }
      }
    }
  }

  private item(doc: PDFKit.PDFDocument, it: BookletItem, width: number): void {
    this.keepWithNext(doc, 60);
    doc.font('sans-bold').fontSize(10.5).text(`Câu ${it.number}. `, { continued: true, width }).font('sans').text(it.text, { width });
    doc.font('sans-italic').fontSize(9.5).fillColor(GREY).text(`Người hỏi: ${it.asker}`, { width });
    doc.fillColor('black').moveDown(0.25);
    doc.font('sans-bold').fontSize(10.5).text(it.answerAuthor ? `Trả lời (${it.answerAuthor}):` : 'Trả lời:', { width });
    doc.font('sans').fontSize(10.5).text(it.answer, { width });
    doc.moveDown(0.9);
  }

  /** Starts a new page when less than `space` points are left, so a heading never ends a page. */
  private keepWithNext(doc: PDFKit.PDFDocument, space: number): void {
    if (doc.y + space > doc.page.height - MARGIN) doc.addPage();
  }

  private footers(doc: PDFKit.PDFDocument): void {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing inside the margin must not open a new page
      doc.font('sans').fontSize(8.5).fillColor(GREY).text(`Trang ${i + 1}/${range.count}`, MARGIN, doc.page.height - MARGIN / 2 - 6, { width: doc.page.width - MARGIN * 2, align: 'center', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.fillColor('black');
  }

  async xlsx(b: Booklet): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Tập huấn';
    wb.created = b.generatedAt;
    const ws = wb.addWorksheet('Hỏi đáp', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = [
      { header: 'STT', key: 'number', width: 6 },
      { header: 'Lớp tập huấn', key: 'session', width: 30 },
      { header: 'Chuyên đề', key: 'topic', width: 30 },
      { header: 'Lĩnh vực', key: 'category', width: 20 },
      { header: 'Người hỏi', key: 'asker', width: 30 },
      { header: 'Câu hỏi', key: 'text', width: 60 },
      { header: 'Trả lời', key: 'answer', width: 80 },
      { header: 'Người trả lời', key: 'author', width: 28 },
      { header: 'Ngày công bố', key: 'publishedAt', width: 14 },
    ];
    ws.getRow(1).font = { bold: true };
    for (const s of b.sessions) {
      for (const t of s.topics) {
        for (const c of t.categories) {
          for (const it of c.items) {
            const row = ws.addRow({
              number: it.number,
              session: it.sessionTitle,
              topic: it.topicTitle,
              category: it.categoryName,
              asker: it.asker,
              text: it.text,
              answer: it.answer,
              author: it.answerAuthor,
              publishedAt: excelDate(it.publishedAt) ?? '',
            });
            row.alignment = { vertical: 'top', wrapText: true };
            row.getCell('publishedAt').numFmt = EXCEL_DATE_FORMAT;
          }
        }
      }
    }
    ws.autoFilter = { from: 'A1', to: 'I1' };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
