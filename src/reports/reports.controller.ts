import { Controller, Get, Param, ParseUUIDPipe, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { ReferenceService } from '../reference/reference.service';
import { DashboardFilterDto } from './dto/dashboard-filter.dto';
import { ReportsService } from './reports.service';
import { ReportFilesService } from './report-files.service';
import { sendBuffer } from '../common/file-out';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function svg(res: Response, body: string): void {
  res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
  res.setHeader('Cache-Control', 'private, max-age=60');
  res.send(body);
}

/** Session report: tables, charts, XLSX and PDF. */
@Controller('sessions/:id')
@Roles('organiser')
export class SessionReportController {
  constructor(
    private readonly reports: ReportsService,
    private readonly files: ReportFilesService,
  ) {}

  @ApiExcludeEndpoint()
  @Get('report')
  @Render('reports/session')
  async page(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const report = await this.reports.sessionReport(id, user);
    return { title: `Báo cáo: ${report.session.title}`, ...report, charts: ['attendance', 'gender', 'minority', 'ethnic-group', 'province'] };
  }

  @ApiExcludeEndpoint()
  @Get('report.xlsx')
  async xlsx(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, { contentType: XLSX, ...await this.files.sessionXlsx(id, user) });
  }

  @ApiExcludeEndpoint()
  @Get('report.pdf')
  async pdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, { contentType: 'application/pdf', ...await this.files.sessionPdf(id, user) });
  }

  @ApiExcludeEndpoint()
  @Get('report/tables/:table.xlsx')
  async table(@Param('id', ParseUUIDPipe) id: string, @Param('table') table: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, { contentType: XLSX, ...await this.files.sessionTableXlsx(id, table, user) });
  }

  @ApiExcludeEndpoint()
  @Get('report/charts/:chart.svg')
  async chart(@Param('id', ParseUUIDPipe) id: string, @Param('chart') chart: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    svg(res, await this.reports.sessionChart(id, chart, user));
  }
}

/** Programme dashboard across sessions. */
@Controller('reports')
@Roles('organiser')
export class DashboardController {
  constructor(
    private readonly reports: ReportsService,
    private readonly files: ReportFilesService,
    private readonly reference: ReferenceService,
  ) {}

  @ApiExcludeEndpoint()
  @Get()
  @Render('reports/dashboard')
  async page(@Query() filter: DashboardFilterDto) {
    const [report, provinces] = await Promise.all([this.reports.dashboard(filter), this.reference.provinces()]);
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return { title: 'Báo cáo tổng hợp chương trình', ...report, provinces, query, charts: ['gender', 'minority', 'province', 'old-province', 'ethnic-group'] };
  }

  @ApiExcludeEndpoint()
  @Get('dashboard.xlsx')
  async xlsx(@Query() filter: DashboardFilterDto, @Res() res: Response) {
    sendBuffer(res, { contentType: XLSX, ...await this.files.dashboardXlsx(filter) });
  }

  @ApiExcludeEndpoint()
  @Get('dashboard.pdf')
  async pdf(@Query() filter: DashboardFilterDto, @Res() res: Response) {
    sendBuffer(res, { contentType: 'application/pdf', ...await this.files.dashboardPdf(filter) });
  }

  @ApiExcludeEndpoint()
  @Get('tables/:table.xlsx')
  async table(@Param('table') table: string, @Query() filter: DashboardFilterDto, @Res() res: Response) {
    sendBuffer(res, { contentType: XLSX, ...await this.files.dashboardTableXlsx(filter, table) });
  }

  @ApiExcludeEndpoint()
  @Get('charts/:chart.svg')
  async chart(@Param('chart') chart: string, @Query() filter: DashboardFilterDto, @Res() res: Response) {
    svg(res, await this.reports.dashboardChart(filter, chart));
  }
}

@ApiTags('reports')
@Controller('api/v1/reports')
@Roles('organiser')
export class ReportsApiController {
  constructor(private readonly reports: ReportsService) {}

  @Get('sessions/:id')
  session(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.reports.sessionReport(id, user);
  }

  @Get('dashboard')
  dashboard(@Query() filter: DashboardFilterDto) {
    return this.reports.dashboard(filter);
  }
}
