import { ArgumentMetadata, BadRequestException, PipeTransform, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { FieldErrors } from './http-exception.filter';

/** class-validator's own messages are English ("q must be a string", "each value in ids must be a UUID", "property x should not exist"). */
const LIBRARY_MESSAGE = /^(each value in |nested property |property )?\S+ (must|should|has to)\b/;

/** A rule without a message of ours still answers in Vietnamese. */
export function vietnameseMessage(constraint: string, message: string): string {
  if (!LIBRARY_MESSAGE.test(message)) return message;
  const n = message.match(/-?\d+(\.\d+)?/)?.[0];
  switch (constraint) {
    case 'whitelistValidation':
      return `Trường không được phép: ${message.replace(/^property (\S+) .*$/, '$1')}.`;
    case 'maxLength':
      return `Quá dài: tối đa ${n} ký tự.`;
    case 'minLength':
      return `Quá ngắn: ít nhất ${n} ký tự.`;
    case 'arrayMaxSize':
      return `Quá nhiều mục: tối đa ${n}.`;
    case 'arrayMinSize':
      return `Cần ít nhất ${n} mục.`;
    case 'min':
      return `Giá trị phải từ ${n} trở lên.`;
    case 'max':
      return `Giá trị không được lớn hơn ${n}.`;
    case 'isDefined':
      return 'Thiếu thông tin bắt buộc.';
    default:
      return 'Giá trị không hợp lệ.';
  }
}

function collect(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const e of errors) {
    const key = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[key] = Object.entries(e.constraints).map(([constraint, message]) => vietnameseMessage(constraint, message));
    if (e.children?.length) collect(e.children, key, out);
  }
  return out;
}

const OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  transform: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => {
    const details = collect(errors);
    const first = Object.values(details)[0]?.[0];
    return new BadRequestException({ message: first ?? 'Dữ liệu không hợp lệ.', details });
  },
};

/**
 * App-wide validation: values transformed, errors per field, in Vietnamese. Unknown fields of a body are
 * refused; unknown query parameters are dropped, because links shared through Zalo or Facebook come back
 * with their own (`?zarsrc=…`, `?fbclid=…`, `utm_…`) and must still open.
 */
export function createValidationPipe(): PipeTransform {
  const body = new ValidationPipe({ ...OPTIONS, forbidNonWhitelisted: true });
  const query = new ValidationPipe({ ...OPTIONS, forbidNonWhitelisted: false });
  return { transform: (value: unknown, metadata: ArgumentMetadata) => (metadata.type === 'query' ? query : body).transform(value, metadata) };
}
