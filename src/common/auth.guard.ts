import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { IS_PUBLIC, ROLES_KEY } from './decorators';
import type { AppRequest } from './request-context';
import type { Role } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { navFor } from './navigation';

/**
 * App-wide guard: loads the user from the session (or a Bearer API token),
 * then enforces @Public() and @Roles(...). Admins pass every role check.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    await this.identify(req, res);
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (!req.user) throw new UnauthorizedException('Vui lòng đăng nhập.');
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (roles?.length && req.user.role !== 'admin' && !roles.includes(req.user.role)) {
      throw new ForbiddenException('Bạn không có quyền truy cập trang này.');
    }
    return true;
  }

  private async identify(req: AppRequest, res: Response): Promise<void> {
    if (req.user !== undefined) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const user = await this.users.findActiveByApiToken(auth.slice(7).trim());
      if (!user) throw new UnauthorizedException('API token không hợp lệ.');
      req.user = user;
      req.authVia = 'token';
      return;
    }
    const userId = req.session?.userId;
    if (!userId) return;
    const user = await this.users.findActiveAuthUser(userId);
    if (!user) {
      delete req.session.userId;
      return;
    }
    req.user = user;
    req.authVia = 'session';
    res.locals.currentUser = user;
    res.locals.nav = navFor(user.role, req.path);
  }
}
