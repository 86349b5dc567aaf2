import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { NORTHERN_MOUNTAIN_OLD_PROVINCES, ReferenceService } from '../reference/reference.service';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { dmy, sittingLabel } from '../attendance/attendance-rules';
import { AuthUser } from '../common/request-context';
import { BreakdownRow, Dimension, QuestionRow, ReportsRepository, Scope, SittingRow, Totals } from './reports.repository';
import { barChart, ChartItem, donutChart } from './svg-charts';

export interface DashboardFilter {
  from?: string;
  to?: string;
  /** 'mountain-15': trainees from the 15 northern mountain provinces (by their commune's old province). */
  preset?: string;
  province?: string;
}

export interface TableColumn {
  key: string;
  header: string;
  percent?: boolean;
}

export interface ReportTable {
  id: string;
  title: string;
  columns: TableColumn[];
  rows: Record<string, string | number>[];
}

export const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

const BREAKDOWN_COLUMNS: TableColumn[] = [
  { key: 'label', header: 'Nhóm' },
  { key: 'enrolled', header: 'Học viên' },
  { key: 'women', header: 'Nữ' },
  { key: 'minorities', header: 'Dân tộc thiểu số' },
  { key: 'attended', header: 'Có tham dự' },
  { key: 'attendedPct', header: 'Tỷ lệ tham dự (%)', percent: true },
];

const DIMENSION_TITLES: Record<Dimension, string> = {
  province: 'Theo tỉnh, thành phố (2025)',
  'old-province': 'Theo tỉnh cũ (trước 01/07/2025)',
  commune: 'Theo xã, phường',
  'ethnic-group': 'Theo dân tộc',
  minority: 'Kinh và dân tộc thiểu số',
  gender: 'Theo giới tính',
  position: 'Theo chức vụ',
};

export const SESSION_TABLES: Dimension[] = ['province', 'commune', 'minority', 'ethnic-group', 'gender', 'position'];
export const DASHBOARD_TABLES: Dimension[] = ['province', 'old-province', 'minority', 'ethnic-group', 'gender'];

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly sessions: TrainingSessionsService,
    private readonly reference: ReferenceService,
  ) {}

  /** Everything the session report shows, computed in SQL. */
  async sessionReport(sessionId: string, user: AuthUser) {
    const session = await this.sessions.get(sessionId, user);
    const scope: Scope = { sessionId };
    const [totals, sittings, breakdowns, questions] = await Promise.all([
      this.repo.totals(scope),
      this.repo.bySitting(sessionId),
      this.repo.breakdowns(scope, SESSION_TABLES),
      this.repo.questionsByCategory(scope),
    ]);
    const tables: ReportTable[] = [sittingTable(sittings), ...SESSION_TABLES.map((d) => breakdownTable(d, breakdowns[d])), questionTable(questions)];
    return { session, totals, summary: summary(totals), tables };
  }

  /** The programme dashboard across sessions in a date range. */
  async dashboard(filter: DashboardFilter) {
    const scope = await this.scopeOf(filter);
    const [totals, sessions, breakdowns, questions] = await Promise.all([
      this.repo.totals(scope),
      this.repo.sessionsInRange(scope),
      this.repo.breakdowns(scope, DASHBOARD_TABLES),
      this.repo.questionsByCategory(scope),
    ]);
    const sessionTable: ReportTable = {
      id: 'sessions',
      title: 'Các lớp trong kỳ báo cáo',
      columns: [
        { key: 'title', header: 'Lớp tập huấn' },
        { key: 'dates', header: 'Thời gian' },
        { key: 'provinceName', header: 'Địa điểm' },
        { key: 'enrolled', header: 'Học viên' },
        { key: 'attendancePct', header: 'Tỷ lệ chuyên cần (%)', percent: true },
      ],
      rows: sessions.map((s) => ({
        title: s.title,
        dates: `${dmy(s.startDate)} – ${dmy(s.endDate)}`,
        provinceName: s.provinceName,
        enrolled: s.enrolled,
        attendancePct: pct(s.attendedSlots, s.sittingSlots),
      })),
    };
    const tables = [sessionTable, ...DASHBOARD_TABLES.map((d) => breakdownTable(d, breakdowns[d])), questionTable(questions)];
    return { filter, provinceName: scope.provinceName, totals, summary: summary(totals), tables };
  }

  async sessionTable(sessionId: string, tableId: string, user: AuthUser): Promise<ReportTable> {
    const report = await this.sessionReport(sessionId, user);
    return pick(report.tables, tableId);
  }

  async dashboardTable(filter: DashboardFilter, tableId: string): Promise<ReportTable> {
    return pick((await this.dashboard(filter)).tables, tableId);
  }

  /** SVG charts of a session report. */
  async sessionChart(sessionId: string, chart: string, user: AuthUser): Promise<string> {
    await this.sessions.get(sessionId, user);
    const scope: Scope = { sessionId };
    if (chart === 'attendance') {
      const rows = await this.repo.bySitting(sessionId);
      return barChart('Có mặt theo buổi (có mặt + đến muộn)', rows.map((r) => ({ label: sittingLabel(r), value: r.present + r.late })));
    }
    return this.breakdownChart(scope, chart);
  }

  async dashboardChart(filter: DashboardFilter, chart: string): Promise<string> {
    return this.breakdownChart(await this.scopeOf(filter), chart);
  }

  private async breakdownChart(scope: Scope, chart: string): Promise<string> {
    const charts: Record<string, [Dimension, 'bar' | 'donut']> = {
      gender: ['gender', 'donut'],
      minority: ['minority', 'donut'],
      'ethnic-group': ['ethnic-group', 'bar'],
      province: ['province', 'bar'],
      'old-province': ['old-province', 'bar'],
      position: ['position', 'bar'],
    };
    // Own keys only: 'constructor' or 'toString' must not be taken for a chart.
    const spec = Object.hasOwn(charts, chart) ? charts[chart] : undefined;
    if (!spec) throw new NotFoundException('Không có biểu đồ này.');
    const rows = await this.repo.breakdown(scope, spec[0]);
    const items: ChartItem[] = rows.map((r) => ({ label: r.label, value: r.enrolled }));
    const title = `Học viên ${DIMENSION_TITLES[spec[0]].toLowerCase()}`;
    return spec[1] === 'donut' ? donutChart(title, items) : barChart(title, items);
  }

  /** The filter as a query scope, with the full name of the province filtered on (a code that names none is refused). */
  private async scopeOf(filter: DashboardFilter): Promise<Scope & { provinceName?: string }> {
    if (filter.from && filter.to && filter.from > filter.to) throw new BadRequestException('Ngày bắt đầu phải trước ngày kết thúc.');
    const province = filter.province ? await this.reference.province(filter.province).catch(unknownAs400(`Không có tỉnh, thành phố mã ${filter.province}.`)) : undefined;
    return {
      provinceName: province?.fullName,
      from: filter.from || undefined,
      to: filter.to || undefined,
      oldProvinceCodes: filter.preset === 'mountain-15' ? Object.keys(NORTHERN_MOUNTAIN_OLD_PROVINCES) : undefined,
      provinceCodes: filter.province ? [filter.province] : undefined,
    };
  }
}

