import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { AddEnrollmentsDto } from './dto/add-enrollments.dto';
import { ListEnrollmentsDto } from './dto/list-enrollments.dto';
import { EnrollmentsPagesService } from './enrollments-pages.service';
import { EnrollmentsService } from './enrollments.service';

@ApiExcludeController()
@Controller('sessions/:sessionId/enrollments')
@Roles('organiser')
export class EnrollmentsController {
  constructor(
    private readonly enrollments: EnrollmentsService,
    private readonly pages: EnrollmentsPagesService,
  ) {}

  @Get()
  @Render('enrollments/list')
  list(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Query() q: ListEnrollmentsDto, @CurrentUser() user: AuthUser) {
    return this.pages.page(sessionId, user, q.status || undefined, q.q, q.page);
  }

  @Post()
  async add(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Body() dto: AddEnrollmentsDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const r = await this.enrollments.enrol(sessionId, dto.traineeIds, actor.id);
    const parts = [`Đã thêm ${r.added + r.reactivated} học viên`];
    if (r.already) parts.push(`${r.already} học viên đã có trong lớp`);
    if (r.invited) parts.push(`đang gửi ${r.invited} thư mời`);
    flash(req, 'success', parts.join('; ') + '.');
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }

  @Post('invitations')
  async inviteAll(@Param('sessionId', ParseUUIDPipe) sessionId: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const n = await this.enrollments.inviteAll(sessionId, actor.id);
    flash(req, 'success', n ? `Đang gửi ${n} thư mời.` : 'Không còn học viên nào (có email) chưa được gửi thư mời.');
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }

  @Post(':id/cancel')
  async cancel(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.enrollments.cancel(sessionId, id, actor.id);
    flash(req, 'success', 'Đã hủy đăng ký.');
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }

  @Post(':id/confirm')
  async confirm(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.enrollments.confirm(sessionId, id, actor.id);
    flash(req, 'success', 'Đã xác nhận đăng ký.');
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }
}
