import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import type { AuthUser } from '../common/request-context';
import { sendFile } from '../common/file-out';
import { AuditLogService } from './audit-log.service';
import { SearchAuditDto } from './dto/search-audit.dto';

/** The audit trail, read-only: who changed what, when, old → new. */
@ApiExcludeController()
@Controller('audit')
export class AuditController {
  constructor(private readonly log: AuditLogService) {}

  @Get()
  @Roles('organiser')
  @Render('audit/index')
  async index(@Query() q: SearchAuditDto) {
    return { title: 'Nhật ký thao tác', ...(await this.log.page(q)) };
  }

  @Get('export.csv')
  @Roles('organiser')
  async export(@Query() q: SearchAuditDto, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.log.csv(q, user.id));
  }
}
