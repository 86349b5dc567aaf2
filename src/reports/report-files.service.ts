import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { formatDate } from '../common/view-engine';
import { safeFileName } from '../common/file-names';
import { ReportDocument, ReportExportService } from './report-export.service';
import { DashboardFilter, ReportsService } from './reports.service';

/** A report file and the name it is downloaded under. */
export interface ReportFile {
  name: string;
  body: Buffer;
}

/** Builds the report documents (title, filters, summary lines) and hands them to the exporter. */
@Injectable()
export class ReportFilesService {
  constructor(
    private readonly reports: ReportsService,
    private readonly exporter: ReportExportService,
  ) {}

  async sessionXlsx(id: string, user: AuthUser): Promise<ReportFile> {
    const { doc, name } = await this.sessionDoc(id, user);
    return { name: `${name}.xlsx`, body: await this.exporter.xlsx(doc) };
  }

  async sessionPdf(id: string, user: AuthUser): Promise<ReportFile> {
    const { doc, name } = await this.sessionDoc(id, user);
    return { name: `${name}.pdf`, body: await this.exporter.pdf(doc) };
  }

  async sessionTableXlsx(id: string, table: string, user: AuthUser): Promise<ReportFile> {
    const { doc, name } = await this.sessionDoc(id, user);
    const t = await this.reports.sessionTable(id, table, user);
    return { name: `${name} - ${t.title}.xlsx`, body: await this.exporter.xlsx({ ...doc, tables: [t] }) };
  }

  async dashboardXlsx(filter: DashboardFilter): Promise<ReportFile> {
    const { doc, name } = await this.dashboardDoc(filter);
    return { name: `${name}.xlsx`, body: await this.exporter.xlsx(doc) };
  }

  async dashboardPdf(filter: DashboardFilter): Promise<ReportFile> {
    const { doc, name } = await this.dashboardDoc(filter);
    return { name: `${name}.pdf`, body: await this.exporter.pdf(doc) };
  }

  async dashboardTableXlsx(filter: DashboardFilter, table: string): Promise<ReportFile> {
    const { doc, name } = await this.dashboardDoc(filter);
    const t = await this.reports.dashboardTable(filter, table);
    return { name: `${name} - ${t.title}.xlsx`, body: await this.exporter.xlsx({ ...doc, tables: [t] }) };
  }

  /** The session's report, and the name its files take (the course and its first day: a province runs several). */
  private async sessionDoc(id: string, user: AuthUser): Promise<{ doc: ReportDocument; name: string }> {
    const r = await this.reports.sessionReport(id, user);
    const doc = {
      title: `Báo cáo kết quả: ${r.session.title}`,
      subtitle: [r.session.organisingUnit, `${formatDate(r.session.startDate)} – ${formatDate(r.session.endDate)}`, r.session.venue],
      summary: summaryLines(r.summary),
      tables: r.tables,
    };
    return { doc, name: safeFileName(`Báo cáo ${r.session.title} ${formatDate(r.session.startDate).replace(/\//g, '-')}`, 'bao-cao-lop') };
  }

  private async dashboardDoc(filter: DashboardFilter): Promise<{ doc: ReportDocument; name: string }> {
    const r = await this.reports.dashboard(filter);
    const range = `${filter.from ? formatDate(filter.from) : '…'} – ${filter.to ? formatDate(filter.to) : '…'}`;
    const name = safeFileName(['Báo cáo tổng hợp', r.provinceName, filter.from && `từ ${formatDate(filter.from)}`, filter.to && `đến ${formatDate(filter.to)}`].filter(Boolean).join(' ').replace(/\//g, '-'), 'bao-cao-tong-hop');
    const doc = {
      title: 'Báo cáo tổng hợp kết quả tập huấn',
      subtitle: [`Thời gian: ${range}`, filter.preset === 'mountain-15' ? 'Học viên 15 tỉnh miền núi phía Bắc' : 'Tất cả học viên', r.provinceName ?? ''].filter(Boolean),
      summary: [['Số lớp', String(r.summary.sessions)], ...summaryLines(r.summary)] as [string, string][],
      tables: r.tables,
    };
    return { doc, name };
  }
}

function summaryLines(s: { enrolled: number; trainees: number; womenPct: number; minorityPct: number; attendancePct: number; certified: number; certifiedPct: number }): [string, string][] {
  return [
    ['Lượt học viên', s.enrolled.toLocaleString('vi-VN')],
    ['Số học viên', s.trainees.toLocaleString('vi-VN')],
    ['Tỷ lệ nữ', `${s.womenPct.toLocaleString('vi-VN')}%`],
    ['Tỷ lệ người dân tộc thiểu số', `${s.minorityPct.toLocaleString('vi-VN')}%`],
    ['Tỷ lệ chuyên cần (lượt buổi có mặt)', `${s.attendancePct.toLocaleString('vi-VN')}%`],
    ['Được cấp giấy chứng nhận', `${s.certified.toLocaleString('vi-VN')} (${s.certifiedPct.toLocaleString('vi-VN')}%)`],
  ];
}
