import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { CreateQuestionDto } from './dto/create-question.dto';
import { AnswerQuestionDto } from './dto/answer-question.dto';
import { RejectQuestionDto } from './dto/reject-question.dto';
import { ClassifyQuestionDto } from './dto/classify-question.dto';
import { SearchQuestionsDto, SimilarQuestionsDto } from './dto/search-questions.dto';
import { QaApiService } from './qa-api.service';

@ApiTags('questions')
@ApiBearerAuth()
@Controller('api/v1')
export class QaApiController {
  constructor(private readonly api: QaApiService) {}

  @Get('questions')
  @ApiOperation({ summary: 'Search questions (diacritic-insensitive) with filters; trainees see published answers of their sessions and their own questions' })
  search(@Query() q: SearchQuestionsDto, @CurrentUser() user: AuthUser) {
    return this.api.search(q, user);
  }

  @Get('questions/similar')
  @Roles('organiser', 'lecturer')
  @ApiOperation({ summary: 'Published questions alike to a text' })
  similar(@Query() q: SimilarQuestionsDto, @CurrentUser() user: AuthUser) {
    return this.api.similar(q.text, user);
  }

  @Post('questions')
  @ApiOperation({ summary: 'A trainee asks in their session, or an organiser logs a question on behalf of a trainee, a commune or a province' })
  create(@Body() dto: CreateQuestionDto, @CurrentUser() user: AuthUser) {
    return this.api.create(dto, user);
  }

  @Get('questions/:id')
  @ApiOperation({ summary: 'One question, its answer and similar published questions' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.api.get(id, user);
  }

  @Put('questions/:id/answer')
  @Roles('organiser', 'lecturer')
  @ApiOperation({ summary: 'Write or edit the answer (until published); lecturers only for their topics' })
  answer(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AnswerQuestionDto, @CurrentUser() user: AuthUser) {
    return this.api.answer(id, dto.text, user);
  }

  @Post('questions/:id/publish')
  @HttpCode(200)
  @Roles('organiser')
  publish(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.api.publish(id, user);
  }

  @Post('questions/:id/unpublish')
  @HttpCode(200)
  @Roles('organiser')
  unpublish(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.api.unpublish(id, user);
  }

  @Post('questions/:id/reject')
  @HttpCode(200)
  @Roles('organiser')
  reject(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RejectQuestionDto, @CurrentUser() user: AuthUser) {
    return this.api.reject(id, dto.reason, user);
  }

  @Post('questions/:id/reopen')
  @HttpCode(200)
  @Roles('organiser')
  reopen(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.api.reopen(id, user);
  }

  @Put('questions/:id/classification')
  @Roles('organiser')
  classify(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ClassifyQuestionDto, @CurrentUser() user: AuthUser) {
    return this.api.classify(id, dto, user);
  }

  @Get('question-categories')
  @ApiOperation({ summary: 'The categories of questions, in order' })
  categories() {
    return this.api.categories();
  }
}
