import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash, keptFormFor } from '../common/request-context';
import { SearchQuestionsDto } from './dto/search-questions.dto';
import { LogQuestionDto } from './dto/log-question.dto';
import { AnswerQuestionDto } from './dto/answer-question.dto';
import { RejectQuestionDto } from './dto/reject-question.dto';
import { ClassifyQuestionFormDto } from './dto/classify-question.dto';
import { QaPagesService } from './qa-pages.service';
import { QaQuestionsService } from './qa-questions.service';
import { QaReviewService } from './qa-review.service';

/** Staff pages of the Q&A log: a session's questions, search across sessions, one question. */
@ApiExcludeController()
@Controller()
@Roles('organiser', 'lecturer')
export class QaController {
  constructor(
    private readonly pages: QaPagesService,
    private readonly questions: QaQuestionsService,
    private readonly review: QaReviewService,
  ) {}

  @Get('sessions/:id/questions')
  @Render('qa/session')
  sessionQuestions(@Param('id', ParseUUIDPipe) id: string, @Query() filter: SearchQuestionsDto, @CurrentUser() user: AuthUser) {
    return this.pages.sessionPage(id, filter, user);
  }

  @Post('sessions/:id/questions')
  @Roles('organiser')
  async log(@Param('id', ParseUUIDPipe) id: string, @Body() dto: LogQuestionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const q = await this.questions.log(id, dto, user);
    flash(req, 'success', 'Đã ghi nhận câu hỏi. Xem các câu hỏi tương tự đã công bố bên dưới để dùng lại câu trả lời.');
    res.redirect(303, `/questions/${q.id}`);
  }

  @Get('questions')
  @Render('qa/search')
  search(@Query() filter: SearchQuestionsDto, @CurrentUser() user: AuthUser) {
    return this.pages.searchPage(filter, user);
  }

  @Get('questions/:id')
  @Render('qa/show')
  async show(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response) {
    // An answer refused because the question was published (or rejected) meanwhile: its text is shown to copy.
    const typed = keptFormFor(res, `/questions/${id}/answer`)?.input.text;
    return { ...(await this.pages.questionPage(id, user)), unsavedAnswer: typeof typed === 'string' ? typed : null };
  }

  @Post('questions/:id/answer')
  async answer(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AnswerQuestionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.review.answer(id, dto.text, user);
    flash(req, 'success', 'Đã lưu câu trả lời.');
    res.redirect(303, `/questions/${id}`);
  }

  @Post('questions/:id/publish')
  @Roles('organiser')
  async publish(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.review.publish(id, user);
    flash(req, 'success', 'Đã công bố câu hỏi và câu trả lời.');
    res.redirect(303, `/questions/${id}`);
  }

  @Post('questions/:id/unpublish')
  @Roles('organiser')
  async unpublish(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.review.unpublish(id, user);
    flash(req, 'success', 'Đã thu hồi công bố; câu trả lời có thể sửa lại.');
    res.redirect(303, `/questions/${id}`);
  }

  @Post('questions/:id/reject')
  @Roles('organiser')
  async reject(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RejectQuestionDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.review.reject(id, dto.reason, user);
    flash(req, 'success', 'Đã từ chối câu hỏi.');
    res.redirect(303, `/questions/${id}`);
  }

  @Post('questions/:id/reopen')
  @Roles('organiser')
  async reopen(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.review.reopen(id, user);
    flash(req, 'success', 'Đã mở lại câu hỏi.');
    res.redirect(303, `/questions/${id}`);
  }

  @Post('questions/:id/classify')
  @Roles('organiser')
  async classify(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ClassifyQuestionFormDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.questions.classify(id, dto, user);
    flash(req, 'success', 'Đã cập nhật chuyên đề, lĩnh vực.');
    res.redirect(303, `/questions/${id}`);
  }
}
