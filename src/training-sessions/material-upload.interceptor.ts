import { BadRequestException, CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * Wraps FileInterceptor('file') (multer, disk storage, size limit from
 * MAX_UPLOAD_MB; see the module's MulterModule options) so that a file over
 * the limit gets a 413 with a Vietnamese message. multer removes the partial
 * file itself, so nothing is stored.
 */
@Injectable()
export class UploadLimitMessageInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e) => throwError(() => this.translate(e))),
    );
  }

  /** multer's own errors carry English messages; our services' errors are already Vietnamese. */
  private translate(e: unknown): unknown {
    if (e instanceof PayloadTooLargeException) {
      return new PayloadTooLargeException(`Tệp vượt quá dung lượng cho phép (tối đa ${Math.round(this.config.maxUploadBytes / 1024 / 1024)} MB). Không có gì được lưu.`);
    }
    const fromMulter = e instanceof HttpException && e.cause instanceof Error && ('code' in e.cause || /multipart|boundary|part/i.test(e.cause.message));
    if (fromMulter || (e instanceof BadRequestException && /^(Multipart|Unexpected field|Too many|Malformed)/i.test(String(e.message)))) {
      return new BadRequestException('Dữ liệu tệp gửi lên không đọc được (chỉ gửi một tệp trong trường "file"). Vui lòng thử lại.');
    }
    return e;
  }
}
