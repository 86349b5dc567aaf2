import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config';

export const VERIFY_THROTTLER = 'verify';

function isVerifyPath(ctx: ExecutionContext): boolean {
  const path = ctx.switchToHttp().getRequest<Request>().path ?? '';
  return path === '/verify' || path.startsWith('/verify/') || path.startsWith('/api/v1/verify/');
}

/**
 * The named throttler of the public verification pages (VERIFY_RATE_LIMIT
 * requests per VERIFY_RATE_WINDOW_SECONDS per client address; default 30 a
 * minute). It skips every other route, so the login guard is not affected.
 */
export function verifyThrottler(rate: AppConfig['verifyRateLimit']): ThrottlerOptions {
  return { name: VERIFY_THROTTLER, ttl: rate.ttlSeconds * 1000, limit: rate.limit, skipIf: (ctx) => !isVerifyPath(ctx) };
}

/** Counts verification look-ups per client address. */
@Injectable()
export class VerifyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Request): Promise<string> {
    return `verify|${req.ip}`;
  }
}
