import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { homeFor } from '../auth/home-for';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { SESSION_STATUS_LABELS } from '../training-sessions/training-session.entity';

@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(private readonly sessions: TrainingSessionsService) {}

  @Get()
  async home(@CurrentUser() user: AuthUser, @Res() res: Response) {
    if (homeFor(user.role) !== '/') return res.redirect(303, homeFor(user.role));
    const [rows] = await this.sessions.list(user, undefined, 1, 10);
    res.render('home/index', {
      title: 'Trang chủ',
      sessions: rows.map((s) => ({ ...s, statusLabel: SESSION_STATUS_LABELS[s.status] })),
    });
  }
}
