import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { ListTraineesDto } from './dto/list-trainees.dto';
import { SaveTraineeDto } from './dto/save-trainee.dto';
import { MergeSearchDto, MergeTraineesDto } from './dto/merge-trainees.dto';
import { TraineesPagesService } from './trainees-pages.service';
import { TraineesService } from './trainees.service';
import { describeMatch, DuplicateMatch, MatchKind } from './duplicate-rule';

const PAGE_SIZE = 50;

function duplicateFlash(req: AppRequest, name: string, verb: string, duplicates: DuplicateMatch<{ fullName: string }>[]) {
  flash(req, 'success', `Đã ${verb} học viên ${name}.`);
  const list = (kind: MatchKind) =>
    duplicates
      .filter((d) => d.kind === kind)
      .map((d) => `${d.trainee.fullName} (${describeMatch(d)})`)
      .join('; ');
  const same = list('same');
  const conflict = list('conflict');
  const possible = list('possible');
  if (same) flash(req, 'error', `Có thể trùng lặp với: ${same}. Xem hồ sơ để gộp nếu là cùng một người.`);
  if (conflict) flash(req, 'error', `Số CCCD đã có ở hồ sơ khác họ tên và ngày sinh: ${conflict}. Kiểm tra lại số CCCD.`);
  if (possible) flash(req, 'info', `Có điểm chung với: ${possible}. Có thể là người khác (ví dụ dùng chung số điện thoại của xã); gộp hồ sơ nếu là cùng một người.`);
}

@ApiExcludeController()
@Controller('trainees')
@Roles('organiser')
export class TraineesController {
  constructor(
    private readonly trainees: TraineesService,
    private readonly pages: TraineesPagesService,
  ) {}

  @Get()
  @Render('trainees/list')
  async list(@Query() q: ListTraineesDto) {
    return { title: 'Danh bạ học viên', ...(await this.pages.directory(q, PAGE_SIZE)) };
  }

  @Get('new')
  @Render('trainees/form')
  newForm() {
    return this.pages.form(null);
  }

  @Post()
  async create(@Body() dto: SaveTraineeDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { trainee, duplicates } = await this.trainees.create(dto, actor.id);
    duplicateFlash(req, trainee.fullName, 'thêm', duplicates);
    res.redirect(303, `/trainees/${trainee.id}`);
  }

  @Get(':id')
  @Render('trainees/show')
  show(@Param('id', ParseUUIDPipe) id: string, @Query() q: MergeSearchDto) {
    return this.pages.profile(id, q.q);
  }

  @Get(':id/edit')
  @Render('trainees/form')
  editForm(@Param('id', ParseUUIDPipe) id: string) {
    return this.pages.form(id);
  }

  @Post(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveTraineeDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { trainee, duplicates } = await this.trainees.update(id, dto, actor.id);
    duplicateFlash(req, trainee.fullName, 'cập nhật', duplicates);
    res.redirect(303, `/trainees/${id}`);
  }

  @Post(':id/merge')
  async merge(@Param('id', ParseUUIDPipe) id: string, @Body() dto: MergeTraineesDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { trainee: kept, report } = await this.trainees.merge(id, dto.otherId, actor.id);
    flash(req, 'success', `Đã gộp hồ sơ vào ${kept.fullName}; các lượt đăng ký, điểm danh, giấy chứng nhận và lịch sử đã được chuyển theo.`);
    if (report.portalAccountDisabled) {
      flash(req, 'info', 'Cả hai hồ sơ đều có tài khoản cổng học viên: tài khoản của hồ sơ bị gộp đã bị khóa. Học viên đăng nhập bằng tài khoản của hồ sơ này (cấp mã đăng nhập mới từ danh sách học viên của lớp nếu cần).');
    }
    res.redirect(303, `/trainees/${id}`);
  }
}
