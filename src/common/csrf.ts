import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/** Token from the form field `_csrf`, the `x-csrf-token` header, or (multipart forms) the query string. */
export const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === 'string') return fromBody;
    const header = req.headers['x-csrf-token'];
    if (typeof header === 'string') return header;
    const q = req.query?._csrf;
    return typeof q === 'string' ? q : undefined;
  },
});
