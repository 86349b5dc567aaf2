import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrors } from './http-exception.filter';

function collect(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const e of errors) {
    const key = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[key] = Object.values(e.constraints);
    if (e.children?.length) collect(e.children, key, out);
  }
  return out;
}

/** App-wide validation: unknown fields refused, values transformed, errors per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const details = collect(errors);
      const first = Object.values(details)[0]?.[0];
      return new BadRequestException({ message: first ?? 'Dữ liệu không hợp lệ.', details });
    },
  });
}
