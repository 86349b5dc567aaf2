import { Controller, Get, Param, ParseUUIDPipe, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/decorators';
import { SessionPagesService } from './session-pages.service';
import { ListSessionsQuery } from './training-sessions.controller';

const PAGE_SIZE = 20;

/** Public programme of published sessions (no sign-in). Drafts and cancelled sessions are 404. */
@ApiExcludeController()
@Controller('programme')
@Public()
export class ProgrammeController {
  constructor(private readonly pages: SessionPagesService) {}

  @Get()
  @Render('training-sessions/programme-list')
  async list(@Query() query: ListSessionsQuery) {
    const { rows, paging } = await this.pages.programmeList(query.q, query.page, PAGE_SIZE);
    return { title: 'Chương trình tập huấn', sessions: rows, q: query.q, paging };
  }

  @Get(':id')
  @Render('training-sessions/programme')
  async show(@Param('id', ParseUUIDPipe) id: string) {
    const view = await this.pages.programmePage(id);
    return { title: view.session.title, ...view };
  }
}
