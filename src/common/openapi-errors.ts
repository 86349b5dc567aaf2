import type { OpenAPIObject } from '@nestjs/swagger';

/** The body of every refusal and failure of the API (see HttpExceptionFilter). */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'Short title of the status, in Vietnamese', example: 'Dữ liệu không hợp lệ' },
    message: { type: 'string', description: 'What went wrong, in Vietnamese, to show to the user', example: 'Vui lòng nhập họ và tên.' },
    details: {
      type: 'object',
      description: 'For invalid input: the messages of each field (a nested field as "entries.0.token")',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      example: { fullName: ['Vui lòng nhập họ và tên.'] },
    },
  },
};

const RETRY_AFTER = { description: 'Seconds to wait before trying again', schema: { type: 'integer' } };

/**
 * Adds the error answers to every operation of the document: a 4xx (invalid input 400, not signed in 401, not
 * allowed 403, not found 404, conflict 409, unprocessable 422, too many attempts 429 with Retry-After) and 503
 * (database or file storage unavailable, with Retry-After), all with the same JSON body. Nest's decorators
 * would say it on each of the API's operations; the shape is the app's, not an operation's.
 */
export function withErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Error: ERROR_SCHEMA as never };
  const body = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  for (const item of Object.values(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op) continue;
      op.responses ??= {};
      op.responses['4XX'] ??= { description: 'Refused: invalid input (400, with `details`), not signed in (401), not allowed (403), not found (404), conflict (409), unprocessable (422), too many attempts (429, with `Retry-After`)', headers: { 'Retry-After': RETRY_AFTER }, content: body };
      op.responses['503'] ??= { description: 'The database or the file storage is unavailable for a moment; try again after `Retry-After` seconds', headers: { 'Retry-After': RETRY_AFTER }, content: body };
    }
  }
  return doc;
}
