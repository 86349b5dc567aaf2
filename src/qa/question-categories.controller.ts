import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { SaveCategoryDto } from './dto/save-category.dto';
import { QuestionCategoriesService } from './question-categories.service';

/** Organisers manage the list of question categories. */
@ApiExcludeController()
@Controller('qa/categories')
@Roles('organiser')
export class QuestionCategoriesController {
  constructor(private readonly categories: QuestionCategoriesService) {}

  @Get()
  @Render('qa/categories')
  async list(@CurrentUser() user: AuthUser) {
    return { title: 'Lĩnh vực câu hỏi', categories: await this.categories.listWithUse(user) };
  }

  @Post()
  async create(@Body() dto: SaveCategoryDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.categories.create(dto, user);
    flash(req, 'success', `Đã thêm lĩnh vực "${c.name}".`);
    res.redirect(303, '/qa/categories');
  }

  @Post(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveCategoryDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.categories.update(id, dto, user);
    flash(req, 'success', `Đã lưu lĩnh vực "${c.name}".`);
    res.redirect(303, '/qa/categories');
  }

  @Post(':id/delete')
  async remove(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.categories.remove(id, user);
    flash(req, 'success', `Đã xóa lĩnh vực "${c.name}".`);
    res.redirect(303, '/qa/categories');
  }
}
