import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCookieAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { TrainingSessionsService } from './training-sessions.service';
import { AgendaService } from './agenda.service';
import { MaterialsService, UploadedTempFile } from './materials.service';
import { CreateSessionDto } from './dto/create-session.dto';
import { UpdateSessionDto } from './dto/update-session.dto';
import { ChangeStatusDto } from './dto/change-status.dto';
import { CloneSessionDto } from './dto/clone-session.dto';
import { CreateSittingDto, UpdateSittingDto } from './dto/save-sitting.dto';
import { SaveTopicDto } from './dto/save-topic.dto';
import { UploadMaterialDto } from './dto/upload-material.dto';
import { MaterialResponse, SessionListResponse, SessionResponse, SittingResponse, TopicResponse } from './dto/api-responses';
import { ListSessionsQuery } from './training-sessions.controller';
import { toMaterialResponse, toSessionResponse, toSittingResponse, toTopicResponse } from './api-mappers';
import { UploadLimitMessageInterceptor } from './material-upload.interceptor';
import { sendMaterial } from './material-response';

const PAGE_SIZE = 50;

/** JSON API of sessions, sittings, topics and materials; same rules as the pages. */
@ApiTags('sessions')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/v1')
export class SessionsApiController {
  constructor(
    private readonly sessions: TrainingSessionsService,
    private readonly agenda: AgendaService,
    private readonly materials: MaterialsService,
  ) {}

  @Get('sessions')
  @ApiOperation({ summary: 'Danh sách lớp (học viên: chỉ lớp đã công bố mình được ghi danh)' })
  @ApiOkResponse({ type: SessionListResponse })
  async list(@Query() q: ListSessionsQuery, @CurrentUser() user: AuthUser): Promise<SessionListResponse> {
    const page = q.page ?? 1;
    const [rows, total] = await this.sessions.list(user, q.q, page, PAGE_SIZE);
    return { items: rows.map(toSessionResponse), total, page, pageSize: PAGE_SIZE };
  }

  @Post('sessions')
  @Roles('organiser')
  @ApiOperation({ summary: 'Tạo lớp (bản nháp) kèm các buổi sáng/chiều mặc định' })
  @ApiCreatedResponse({ type: SessionResponse })
  async create(@Body() dto: CreateSessionDto, @CurrentUser() user: AuthUser): Promise<SessionResponse> {
    return toSessionResponse(await this.sessions.create(dto, user));
  }

  @Get('sessions/:id')
  @ApiOkResponse({ type: SessionResponse })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<SessionResponse> {
    return toSessionResponse(await this.sessions.get(id, user));
  }