/** A lookup's 404 (the filter names nothing) as the caller's mistake, a 400; any other error as it is. */
function unknownAs400(message: string) {
  return (e: unknown): never => {
    throw e instanceof NotFoundException ? new BadRequestException(message) : e;
  };
}

function summary(t: Totals) {
  return {
    ...t,
    womenPct: pct(t.women, t.enrolled),
    minorityPct: pct(t.minorities, t.enrolled),
    attendancePct: pct(t.attendedSlots, t.sittingSlots),
    certifiedPct: pct(t.certified, t.enrolled),
  };
}

function questionTable(rows: QuestionRow[]): ReportTable {
  return {
    id: 'questions',
    title: 'Câu hỏi theo lĩnh vực và trạng thái',
    columns: [
      { key: 'category', header: 'Lĩnh vực' },
      { key: 'open', header: 'Chờ trả lời' },
      { key: 'answered', header: 'Đã trả lời' },
      { key: 'published', header: 'Đã công bố' },
      { key: 'rejected', header: 'Từ chối' },
      { key: 'total', header: 'Tổng' },
    ],
    rows: rows.map((r) => ({ ...r })),
  };
}

function breakdownTable(d: Dimension, rows: BreakdownRow[]): ReportTable {
  return {
    id: d,
    title: DIMENSION_TITLES[d],
    columns: BREAKDOWN_COLUMNS,
    rows: rows.map((r) => ({ ...r, attendedPct: pct(r.attended, r.enrolled) })),
  };
}

function sittingTable(rows: SittingRow[]): ReportTable {
  return {
    id: 'sittings',
    title: 'Chuyên cần theo buổi',
    columns: [
      { key: 'label', header: 'Buổi' },
      { key: 'enrolled', header: 'Học viên' },
      { key: 'present', header: 'Có mặt' },
      { key: 'late', header: 'Đến muộn' },
      { key: 'excused', header: 'Vắng có phép' },
      { key: 'absent', header: 'Vắng' },
      // So that a row adds up to "Học viên": those with no mark for the sitting (yet).
      { key: 'unmarked', header: 'Chưa điểm danh' },
      { key: 'attendedPct', header: 'Tỷ lệ có mặt (%)', percent: true },
    ],
    rows: rows.map((r) => ({
      label: sittingLabel(r),
      enrolled: r.enrolled,
      present: r.present,
      late: r.late,
      excused: r.excused,
      absent: r.absent,
      unmarked: Math.max(0, r.enrolled - r.present - r.late - r.excused - r.absent),
      attendedPct: pct(r.present + r.late, r.enrolled),
    })),
  };
}

function pick(tables: ReportTable[], id: string): ReportTable {
  const t = tables.find((x) => x.id === id);
  if (!t) throw new NotFoundException('Không có bảng này.');
  return t;
}

