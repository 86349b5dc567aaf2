import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { sendBuffer } from '../common/file-out';
import { BookletPeriodDto } from './dto/search-questions.dto';
import { QaBookletService } from './qa-booklet.service';

/** The Q&A booklet (published questions and answers) of a session or of a period, as PDF and XLSX. */
@ApiExcludeController()
@Controller()
@Roles('organiser', 'lecturer')
export class QaBookletController {
  constructor(private readonly booklets: QaBookletService) {}

  @Get('sessions/:id/qa-booklet.pdf')
  async sessionPdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, await this.booklets.forSession(id, 'pdf', user));
  }

  @Get('sessions/:id/qa-booklet.xlsx')
  async sessionXlsx(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, await this.booklets.forSession(id, 'xlsx', user));
  }

  @Get('qa/booklet.pdf')
  async periodPdf(@Query() q: BookletPeriodDto, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, await this.booklets.forPeriod(q.from, q.to, 'pdf', user));
  }

  @Get('qa/booklet.xlsx')
  async periodXlsx(@Query() q: BookletPeriodDto, @CurrentUser() user: AuthUser, @Res() res: Response) {
    sendBuffer(res, await this.booklets.forPeriod(q.from, q.to, 'xlsx', user));
  }
}
