import { Controller, Get, Param, Query, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../common/decorators';
import { CertificateVerificationService } from './certificate-verification.service';
import { VerifyThrottlerGuard } from './verify-throttler';

/** Public verification pages (the QR code on every certificate points here). */
@ApiExcludeController()
@Controller('verify')
@Public()
@SkipThrottle({ login: true })
@UseGuards(VerifyThrottlerGuard)
export class VerifyPageController {
  constructor(private readonly verification: CertificateVerificationService) {}

  @Get()
  form(@Query('code') code: string | undefined, @Res() res: Response) {
    if (typeof code === 'string' && code !== '') {
      const c = this.verification.normalise(code);
      if (c) return res.redirect(303, `/verify/${c}`);
      return res.status(404).render('verify/form', { title: 'Xác thực giấy chứng nhận', notFound: true, code: code.slice(0, 64) });
    }
    return res.render('verify/form', { title: 'Xác thực giấy chứng nhận' });
  }

  @Get(':code')
  @Render('verify/result')
  async result(@Param('code') code: string) {
    const r = await this.verification.verify(code);
    return { title: 'Xác thực giấy chứng nhận', r, valid: r.status === 'valid' };
  }
}

/** The same check for machines. */
@ApiTags('verify')
@Controller('api/v1/verify')
@Public()
@SkipThrottle({ login: true })
@UseGuards(VerifyThrottlerGuard)
export class VerifyApiController {
  constructor(private readonly verification: CertificateVerificationService) {}

  @Get(':code')
  @ApiOperation({ summary: 'Xác thực một giấy chứng nhận theo mã trên mã QR' })
  verify(@Param('code') code: string) {
    return this.verification.verify(code);
  }
}
