import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController, ApiPropertyOptional } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash, keptFormFor } from '../common/request-context';
import { PageQueryDto } from '../common/paging';
import { TrainingSessionsService } from './training-sessions.service';
import { SessionPagesService } from './session-pages.service';
import { SessionExportsService } from './session-exports.service';
import { CreateSessionDto } from './dto/create-session.dto';
import { ChangeStatusDto } from './dto/change-status.dto';
import { CloneSessionDto } from './dto/clone-session.dto';
import { SESSION_STATUS_LABELS } from './training-session.entity';
import { asciiFileName, contentDisposition } from '../common/file-names';
import { pipeToResponse } from '../common/file-out';

export class ListSessionsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Từ khóa trong tên lớp (không phân biệt dấu, hoa thường)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

const PAGE_SIZE = 20;

@ApiExcludeController()
@Controller('sessions')
export class TrainingSessionsController {
  constructor(
    private readonly sessions: TrainingSessionsService,
    private readonly pages: SessionPagesService,
    private readonly exports: SessionExportsService,
  ) {}

  @Get()
  @Roles('organiser', 'lecturer')
  @Render('training-sessions/list')
  async list(@Query() query: ListSessionsQuery, @CurrentUser() user: AuthUser) {
    const { rows, paging, query: pagingQuery, canCreate } = await this.pages.listPage(user, query.q, query.page, PAGE_SIZE);
    return { title: 'Lớp tập huấn', sessions: rows, q: query.q, canCreate, paging, query: pagingQuery };
  }

  @Get('new')
  @Roles('organiser')
  @Render('training-sessions/new')
  async newForm() {
    return { title: 'Tạo lớp tập huấn', ...(await this.pages.formPage()) };
  }

  @Post()
  @Roles('organiser')
  async create(@Body() dto: CreateSessionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const s = await this.sessions.create(dto, user);
    flash(req, 'success', `Đã tạo lớp "${s.title}" với các buổi sáng, chiều theo ngày. Tiếp theo: thêm chuyên đề vào chương trình.`);
    res.redirect(303, `/sessions/${s.id}`);
  }

  @Get(':id')
  @Roles('organiser', 'lecturer', 'trainee')
  @Render('training-sessions/show')
  async show(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    const view = await this.pages.showPage(id, user);
    // Two forms on the page: a refused clone refills the clone form, never the cancellation's reason.
    return { title: view.session.title, ...view, cloneInput: keptFormFor(res, `/sessions/${id}/clone`)?.input };
  }

  @Get(':id/edit')
  @Roles('organiser')
  @Render('training-sessions/edit')
  async editForm(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const view = await this.pages.formPage(id, user);
    return { title: `Sửa: ${view.session!.title}`, ...view };
  }

  @Post(':id')
  @Roles('organiser')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSessionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.sessions.update(id, dto, user);
    flash(req, 'success', 'Đã lưu thông tin lớp.');
    res.redirect(303, `/sessions/${id}`);
  }

  @Post(':id/status')
  @Roles('organiser')
  async status(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeStatusDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const s = await this.sessions.changeStatus(id, dto.status, dto.reason, user);
    flash(req, 'success', `Trạng thái của lớp: ${SESSION_STATUS_LABELS[s.status]}.`);
    res.redirect(303, `/sessions/${id}`);
  }

  @Post(':id/clone')
  @Roles('organiser')
  async clone(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CloneSessionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const s = await this.sessions.clone(id, dto, user);
    flash(req, 'success', `Đã nhân bản lớp (bản nháp) tại ${s.venue}. Kiểm tra chương trình rồi công bố.`);
    res.redirect(303, `/sessions/${s.id}`);
  }

  @Get(':id/calendar.ics')
  @Roles('organiser', 'lecturer', 'trainee')
  async calendar(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { ics } = await this.exports.calendar(id, user);
    res.set('Content-Type', 'text/calendar; charset=utf-8').set('Content-Disposition', contentDisposition('lich-tap-huan.ics')).send(ics);
  }

  @Get(':id/agenda.pdf')
  @Roles('organiser', 'lecturer', 'trainee')
  async agendaPdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { stream } = await this.exports.agendaPdf(id, user);
    res.set('Content-Type', 'application/pdf').set('Content-Disposition', contentDisposition('Chuong-trinh.pdf', 'inline'));
    pipeToResponse(stream, res);
  }

  @Get(':id/offline.zip')
  @Roles('organiser', 'lecturer', 'trainee')
  async offline(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { session, stream } = await this.exports.offlinePackage(id, user);
    const name = `Tap-huan-${asciiFileName(session.startDate)}-offline.zip`;
    res.set('Content-Type', 'application/zip').set('Content-Disposition', contentDisposition(name));
    pipeToResponse(stream, res);
  }
}
