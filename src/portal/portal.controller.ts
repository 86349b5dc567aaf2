import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Public, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { formatDateTime } from '../common/view-engine';
import { UsersService } from '../users/users.service';
import { LoginThrottlerGuard } from '../auth/login-throttler.guard';
import { ActivateDto } from './dto/activate.dto';
import { PortalAccountsService } from './portal-accounts.service';
import { PortalService } from './portal.service';
import { contentDisposition } from '../common/file-names';

@ApiExcludeController()
@Controller()
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    private readonly accounts: PortalAccountsService,
    private readonly users: UsersService,
  ) {}

  @Get('portal')
  @Roles('trainee')
  @Render('portal/home')
  async home(@CurrentUser() user: AuthUser) {
    return { title: 'Lớp của tôi', sessions: await this.portal.home(user) };
  }

  @Get('portal/sessions/:id')
  @Roles('trainee')
  @Render('portal/session')
  async session(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const v = await this.portal.session(user, id);
    return { title: v.session.title, ...v };
  }

  @Public()
  @Get('portal/activate')
  @Render('portal/activate')
  activateForm() {
    return { title: 'Kích hoạt tài khoản học viên' };
  }

  @Public()
  @Post('portal/activate')
  @UseGuards(LoginThrottlerGuard)
  async activate(@Body() dto: ActivateDto, @Req() req: AppRequest, @Res() res: Response) {
    const user = await this.users.activateWithCode(dto.login, dto.code, dto.password, { ip: req.ip, userAgent: req.get('user-agent') });
    if (!user) {
      flash(req, 'error', 'Tên đăng nhập hoặc mã đăng nhập không đúng, hoặc mã đã hết hạn / đã dùng. Vui lòng liên hệ Ban tổ chức để nhận mã mới.');
      req.session.form = { errors: {}, input: { login: dto.login } };
      return res.redirect(303, '/portal/activate');
    }
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = user.id;
    flash(req, 'success', `Đã đặt mật khẩu. Xin chào ${user.fullName}.`);
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    res.redirect(303, '/portal');
  }

  /** Organiser: create the trainee's account (or a new code) and show the code once. */
  @Post('sessions/:sessionId/enrollments/:id/account')
  @Roles('organiser')
  async issue(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const r = await this.accounts.issueCode(sessionId, id, actor);
    flash(req, 'success', `${r.created ? 'Đã tạo tài khoản' : 'Đã cấp mã mới'} cho ${r.fullName}. Tên đăng nhập: ${r.login}. Mã đăng nhập: ${r.code} (dùng một lần, hiệu lực đến ${formatDateTime(r.expiresAt)}, tại /portal/activate).`);
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }

  /** Organiser: a printable sign-in slip (PDF) with a new code. */
  @Post('sessions/:sessionId/enrollments/:id/slip')
  @Roles('organiser')
  async slip(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Res() res: Response) {
    const pdf = await this.accounts.slip(sessionId, id, actor);
    res.status(200);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', contentDisposition('phieu-dang-nhap.pdf', 'inline'));
    res.setHeader('Cache-Control', 'no-store');
    res.send(pdf);
  }
}
