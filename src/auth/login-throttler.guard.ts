import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config';
import { normaliseLogin } from '../users/users.service';

export const LOGIN_THROTTLER = 'login';
export const LOGIN_ADDRESS_THROTTLER = 'login-address';

/** The routes that take a password or a one-time code: POST /login and POST /portal/activate. */
const GUARDED_PATHS = new Set(['/login', '/portal/activate']);
const isGuardedPath = (ctx: ExecutionContext) => GUARDED_PATHS.has(ctx.switchToHttp().getRequest<Request>().path ?? '');

/** The client address; an IPv6 address by its /64, which one subscriber usually holds whole. */
const addressOf = (req: Request) => normalizeIp(req.ip ?? '');

/** The login as the sign-in reads it (0912 345 601 = +84912345601 = 0912345601), else as typed. */
function loginOf(req: Request): string {
  const typed = typeof req.body?.login === 'string' ? req.body.login : '';
  return normaliseLogin(typed) ?? typed.trim().toLowerCase().slice(0, 200);
}

/**
 * The two limits on sign-in and activation attempts, each route counted apart:
 * - per address and login (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW_SECONDS, default 10 per 5 minutes): one
 *   account's password or code guessed from one place, however the login is written;
 * - per address (LOGIN_ADDRESS_RATE_LIMIT per LOGIN_ADDRESS_RATE_WINDOW_SECONDS, default 1,000 per 10
 *   minutes): many accounts tried from one place. Generous on purpose: a venue's 300 trainees share one
 *   NAT address and sign in (or activate) in the same few minutes, about 3 attempts each with typos.
 * Both skip every other route, so the verification guard is not affected.
 */
export function loginThrottlers(config: Pick<AppConfig, 'loginRateLimit' | 'loginAddressRateLimit'>): ThrottlerOptions[] {
  const skipIf = (ctx: ExecutionContext) => !isGuardedPath(ctx);
  return [
    {
      name: LOGIN_THROTTLER,
      ttl: config.loginRateLimit.ttlSeconds * 1000,
      limit: config.loginRateLimit.limit,
      getTracker: (req) => `${addressOf(req as Request)}|${loginOf(req as Request)}`,
      skipIf,
    },
    {
      name: LOGIN_ADDRESS_THROTTLER,
      ttl: config.loginAddressRateLimit.ttlSeconds * 1000,
      limit: config.loginAddressRateLimit.limit,
      getTracker: (req) => addressOf(req as Request),
      skipIf,
    },
  ];
}

/** Applies the sign-in limits (loginThrottlers, with their own trackers) to a route. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {}
