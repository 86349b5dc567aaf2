import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Writable } from 'node:stream';
import { AuthUser } from '../common/request-context';
import { registerFonts } from '../pdf/pdf-fonts';
import { MarkStatus } from './attendance-mark.entity';
import { AttendanceReportService, SessionAttendance } from './attendance-report.service';
import { dmy } from './attendance-rules';
import { FileOut, finished } from '../common/file-out';
import { writeCsvRows } from '../common/csv';
import { venueWithProvince } from '../training-sessions/venue-line';

/** Letters used in the attendance grid of exports (the legend is printed with them). */
export const CELL_CODES: Record<MarkStatus, string> = { present: 'x', late: 'M', excused: 'P', absent: 'V' };
export const LEGEND = 'x: có mặt; M: đến muộn; P: vắng có phép; V: vắng không phép; để trống: chưa điểm danh';

/** The XLSX export's last column: the enrolment's id, so that a filled-in export is imported back exactly. */
export const ENROLLMENT_ID_HEADER = 'Mã đăng ký (không sửa)';

const code = (s: MarkStatus | null) => (s ? CELL_CODES[s] : '');

/** Exports of a session's attendance: XLSX (streamed), CSV (UTF-8 with BOM), PDF. */
@Injectable()
export class AttendanceExportService {
  constructor(private readonly report: AttendanceReportService) {}

