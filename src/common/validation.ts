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
  return {
    transform: (value: unknown, metadata: ArgumentMetadata) => {
      const input = metadata.type === 'body' || metadata.type === 'query' ? storable(value) : value;
      return (metadata.type === 'query' ? query : body).transform(input, metadata);
    },
  };
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/** Deeper than any form or API body of the app; a deeper one is refused before anything walks it. */
const MAX_DEPTH = 32;

/**
 * What a client sent, as text PostgreSQL and the rest of the code can take: a lone UTF-16 surrogate (only JSON can
 * carry one) becomes U+FFFD, as it would in a text column, instead of failing in a jsonb audit entry or in
 * `encodeURIComponent`; a NUL character, which no PostgreSQL text can hold, is dropped. A body nested deeper than
 * MAX_DEPTH is refused (400) rather than overflowing the stack of the transformations that follow.
 */
export function storable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const text = LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATE_ALL, '\uFFFD') : value;
    return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (depth >= MAX_DEPTH) throw new BadRequestException('Dữ liệu gửi lên lồng nhau quá nhiều tầng nên không đọc được.');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const next = storable(value[i], depth + 1);
      if (next !== value[i]) value[i] = next;
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // Only a changed string is written back (an own "__proto__" key must not go through the setter).
    const next = storable(record[key], depth + 1);
    if (next !== record[key]) Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return value;
}
