import { Controller, Get, Param, ParseUUIDPipe, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { pageOf } from '../common/paging';
import { SESSION_STATUS_LABELS } from './training-session.entity';
import { TrainingSessionsService } from './training-sessions.service';

class ListSessionsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;
}

const PAGE_SIZE = 20;

@ApiExcludeController()
@Controller('sessions')
export class TrainingSessionsController {
  constructor(private readonly sessions: TrainingSessionsService) {}

  @Get()
  @Roles('organiser', 'lecturer')
  @Render('training-sessions/list')
  async list(@Query() query: ListSessionsQuery, @CurrentUser() user: AuthUser) {
    const [rows, total] = await this.sessions.list(user, query.q, query.page ?? 1, PAGE_SIZE);
    return {
      title: 'Lớp tập huấn',
      sessions: rows.map((s) => ({ ...s, statusLabel: SESSION_STATUS_LABELS[s.status] })),
      q: query.q,
      paging: pageOf(query.page, PAGE_SIZE, total),
    };
  }

  @Get(':id')
  @Roles('organiser', 'lecturer')
  @Render('training-sessions/show')
  async show(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const session = await this.sessions.get(id, user);
    return { title: session.title, session, statusLabel: SESSION_STATUS_LABELS[session.status] };
  }
}