  async xlsx(sessionId: string, user: AuthUser): Promise<FileOut> {
    const data = await this.report.sessionGrid(sessionId, user);
    return { filename: `diem-danh-${slug(data)}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', write: (out) => writeXlsx(data, out) };
  }

  async csv(sessionId: string, user: AuthUser): Promise<FileOut> {
    const data = await this.report.sessionGrid(sessionId, user);
    return { filename: `diem-danh-${slug(data)}.csv`, contentType: 'text/csv; charset=utf-8', write: (out) => writeCsv(data, out) };
  }

  async pdf(sessionId: string, user: AuthUser): Promise<FileOut> {
    const data = await this.report.sessionGrid(sessionId, user);
    return { filename: `diem-danh-${slug(data)}.pdf`, contentType: 'application/pdf', write: (out) => writePdf(data, out) };
  }
}

function slug(data: SessionAttendance): string {
  return data.session.startDate;
}

/**
 * "Có mặt" is always present or late. When excused absences count for the certificate, the sittings
 * counted for it are a column of their own, so that the file never calls an excused absence "có mặt".
 */
export const COUNTED_HEADER = 'Buổi được tính cấp GCN (gồm vắng có phép)';

function countsExcused(data: SessionAttendance): boolean {
  return data.session.excusedCounts;
}

function headerColumns(data: SessionAttendance): string[] {
  return ['STT', 'Họ và tên', 'Chức vụ', 'Xã/phường', 'Tỉnh/thành phố', ...data.sittings.map((s) => s.label), 'Số buổi có mặt', 'Tỷ lệ có mặt (%)', ...(countsExcused(data) ? [COUNTED_HEADER] : []), 'Đủ điều kiện cấp GCN'];
}

/** The per-trainee figures after the sitting columns: present, its share, [counted for the certificate], result. */
function figures(data: SessionAttendance, t: SessionAttendance['trainees'][number], percent: (p: number) => number | string = (p) => p): (number | string)[] {
  return [t.present, percent(t.presentPercent), ...(countsExcused(data) ? [t.attended] : []), t.meetsRule ? 'Đạt' : 'Không đạt'];
}

function placeLine(data: SessionAttendance): string {
  return venueWithProvince(data.session.venue, data.session.hostProvinceName);
}

/** Streams the workbook row by row (WorkbookWriter): memory stays flat for large sessions. */
export async function writeXlsx(data: SessionAttendance, out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Tập huấn';
  const ws = wb.addWorksheet('Điểm danh', { views: [{ state: 'frozen', ySplit: 7, xSplit: 2 }] });
  const n = data.sittings.length;
  const extra = countsExcused(data) ? [{ width: 16 }] : [];
  ws.columns = [{ width: 6 }, { width: 28 }, { width: 26 }, { width: 22 }, { width: 18 }, ...data.sittings.map(() => ({ width: 13 })), { width: 10 }, { width: 10 }, ...extra, { width: 12 }, { width: 38 }];
  const bold = { bold: true };
  ws.addRow([data.session.title]).getCell(1).font = { bold: true, size: 14 };
  ws.addRow([`Thời gian: ${dmy(data.session.startDate)} – ${dmy(data.session.endDate)}`]).commit();
  ws.addRow([`Địa điểm: ${placeLine(data)}`]).commit();
  ws.addRow([`Đơn vị tổ chức: ${data.session.organisingUnit}`]).commit();
  ws.addRow([`Ký hiệu: ${LEGEND}`]).commit();
  ws.addRow([]).commit();
  const header = ws.addRow([...headerColumns(data), ENROLLMENT_ID_HEADER]);
  header.font = bold;
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  header.commit();
  const totals = data.sittings.map(() => 0);
  for (const [i, t] of data.trainees.entries()) {
    t.cells.forEach((c, j) => {
      if (c === 'present' || c === 'late') totals[j]++;
    });
    const row = ws.addRow([i + 1, t.fullName, t.position ?? '', t.communeName ?? '', t.provinceName ?? '', ...t.cells.map(code), ...figures(data, t), t.enrollmentId]);
    row.getCell(7 + n).numFmt = '0.0';
    row.commit();
  }
  const blanks = headerColumns(data).length - 5 - n;
  const total = ws.addRow(['', 'Tổng số có mặt', '', '', '', ...totals, ...Array(blanks).fill('')]);
  total.font = bold;
  total.commit();
  const rate = ws.addRow(['', 'Tỷ lệ có mặt (%)', '', '', '', ...totals.map((x) => (data.trainees.length ? Math.round((x * 1000) / data.trainees.length) / 10 : 0)), ...Array(blanks).fill('')]);
  rate.font = bold;
  rate.commit();
  ws.commit();
  await wb.commit();
}

/** CSV for Excel (UTF-8 with BOM, see writeCsvRows). */
export function writeCsv(data: SessionAttendance, out: Writable): Promise<void> {
  const rows = data.trainees.map((t, i) => [i + 1, t.fullName, t.position, t.communeName, t.provinceName, ...t.cells.map(code), ...figures(data, t, (p) => p.toFixed(1))]);
  return writeCsvRows(out, [headerColumns(data), ...rows]);
}

/**
 * A4 landscape, the header repeated on each page. Every sitting column is wide enough for its whole label
 * ("Chiều 25/09/2025"); when the sittings do not fit across the page, they are split over several tables
 * (each on its own pages, with the trainees and their totals again), never cut at the page's edge.
 */
export async function writePdf(data: SessionAttendance, out: Writable): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 30, info: { Title: `Điểm danh – ${data.session.title}`, Author: 'Tập huấn' } });
  registerFonts(doc);
  const done = finished(out);
  doc.pipe(out);
  const left = 30;
  const width = doc.page.width - 60;
  const fontSize = 7.5;
  doc.font('sans-bold').fontSize(13).text('BẢNG TỔNG HỢP ĐIỂM DANH', { align: 'center' });
  doc.font('sans-bold').fontSize(11).text(data.session.title, { align: 'center' });
  doc.font('sans').fontSize(9).text(`Thời gian: ${dmy(data.session.startDate)} – ${dmy(data.session.endDate)} · Địa điểm: ${placeLine(data)}`, { align: 'center' });
  doc.text(`Ký hiệu: ${LEGEND}`, { align: 'center' });
  doc.moveDown(0.5);
  const n = data.sittings.length;
  const counted = countsExcused(data);
  const fixed = [24, 130, 100, 80];
  const tailHeaders = ['Có mặt', '%', ...(counted ? ['Được tính*'] : [])];
  const tail = counted ? [40, 40, 48] : [40, 40];
  const room = width - [...fixed, ...tail].reduce((a, b) => a + b, 0);
  doc.font('sans-bold').fontSize(fontSize);
  const minCell = Math.max(28, ...data.sittings.map((x) => doc.widthOfString(x.label) + 6));
  const perTable = Math.max(1, Math.floor(room / minCell));
  const tables = Math.max(1, Math.ceil(n / perTable));
  const size = Math.ceil(n / tables) || 0;
  const rowH = 16;
  const headerH = 20;
  for (let k = 0; k < tables; k++) {
    const part = data.sittings.slice(k * size, (k + 1) * size);
    const from = k * size;
    const cellW = part.length ? room / part.length : 0;
    const widths = [...fixed, ...part.map(() => cellW), ...tail];
    const headers = ['STT', 'Họ và tên', 'Xã/phường', 'Tỉnh', ...part.map((x) => x.label), ...tailHeaders];
    const drawRow = (cells: string[], font: string, height = rowH) => {
      if (doc.y + height > doc.page.height - 30) {
        doc.addPage();
        drawRow(headers, 'sans-bold', headerH);
      }
      const y = doc.y;
      let x = left;
      doc.font(font).fontSize(fontSize);
      cells.forEach((c, i) => {
        doc.rect(x, y, widths[i], height).lineWidth(0.4).stroke('#555');
        doc.fillColor('#000').text(c, x + 2, y + (height - fontSize) / 2 - 1, { width: widths[i] - 4, height: height - 4, align: i >= 4 ? 'center' : 'left', lineBreak: false, ellipsis: true });
        x += widths[i];
      });
      doc.x = left;
      doc.y = y + height;
    };
    if (k > 0) doc.addPage();
    if (tables > 1) doc.font('sans-bold').fontSize(9).text(`Bảng ${k + 1}/${tables}: buổi ${from + 1}–${from + part.length} trên ${n} buổi`, left);
    drawRow(headers, 'sans-bold', headerH);
    data.trainees.forEach((t, i) =>
      drawRow(
        [String(i + 1), t.fullName, t.communeName ?? '', t.provinceName ?? '', ...t.cells.slice(from, from + part.length).map(code), `${t.present}/${n}`, t.presentPercent.toFixed(1), ...(counted ? [`${t.attended}/${n}`] : [])],
        'sans',
      ),
    );
  }
  doc.moveDown(0.5);
  if (counted) doc.font('sans').fontSize(9).text(`* ${COUNTED_HEADER}: số buổi tính cho giấy chứng nhận (có mặt, đến muộn và vắng có phép).`, left);
  const rule = `${counted ? 'tham dự (tính cả vắng có phép)' : 'có mặt'} dưới ${data.session.minAttendancePercent}% số buổi${data.requiredTopics ? ' hoặc vắng chuyên đề bắt buộc' : ''}`;
  doc.font('sans').fontSize(9).text(`Tổng số học viên: ${data.trainees.length}. Chưa đủ điều kiện cấp giấy chứng nhận (${rule}): ${data.trainees.filter((t) => !t.meetsRule).length}.`, left);
  doc.end();
  await done;
}
