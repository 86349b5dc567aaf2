import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { registerFonts } from '../pdf/pdf-fonts';
import { ReportTable } from './reports.service';

export interface ReportDocument {
  title: string;
  subtitle: string[];
  summary: [string, string][];
  tables: ReportTable[];
}

/** Report tables as XLSX (a sheet a table) and the whole report as PDF. */
@Injectable()
export class ReportExportService {
  async xlsx(doc: ReportDocument): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Tập huấn';
    // The report's figures first, as its page and PDF give them, then a sheet a table (a single table's file has no summary).
    if (doc.summary.length && doc.tables.length > 1) {
      const ws = wb.addWorksheet('Tổng hợp');
      ws.getCell('A1').value = doc.title;
      ws.getCell('A1').font = { bold: true, size: 13 };
      ws.getCell('A2').value = doc.subtitle.join(' · ');
      doc.summary.forEach(([label, value], i) => {
        ws.getCell(4 + i, 1).value = label;
        ws.getCell(4 + i, 1).font = { bold: true };
        ws.getCell(4 + i, 2).value = value;
      });
      ws.getColumn(1).width = 48;
      ws.getColumn(2).width = 24;
    }
    for (const table of doc.tables) {
      const ws = wb.addWorksheet(sheetName(table.title), { views: [{ state: 'frozen', ySplit: 4 }] });
      ws.getCell('A1').value = doc.title;
      ws.getCell('A1').font = { bold: true, size: 13 };
      ws.getCell('A2').value = doc.subtitle.join(' · ');
      ws.getCell('A3').value = table.title;
      ws.getCell('A3').font = { bold: true };
      const header = ws.getRow(4);
      table.columns.forEach((c, i) => {
        header.getCell(i + 1).value = c.header;
        header.getCell(i + 1).font = { bold: true };
        header.getCell(i + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F4' } };
      });
      table.rows.forEach((r, ri) => {
        const row = ws.getRow(5 + ri);
        table.columns.forEach((c, ci) => {
          const v = r[c.key];
          row.getCell(ci + 1).value = v;
          if (c.percent) row.getCell(ci + 1).numFmt = '0.0';
        });
      });
      ws.columns.forEach((col, i) => {
        col.width = i === 0 ? 48 : 16;
      });
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  pdf(doc: ReportDocument): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const pdf = new PDFDocument({ size: 'A4', margins: { top: 48, bottom: 48, left: 48, right: 48 }, info: { Title: doc.title, Creator: 'Tập huấn' } });
      registerFonts(pdf);
      const chunks: Buffer[] = [];
      pdf.on('data', (c: Buffer) => chunks.push(c));
      pdf.on('end', () => resolve(Buffer.concat(chunks)));
      pdf.on('error', reject);
      try {
        const width = pdf.page.width - 96;
        pdf.font('sans-bold').fontSize(15).text(doc.title, { width });
        pdf.moveDown(0.3);
        pdf.font('sans').fontSize(10).fillColor('#444').text(doc.subtitle.join(' · '), { width });
        pdf.fillColor('#000').moveDown(0.8);
        for (const [k, v] of doc.summary) {
          pdf.font('sans-bold').fontSize(10).text(`${k}: `, { continued: true }).font('sans').text(v);
        }
        for (const table of doc.tables) drawTable(pdf, table, width);
        pdf.end();
      } catch (e) {
        reject(e);
      }
    });
  }
}

function drawTable(pdf: PDFKit.PDFDocument, table: ReportTable, width: number): void {
  const first = Math.round(width * 0.42);
  const rest = table.columns.length > 1 ? (width - first) / (table.columns.length - 1) : 0;
  const colX = (i: number) => 48 + (i === 0 ? 0 : first + (i - 1) * rest);
  const colW = (i: number) => (i === 0 ? first : rest) - 4;
  const fits = (h: number) => pdf.y + h <= pdf.page.height - 56;
  const title = (text: string) => {
    pdf.font('sans-bold').fontSize(12).text(text, 48, pdf.y, { width });
    pdf.moveDown(0.3);
  };
  const headers = table.columns.map((c) => c.header);
  const row = (cells: string[], bold: boolean) => {
    const font = () => pdf.font(bold ? 'sans-bold' : 'sans').fontSize(9);
    font();
    const h = Math.max(...cells.map((c, i) => pdf.heightOfString(c, { width: colW(i) }))) + 4;
    if (!fits(h)) {
      pdf.addPage();
      // A table that runs onto the next page says so there, under its column headers again.
      if (!bold) {
        title(`${table.title} (tiếp theo)`);
        row(headers, true);
        font();
      }
    }
    const y = pdf.y;
    cells.forEach((c, i) => pdf.text(c, colX(i), y + 2, { width: colW(i), align: i === 0 ? 'left' : 'right' }));
    pdf.moveTo(48, y + h).lineTo(48 + width, y + h).lineWidth(0.3).strokeColor('#bbb').stroke();
    pdf.x = 48;
    pdf.y = y + h;
  };
  pdf.moveDown(1);
  if (!fits(60)) pdf.addPage();
  title(table.title);
  row(headers, true);
  if (table.rows.length === 0) row(['Chưa có số liệu', ...table.columns.slice(1).map(() => '')], false);
  for (const r of table.rows) row(table.columns.map((c) => formatCell(r[c.key], c.percent)), false);
}

function formatCell(v: string | number | undefined, percent?: boolean): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return percent ? `${v.toLocaleString('vi-VN')}%` : v.toLocaleString('vi-VN');
  return v;
}

/** Excel sheet names: at most 31 characters, none of []:*?/\ . */
function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}
