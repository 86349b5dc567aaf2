import { Body, Controller, Get, Post, Query, Render, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { Response } from 'express';
import { CurrentUser, Public } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { UsersService } from '../users/users.service';
import { LoginDto } from './dto/login.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { homeFor } from './home-for';

/** Only local paths are followed after login (no open redirect). */
function safeNext(next?: string): string | undefined {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : undefined;
}

@ApiExcludeController()
@Controller()
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Get('login')
  @Render('auth/login')
  loginForm(@Query('next') next: string | undefined, @Query('signedOut') signedOut: string | undefined, @CurrentUser() user?: AuthUser) {
    // After signing out, the page clears what the check-in phone kept of the course for offline use (not the
    // scans still to send): a shared phone shows the next person nothing of it.
    const out = signedOut === '1' && !user;
    return { title: 'Đăng nhập', next: safeNext(next), alreadySignedIn: !!user, signedOut: out, scripts: out ? ['/assets/js/signed-out.js'] : [] };
  }

  @Public()
  @Post('login')
  @UseGuards(LoginThrottlerGuard)
  async login(@Body() dto: LoginDto, @Req() req: AppRequest, @Res() res: Response) {
    const user = await this.users.authenticate(dto.login, dto.password, { ip: req.ip, userAgent: req.get('user-agent') });
    if (!user) {
      flash(req, 'error', 'Tên đăng nhập hoặc mật khẩu không đúng.');
      req.session.form = { errors: {}, input: { login: dto.login } };
      return res.redirect(303, `/login${dto.next ? `?next=${encodeURIComponent(dto.next)}` : ''}`);
    }
    // A new session id on login (no session fixation). A form posted after the last sign-in expired comes
    // along, filled in again on its page when that is where the sign-in leads.
    const pending = req.session.pendingForm;
    const next = safeNext(dto.next);
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = user.id;
    if (pending && pending.path === next) req.session.form = { errors: {}, input: pending.input };
    flash(req, 'success', `Xin chào ${user.fullName}.`);
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    res.redirect(303, next ?? homeFor(user.role));
  }

  @Public()
  @SkipThrottle()
  @Post('logout')
  async logout(@Req() req: AppRequest, @Res() res: Response) {
    if (req.session?.userId) await this.users.recordSignOut(req.session.userId, { ip: req.ip, userAgent: req.get('user-agent') });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('taphuan.sid');
    res.redirect(303, '/login?signedOut=1');
  }

  @Get('account')
  @Render('auth/account')
  account(@CurrentUser() user: AuthUser) {
    return { title: 'Tài khoản của tôi', account: user };
  }

  @Post('account/password')
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const changed = await this.users.changePassword(actor.id, dto.currentPassword, dto.newPassword, req.sessionID);
    if (!changed) {
      flash(req, 'error', 'Mật khẩu hiện tại không đúng.');
      return res.redirect(303, '/account');
    }
    flash(req, 'success', `Đã đổi mật khẩu. Tài khoản đã được đăng xuất khỏi các thiết bị khác.${changed.tokenRevoked ? ' Mã API cũ đã bị thu hồi; hãy tạo mã mới nếu cần.' : ''}`);
    res.redirect(303, '/account');
  }

  @Post('account/api-token')
  @Render('auth/api-token')
  async apiToken(@CurrentUser() actor: AuthUser) {
    if (!actor) throw new UnauthorizedException();
    const token = await this.users.issueApiToken(actor.id);
    return { title: 'API token', token };
  }
}
