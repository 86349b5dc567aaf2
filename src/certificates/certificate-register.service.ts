import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { EXCEL_DATE_FORMAT, excelDate } from '../common/local-dates';
import { FileOut } from '../common/file-out';
import { formatDate, formatDateTime } from '../common/view-engine';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { CERTIFICATE_STATUS_LABELS, Certificate } from './certificate.entity';
import { STAFF_READER } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';

const HEADER = ['STT', 'Số hiệu', 'Họ và tên', 'Ngày sinh', 'Chức vụ', 'Đơn vị công tác', 'Ngày cấp', 'Căn cứ cấp', 'Tình trạng', 'Ghi chú', 'Đường dẫn xác thực'];
/** "Ngày sinh" and "Ngày cấp": Excel dates, so that the register sorts and filters by date. */
const DATE_COLUMNS = [4, 7];

/**
 * The register of certificates issued for a session (sổ cấp giấy chứng nhận), as auditors ask for
 * it: every certificate ever issued, valid, revoked or replaced, in serial order, with what was
 * printed on it, on what ground it was issued and what became of it.
 */
@Injectable()
export class CertificateRegisterService {
  constructor(
    private readonly repo: CertificatesRepository,
    private readonly sessions: TrainingSessionsService,
  ) {}

  async xlsx(sessionId: string): Promise<FileOut> {
    const session = await this.sessions.get(sessionId, STAFF_READER);
    const certificates = await this.repo.listForSession(sessionId);
    return {
      filename: `so-cap-giay-chung-nhan-${session.startDate}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      write: (out: Writable) => writeRegister(out, { title: session.title, startDate: session.startDate, endDate: session.endDate, venue: session.venue }, certificates),
    };
  }
}

async function writeRegister(out: Writable, s: { title: string; startDate: string; endDate: string; venue: string }, certificates: Certificate[]): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Tập huấn';
  const ws = wb.addWorksheet('Sổ cấp', { views: [{ state: 'frozen', ySplit: 6 }] });
  ws.columns = [{ width: 6 }, { width: 20 }, { width: 28 }, { width: 12 }, { width: 26 }, { width: 32 }, { width: 12 }, { width: 30 }, { width: 16 }, { width: 40 }, { width: 48 }];
  ws.addRow(['SỔ CẤP GIẤY CHỨNG NHẬN']).getCell(1).font = { bold: true, size: 14 };
  ws.addRow([`Lớp: ${s.title}`]).commit();
  ws.addRow([`Thời gian: ${formatDate(s.startDate)} – ${formatDate(s.endDate)}. Địa điểm: ${s.venue}`]).commit();
  ws.addRow([`Tổng số: ${certificates.length} giấy (${certificates.filter((c) => c.status === 'valid').length} còn hiệu lực). Lập lúc ${formatDateTime(new Date())}.`]).commit();
  ws.addRow([]).commit();
  const header = ws.addRow(HEADER);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.commit();
  for (const [i, c] of certificates.entries()) {
    const notes: string[] = [];
    if (c.status === 'revoked') notes.push(`Thu hồi ngày ${formatDate(c.revokedAt)}${c.revokeReason ? `: ${c.revokeReason}` : ''}`);
    if (c.status === 'revoked' && c.replacedBy) notes.push(`Cấp lại bằng giấy số ${c.replacedBy.serial}`);
    if (c.status === 'replaced') notes.push(`Thay bằng giấy số ${c.replacedBy?.serial ?? '?'}${c.revokeReason ? ` (${c.revokeReason})` : ''}`);
    const row = ws.addRow([
      i + 1,
      c.serial,
      c.content.traineeName,
      // A year alone (the date not known) is written as it is, not made a date.
      excelDate(c.content.dateOfBirth) ?? (c.content.birthYear ? String(c.content.birthYear) : ''),
      c.content.position ?? '',
      c.content.unit ?? '',
      excelDate(c.content.issueDate) ?? '',
      c.overrideReason ? `Quyết định của ban tổ chức: ${c.overrideReason}` : 'Đủ điều kiện',
      CERTIFICATE_STATUS_LABELS[c.status],
      notes.join('; '),
      c.content.verifyUrl,
    ]);
    for (const col of DATE_COLUMNS) row.getCell(col).numFmt = EXCEL_DATE_FORMAT;
    row.commit();
  }
  ws.commit();
  await wb.commit();
}
