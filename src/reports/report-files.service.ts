import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { formatDate } from '../common/view-engine';
import { ReportDocument, ReportExportService } from './report-export.service';
import { DashboardFilter, ReportsService } from './reports.service';

/** Builds the report documents (title, filters, summary lines) and hands them to the exporter. */
@Injectable()
export class ReportFilesService {
  constructor(
    private readonly reports: ReportsService,
    private readonly exporter: ReportExportService,
  ) {}

  async sessionXlsx(id: string, user: AuthUser): Promise<Buffer> {
    return this.exporter.xlsx(await this.sessionDoc(id, user));
  }

  async sessionPdf(id: string, user: AuthUser): Promise<Buffer> {
    return this.exporter.pdf(await this.sessionDoc(id, user));
  }

  async sessionTableXlsx(id: string, table: string, user: AuthUser): Promise<Buffer> {
    const doc = await this.sessionDoc(id, user);
    const t = await this.reports.sessionTable(id, table, user);
    return this.exporter.xlsx({ ...doc, tables: [t] });
  }

  async dashboardXlsx(filter: DashboardFilter): Promise<Buffer> {
    return this.exporter.xlsx(await this.dashboardDoc(filter));
  }

  async dashboardPdf(filter: DashboardFilter): Promise<Buffer> {
    return this.exporter.pdf(await this.dashboardDoc(filter));
  }

  async dashboardTableXlsx(filter: DashboardFilter, table: string): Promise<Buffer> {
    const doc = await this.dashboardDoc(filter);
    return this.exporter.xlsx({ ...doc, tables: [await this.reports.dashboardTable(filter, table)] });
  }

  private async sessionDoc(id: string, user: AuthUser): Promise<ReportDocument> {
    const r = await this.reports.sessionReport(id, user);
    return {
      title: `Báo cáo kết quả: ${r.session.title}`,
      subtitle: [r.session.organisingUnit, `${formatDate(r.session.startDate)} – ${formatDate(r.session.endDate)}`, r.session.venue],
      summary: summaryLines(r.summary),
      tables: r.tables,
    };
  }

  private async dashboardDoc(filter: DashboardFilter): Promise<ReportDocument> {
    const r = await this.reports.dashboard(filter);
    const range = `${filter.from ? formatDate(filter.from) : '…'} – ${filter.to ? formatDate(filter.to) : '…'}`;
    return {
      title: 'Báo cáo tổng hợp kết quả tập huấn',
      subtitle: [`Thời gian: ${range}`, filter.preset === 'mountain-15' ? 'Học viên 15 tỉnh miền núi phía Bắc' : 'Tất cả học viên', r.provinceName ?? ''].filter(Boolean),
      summary: [['Số lớp', String(r.summary.sessions)], ...summaryLines(r.summary)],
      tables: r.tables,
    };
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
