import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { AppRequest } from './request-context';
import { csrf } from './csrf';

/** The form's CSRF token does not match the session's: usually a session that expired while the page was open. */
export class CsrfRejectedException extends ForbiddenException {
  constructor() {
    super('Phiên làm việc đã hết hạn hoặc mã bảo mật (CSRF) không hợp lệ. Vui lòng tải lại trang và thử lại.');
  }
}

/**
 * CSRF check (synchroniser token kept in the session) for every state-changing
 * request authenticated by cookie. Bearer-token API calls carry no cookie
 * authority and are exempt.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AppRequest>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
    if (req.headers.authorization?.startsWith('Bearer ')) return true;
    if (!csrf.isRequestValid(req)) {
      throw new CsrfRejectedException();
    }
    // The token has done its job; DTOs never see it.
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
    return true;
  }
}
