import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash, keptChoices, keptFormFor } from '../common/request-context';
import { AgendaService } from './agenda.service';
import { MaterialsService, UploadedTempFile } from './materials.service';
import { SessionPagesService } from './session-pages.service';
import { CreateSittingDto, UpdateSittingDto } from './dto/save-sitting.dto';
import { SaveTopicDto } from './dto/save-topic.dto';
import { UploadMaterialDto } from './dto/upload-material.dto';
import { UploadLimitMessageInterceptor } from './material-upload.interceptor';
import { sendMaterial } from './material-response';

/** Pages of a session's programme: agenda, sittings, topics and their materials. */
@ApiExcludeController()
@Controller('sessions/:id')
export class AgendaController {
  constructor(
    private readonly agenda: AgendaService,
    private readonly materials: MaterialsService,
    private readonly pages: SessionPagesService,
  ) {}

  @Get('agenda')
  @Roles('organiser', 'lecturer', 'trainee')
  @Render('training-sessions/agenda')
  async agendaPage(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const view = await this.pages.agendaPage(id, user);
    return { title: `Chương trình: ${view.session.title}`, ...view };
  }

  @Get('sittings')
  @Roles('organiser', 'lecturer')
  @Render('training-sessions/sittings')
  async sittingsPage(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const view = await this.pages.sittingsPage(id, user);
    return { title: `Các buổi học: ${view.session.title}`, ...view };
  }

  @Post('sittings')
  @Roles('organiser')
  async addSitting(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSittingDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.agenda.addSitting(id, dto, user);
    flash(req, 'success', 'Đã thêm buổi học.');
    res.redirect(303, `/sessions/${id}/sittings`);
  }

  @Post('sittings/:sittingId')
  @Roles('organiser')
  async updateSitting(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('sittingId', ParseUUIDPipe) sittingId: string,
    @Body() dto: UpdateSittingDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AppRequest,
    @Res() res: Response,
  ) {
    await this.agenda.updateSitting(sittingId, dto, user, id);
    flash(req, 'success', 'Đã lưu giờ của buổi học.');
    res.redirect(303, `/sessions/${id}/sittings`);
  }

  @Post('sittings/:sittingId/delete')
  @Roles('organiser')
  async removeSitting(@Param('id', ParseUUIDPipe) id: string, @Param('sittingId', ParseUUIDPipe) sittingId: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.agenda.removeSitting(sittingId, user, id);
    flash(req, 'success', 'Đã xóa buổi học.');
    res.redirect(303, `/sessions/${id}/sittings`);
  }

  @Get('topics/new')
  @Roles('organiser')
  @Render('training-sessions/topic-new')
  async newTopic(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    const view = await this.pages.topicFormPage(id, user);
    return { title: 'Thêm nội dung chương trình', ...view, selectedLecturers: keptChoices(res, 'lecturerIds') ?? view.selectedLecturers };
  }

  @Post('topics')
  @Roles('organiser')
  async createTopic(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveTopicDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const t = await this.agenda.createTopic(id, dto, user);
    flash(req, 'success', `Đã thêm "${t.title}" vào chương trình.`);
    res.redirect(303, `/sessions/${id}/agenda`);
  }

  @Get('topics/:topicId')
  @Roles('organiser', 'lecturer', 'trainee')
  @Render('training-sessions/topic')
  async topicPage(@Param('id', ParseUUIDPipe) id: string, @Param('topicId', ParseUUIDPipe) topicId: string, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    const view = await this.pages.topicPage(id, topicId, user);
    // Two forms on the page: a refused upload refills the upload form, never the topic's own.
    const action = `/sessions/${id}/topics/${topicId}`;
    return {
      title: view.topic.title,
      ...view,
      form: keptFormFor(res, action),
      uploadInput: keptFormFor(res, `${action}/materials`)?.input,
      selectedLecturers: keptChoices(res, 'lecturerIds', action) ?? view.selectedLecturers,
    };
  }

  @Post('topics/:topicId')
  @Roles('organiser')
  async updateTopic(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('topicId', ParseUUIDPipe) topicId: string,
    @Body() dto: SaveTopicDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AppRequest,
    @Res() res: Response,
  ) {
    await this.agenda.updateTopic(topicId, dto, user, id);
    flash(req, 'success', 'Đã lưu nội dung.');
    res.redirect(303, `/sessions/${id}/topics/${topicId}`);
  }

  @Post('topics/:topicId/delete')
  @Roles('organiser')
  async deleteTopic(@Param('id', ParseUUIDPipe) id: string, @Param('topicId', ParseUUIDPipe) topicId: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const t = await this.agenda.deleteTopic(topicId, user, id);
    flash(req, 'success', `Đã xóa "${t.title}" khỏi chương trình.`);
    res.redirect(303, `/sessions/${id}/agenda`);
  }

  /** Multipart form (CSRF token in the query string). */
  @Post('topics/:topicId/materials')
  @Roles('organiser', 'lecturer')
  @UseInterceptors(UploadLimitMessageInterceptor, FileInterceptor('file'))
  async upload(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('topicId', ParseUUIDPipe) topicId: string,
    @UploadedFile() file: UploadedTempFile | undefined,
    @Body() dto: UploadMaterialDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AppRequest,
    @Res() res: Response,
  ) {
    const m = await this.materials.upload(topicId, file, dto, user, id);
    flash(req, 'success', `Đã tải lên "${m.originalName}" (phiên bản ${m.version}).`);
    res.redirect(303, `/sessions/${id}/topics/${topicId}`);
  }

  @Get('materials/:materialId')
  @Roles('organiser', 'lecturer', 'trainee')
  async download(@Param('id', ParseUUIDPipe) id: string, @Param('materialId', ParseUUIDPipe) materialId: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendMaterial(res, await this.materials.download(materialId, user, id));
  }
}
