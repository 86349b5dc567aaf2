import { Body, Controller, Get, HttpException, HttpStatus, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { CurrentUser, Public, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { SelfCheckinService } from './self-checkin.service';
import { checkinServiceWorker } from './checkin-service-worker';
import { TraineeAttendanceService } from './trainee-attendance.service';
import { SelfCheckinDto } from './dto/self-checkin.dto';
import { vendorScript } from '../common/static-assets';

/** The trainee's side (own QR codes, self check-in form) and the check-in page's static pieces. */
@ApiExcludeController()
@Controller()
export class AttendanceTraineeController {
  constructor(
    private readonly selfCheckin: SelfCheckinService,
    private readonly trainee: TraineeAttendanceService,
  ) {}

  @Get('attendance/me')
  @Roles('trainee')
  @Render('attendance/me')
  async me(@CurrentUser() user: AuthUser) {
    return { title: 'Điểm danh của tôi', ...(await this.trainee.myCheckin(user)) };
  }

  @Post('attendance/me/self-checkin')
  @Roles('trainee')
  async self(@Body() dto: SelfCheckinDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    let r;
    try {
      r = await this.selfCheckin.checkIn(user, dto.sessionId, dto.code);
    } catch (e) {
      // Too many codes: back to the form with the message (other refusals go back through the exception filter).
      if (!(e instanceof HttpException) || e.getStatus() !== HttpStatus.TOO_MANY_REQUESTS) throw e;
      flash(req, 'error', String(e.getResponse()));
      return res.redirect(303, '/attendance/me');
    }
    flash(req, 'success', r.outcome === 'already' ? `Bạn đã điểm danh lúc ${r.markedAtLocal}.` : `Đã điểm danh: ${r.statusLabel.toLowerCase()} lúc ${r.markedAtLocal}.`);
    res.redirect(303, '/attendance/me');
  }

  /** What a phone's own camera app opens from a badge, or the link of an invitation: the trainee's code, to show at the door. */
  @Get('checkin/t/:token')
  @Public()
  @Render('attendance/token')
  async token(@Param('token') token: string) {
    return { title: 'Mã điểm danh', ...(await this.trainee.tokenPage(token)) };
  }

  /** Served from the root so its scope covers the check-in pages. */
  @Get('checkin-sw.js')
  @Public()
  serviceWorker(@Res() res: Response) {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Service-Worker-Allowed', '/');
    res.send(checkinServiceWorker());
  }

  /** QR decoder and IndexedDB helper for the check-in page, from node_modules (no CDN). */
  @Get('assets/vendor/:file')
  @Public()
  vendor(@Param('file') file: string, @Res() res: Response) {
    const path = vendorScript(file);
    if (!path) return res.status(404).type('text/plain').send('Not found');
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    createReadStream(path).pipe(res);
  }
}