  @Patch('sessions/:id')
  @Roles('organiser')
  @ApiOperation({ summary: 'Sửa thông tin lớp: chỉ các trường gửi lên được thay; null xóa một trường không bắt buộc' })
  @ApiOkResponse({ type: SessionResponse })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSessionDto, @CurrentUser() user: AuthUser): Promise<SessionResponse> {
    return toSessionResponse(await this.sessions.patch(id, dto, user));
  }

  @Post('sessions/:id/status')
  @Roles('organiser')
  @HttpCode(200)
  @ApiOperation({ summary: 'Đổi trạng thái: draft → published → ongoing → completed, hoặc cancelled (cần lý do)' })
  @ApiOkResponse({ type: SessionResponse })
  async status(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeStatusDto, @CurrentUser() user: AuthUser): Promise<SessionResponse> {
    return toSessionResponse(await this.sessions.changeStatus(id, dto.status, dto.reason, user));
  }

  @Post('sessions/:id/clone')
  @Roles('organiser')
  @ApiOperation({ summary: 'Nhân bản lớp (cùng chương trình, chuyên đề, báo cáo viên; ngày và địa điểm mới)' })
  @ApiCreatedResponse({ type: SessionResponse })
  async clone(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CloneSessionDto, @CurrentUser() user: AuthUser): Promise<SessionResponse> {
    return toSessionResponse(await this.sessions.clone(id, dto, user));
  }

  @Get('sessions/:id/sittings')
  @ApiOkResponse({ type: [SittingResponse] })
  async sittings(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<SittingResponse[]> {
    await this.sessions.get(id, user);
    return (await this.sessions.listSittings(id)).map(toSittingResponse);
  }

  @Post('sessions/:id/sittings')
  @Roles('organiser')
  @ApiCreatedResponse({ type: SittingResponse })
  async addSitting(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSittingDto, @CurrentUser() user: AuthUser): Promise<SittingResponse> {
    return toSittingResponse(await this.agenda.addSitting(id, dto, user));
  }

  @Patch('sittings/:sittingId')
  @Roles('organiser')
  @ApiOkResponse({ type: SittingResponse })
  async updateSitting(@Param('sittingId', ParseUUIDPipe) sittingId: string, @Body() dto: UpdateSittingDto, @CurrentUser() user: AuthUser): Promise<SittingResponse> {
    return toSittingResponse(await this.agenda.updateSitting(sittingId, dto, user));
  }

  @Delete('sittings/:sittingId')
  @Roles('organiser')
  @HttpCode(204)
  async removeSitting(@Param('sittingId', ParseUUIDPipe) sittingId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.agenda.removeSitting(sittingId, user);
  }

  @Get('sessions/:id/topics')
  @ApiOperation({ summary: 'Chương trình: chuyên đề và các nội dung khác, theo thứ tự thời gian' })
  @ApiOkResponse({ type: [TopicResponse] })
  async topics(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<TopicResponse[]> {
    await this.sessions.get(id, user);
    return (await this.sessions.listTopics(id)).map(toTopicResponse);
  }

  @Post('sessions/:id/topics')
  @Roles('organiser')
  @ApiCreatedResponse({ type: TopicResponse })
  async createTopic(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveTopicDto, @CurrentUser() user: AuthUser): Promise<TopicResponse> {
    return toTopicResponse(await this.agenda.createTopic(id, dto, user));
  }

  @Get('topics/:topicId')
  @ApiOkResponse({ type: TopicResponse })
  async topic(@Param('topicId', ParseUUIDPipe) topicId: string, @CurrentUser() user: AuthUser): Promise<TopicResponse> {
    return toTopicResponse((await this.agenda.getTopic(topicId, user)).topic);
  }

  @Patch('topics/:topicId')
  @Roles('organiser')
  @ApiOkResponse({ type: TopicResponse })
  async updateTopic(@Param('topicId', ParseUUIDPipe) topicId: string, @Body() dto: SaveTopicDto, @CurrentUser() user: AuthUser): Promise<TopicResponse> {
    return toTopicResponse(await this.agenda.updateTopic(topicId, dto, user));
  }

  @Delete('topics/:topicId')
  @Roles('organiser')
  @HttpCode(204)
  async deleteTopic(@Param('topicId', ParseUUIDPipe) topicId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.agenda.deleteTopic(topicId, user);
  }

  @Get('topics/:topicId/materials')
  @ApiOperation({ summary: 'Mọi phiên bản tài liệu của chuyên đề (mới nhất trước trong mỗi tài liệu)' })
  @ApiOkResponse({ type: [MaterialResponse] })
  async materialsOf(@Param('topicId', ParseUUIDPipe) topicId: string, @CurrentUser() user: AuthUser): Promise<MaterialResponse[]> {
    return (await this.materials.listForTopic(topicId, user)).materials.map(toMaterialResponse);
  }

  @Post('topics/:topicId/materials')
  @Roles('organiser', 'lecturer')
  @UseInterceptors(UploadLimitMessageInterceptor, FileInterceptor('file'))
  @ApiOperation({ summary: 'Tải lên tài liệu (hoặc phiên bản mới khi có seriesId). Loại tệp xét theo nội dung: 415 nếu không nhận; 413 nếu quá lớn.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, title: { type: 'string' }, seriesId: { type: 'string', format: 'uuid' } } } })
  @ApiCreatedResponse({ type: MaterialResponse })
  async upload(
    @Param('topicId', ParseUUIDPipe) topicId: string,
    @UploadedFile() file: UploadedTempFile | undefined,
    @Body() dto: UploadMaterialDto,
    @CurrentUser() user: AuthUser,
  ): Promise<MaterialResponse> {
    return toMaterialResponse(await this.materials.upload(topicId, file, dto, user));
  }

  @Get('materials/:materialId/download')
  @ApiOperation({ summary: 'Tải tài liệu: ban tổ chức, báo cáo viên của chuyên đề, học viên được ghi danh; người khác 403' })
  @ApiProduces('application/octet-stream')
  async download(@Param('materialId', ParseUUIDPipe) materialId: string, @CurrentUser() user: AuthUser, @Res() res: Response): Promise<void> {
    sendMaterial(res, await this.materials.download(materialId, user));
  }
}
