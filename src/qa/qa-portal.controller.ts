import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PageQueryDto } from '../common/paging';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { AskQuestionDto } from './dto/ask-question.dto';
import { QaPagesService } from './qa-pages.service';
import { QaQuestionsService } from './qa-questions.service';
import { QaBookletService } from './qa-booklet.service';
import { sendBuffer } from '../common/file-out';

/** The trainee's side of the Q&A log (kept apart from the rest of /portal). */
@ApiExcludeController()
@Controller('portal/sessions/:id')
@Roles('trainee')
export class QaPortalController {
  constructor(
    private readonly pages: QaPagesService,
    private readonly questions: QaQuestionsService,
    private readonly booklets: QaBookletService,
  ) {}

  @Get('questions')
  @Render('qa/portal')
  page(@Param('id', ParseUUIDPipe) id: string, @Query() q: PageQueryDto, @CurrentUser() user: AuthUser) {
    return this.pages.portalPage(id, q.page, user);
  }

  @Post('questions')
  async ask(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AskQuestionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.questions.ask(id, dto, user);
    flash(req, 'success', 'Đã gửi câu hỏi. Câu trả lời sẽ hiện ở đây khi được ban tổ chức công bố.');
    res.redirect(303, `/portal/sessions/${id}/questions`);
  }

  @Get('qa-booklet.pdf')
  async booklet(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, await this.booklets.forSession(id, 'pdf', user));
  }
}
