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

/**
 * Rules that say a value is missing or of the wrong kind, most basic first. When one of them fails, the other rules
 * of that field are not told: "at most 500 scans" beside "must be a list" (or beside "missing") contradicts it.
 */
const KIND_RULES = ['isDefined', 'isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject'];

function messagesOf(constraints: Record<string, string>): string[] {
  const kind = KIND_RULES.find((rule) => rule in constraints);
  const entries = kind ? [[kind, constraints[kind]] as const] : Object.entries(constraints);
  return entries.map(([constraint, message]) => vietnameseMessage(constraint, message));
}

function collect(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const e of errors) {
    const key = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[key] = messagesOf(e.constraints);
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
