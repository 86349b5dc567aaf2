import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppRequest, isApiRequest } from './request-context';
import { QueryFailedError } from 'typeorm';
import { ThrottlerException } from '@nestjs/throttler';
import { StorageUnavailableError } from '../storage/storage.service';
import { CsrfRejectedException } from './csrf.guard';

const ERROR_TITLES: Record<number, string> = {
  400: 'Dữ liệu không hợp lệ',
  401: 'Cần đăng nhập',
  403: 'Không có quyền truy cập',
  404: 'Không tìm thấy trang',
  409: 'Xung đột dữ liệu',
  410: 'Không còn hiệu lực',
  413: 'Tệp quá lớn',
  415: 'Loại tệp không được chấp nhận',
  422: 'Không thể xử lý yêu cầu',
  429: 'Quá nhiều yêu cầu',
  500: 'Lỗi hệ thống',
  503: 'Dịch vụ tạm thời không khả dụng',
};

/** A limit of ours was reached (429): the client is told when to try again (Retry-After). */
export class TooManyAttemptsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole and may be retried. */
const TRANSIENT_CONFLICTS = ['40P01', '40001'];

/** Seconds a client is asked to wait (Retry-After) when the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 10;

/** Field errors from class-validator, keyed by property. */
export interface FieldErrors {
  [field: string]: string[];
}

/** A form was rejected: go back to it with the errors and the user's input. */
export class FormRejectedException extends HttpException {
  constructor(
    readonly errors: FieldErrors,
    message = 'Vui lòng kiểm tra lại các trường được đánh dấu.',
    readonly backTo?: string,
  ) {
    super({ message, details: errors }, HttpStatus.BAD_REQUEST);
  }
}

/**
 * One exception filter for the whole app. It also receives the errors that
 * Express middleware passes to next(err) (the session store failing while the
 * database is away, a body parser's error): Nest installs an Express error
 * handler at init that hands them to the global filters. API requests get
 * `{ statusCode, error, message, details? }`; pages get a Vietnamese error
 * page, a redirect to the login page (401), or, for a rejected form, a 303
 * back to the form with the errors and input kept.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<AppRequest>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.';
    let details: unknown;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'string') message = body;
      else {
        const b = body as { message?: string | string[]; details?: unknown };
        message = Array.isArray(b.message) ? b.message.join('; ') : (b.message ?? exception.message);
        details = b.details;
      }
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      message = status === 413 ? 'Dữ liệu gửi lên quá lớn.' : 'Dữ liệu gửi lên không đọc được.';
    } else if (exception instanceof QueryFailedError && (exception as { code?: string }).code === '23505') {
      status = HttpStatus.CONFLICT;
      message = 'Dữ liệu đã tồn tại (trùng lặp).';
    } else if (exception instanceof QueryFailedError && TRANSIENT_CONFLICTS.includes((exception as { code?: string }).code ?? '')) {
      // Two transactions wanted the same rows in opposite orders (an import and a merge, say) and PostgreSQL
      // rolled this one back: nothing of it was written, and the same request again will go through.
      status = HttpStatus.CONFLICT;
      message = 'Dữ liệu này đang được một thao tác khác cập nhật cùng lúc nên chưa lưu được gì. Vui lòng thử lại.';
      this.logger.warn(`${req.method} ${req.originalUrl} rolled back by the database: ${(exception as Error).message}`);
    } else if (exception instanceof StorageUnavailableError) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = 'Kho lưu trữ tệp tạm thời không kết nối được. Vui lòng thử lại sau ít phút.';
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      this.logger.warn(exception.message);
    } else if (isDatabaseUnavailable(exception)) {
      // The database restarting or unreachable: the caller may retry (the check-in page queues and retries).
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = 'Cơ sở dữ liệu tạm thời không khả dụng. Vui lòng thử lại sau ít phút.';
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (exception instanceof HttpException && status < 500) {
      const plain = vietnameseRefusal(exception, status, message);
      status = plain.status;
      message = plain.message;
      if (exception instanceof TooManyAttemptsException) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
      else if (status === HttpStatus.TOO_MANY_REQUESTS) setRetryAfter(res);
    }
    if (status >= 500 && exception instanceof HttpException) this.logger.error(`${req.method} ${req.originalUrl}: ${message}`);

    if (isApiRequest(req) || !req.accepts('html')) {
      res.status(status).json({ statusCode: status, error: ERROR_TITLES[status] ?? HttpStatus[status] ?? 'Error', message, ...(details ? { details } : {}) });
      return;
    }
    if (req.method === 'POST' && (status === 401 || exception instanceof CsrfRejectedException)) {
      // Signing out after the sign-in expired just lands on the sign-in page.
      if (req.path === '/logout') {
        res.redirect(303, '/login');
        return;
      }
      if (req.session && req.is('urlencoded') && fromThisSite(req)) {
        this.keepExpiredForm(req, res);
        return;
      }
    }
    if (status === 401) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/login${next}`);
      return;
    }
    // A refused form goes back to its page with the message; an upload form also when the file is refused (413, 415).
    const formPost = req.is('urlencoded') ? [400, 409, 422] : req.is('multipart') ? [400, 409, 413, 415, 422] : [];
    if (formPost.includes(status) && req.method === 'POST' && req.session) {
      req.session.form = { errors: (details as FieldErrors) ?? {}, input: sanitiseInput(req.body), action: req.path };
      (req.session.flash ??= []).push({ type: 'error', text: message });
      const back = (exception instanceof FormRejectedException && exception.backTo) || safeBack(req);
      res.redirect(303, back);
      return;
    }
    // An error page has no form for a visitor who is not signed in: no CSRF token, so no new session and no new
    // cookie (a cross-site post answered with one would replace the visitor's own cookie and sign them out).
    if (!req.session?.userId) Object.defineProperty(res.locals, 'csrfToken', { value: '', enumerable: true, configurable: true });
    // A form refused for good (no longer allowed, or its object gone) has no page to go back to: what was written
    // in it (a question, an answer, a reason) is shown to copy rather than lost.
    const unsaved = req.method === 'POST' && req.is('urlencoded') && fromThisSite(req) ? writtenText(req.body) : [];
    res.status(status).render('errors/error', { title: ERROR_TITLES[status] ?? 'Lỗi', status, message, unsaved });
  }

  /**
   * A form posted after the sign-in expired (or from a page left open so long that its CSRF token no longer
   * matches): what was typed (a trainee's question, say) is kept in the session, and the user goes back to
   * the form, through the sign-in page when they are no longer signed in (the sign-in keeps it too).
   */
  private keepExpiredForm(req: AppRequest, res: Response): void {
    const back = safeBack(req);
    const input = sanitiseInput(req.body);
    // The session, not req.user: the CSRF check runs before the sign-in guard has set it.
    if (req.session.userId) {
      req.session.form = { errors: {}, input, action: req.path };
      (req.session.flash ??= []).push({ type: 'error', text: 'Trang đã mở quá lâu nên mã bảo mật hết hạn. Nội dung bạn nhập vẫn còn: vui lòng bấm gửi lại.' });
      res.redirect(303, back);
      return;
    }
    // Not `form`: the sign-in page would show (and use up) it.
    req.session.pendingForm = { path: back, input };
    (req.session.flash ??= []).push({ type: 'error', text: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại; nội dung bạn vừa nhập vẫn được giữ để gửi lại.' });
    res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
  }
}

export const NOT_FOUND_MESSAGE = 'Không tìm thấy trang bạn yêu cầu. Đường dẫn có thể bị gõ sai hoặc bị cắt ngắn khi chia sẻ; vui lòng kiểm tra lại.';
export const TOO_MANY_REQUESTS_MESSAGE = 'Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.';

/** What a 4xx says when the refusal came from the framework rather than from our code. */
const DEFAULT_REFUSALS: Record<number, string> = {
  400: 'Dữ liệu gửi lên không hợp lệ.',
  401: 'Vui lòng đăng nhập.',
  403: 'Bạn không có quyền truy cập trang này.',
  404: NOT_FOUND_MESSAGE,
  405: 'Thao tác này không được hỗ trợ.',
  409: 'Dữ liệu đã thay đổi, vui lòng tải lại trang và thử lại.',
  413: 'Dữ liệu gửi lên quá lớn.',
  415: 'Loại tệp không được chấp nhận.',
  422: 'Không thể xử lý yêu cầu.',
  429: TOO_MANY_REQUESTS_MESSAGE,
};

/**
 * Refusals raised by Nest and its libraries carry English text: "Cannot GET /portal/abc" (no route),
 * "Validation failed (uuid is expected)" (a Parse…Pipe on a path parameter: a link cut short by SMS or
 * Zalo), "ThrottlerException: Too Many Requests". Ours are all in Vietnamese, with diacritics, so a message
 * of plain ASCII is the framework's: it is replaced by the Vietnamese one for its status. A malformed id in
 * the path names no record, so it is a 404, like a route that does not exist. (Parse pipes are used only on
 * path parameters in this app.)
 */
function vietnameseRefusal(exception: HttpException, status: number, message: string): { status: number; message: string } {
  if (exception instanceof ThrottlerException) return { status, message: TOO_MANY_REQUESTS_MESSAGE };
  if (status === 404 && /^Cannot [A-Z]+ /.test(message)) return { status, message: NOT_FOUND_MESSAGE };
  if (status === 400 && /^Validation failed \(.*expected\)$/.test(message)) return { status: 404, message: NOT_FOUND_MESSAGE };
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(message)) return { status, message: DEFAULT_REFUSALS[status] ?? ERROR_TITLES[status] ?? 'Yêu cầu không hợp lệ.' };
  return { status, message };
}

/** The throttler names its header after the limit that was hit (Retry-After-login); clients read Retry-After. */
function setRetryAfter(res: Response): void {
  const seconds = res
    .getHeaderNames()
    .filter((h) => h.startsWith('retry-after-'))
    .map((h) => Number(res.getHeader(h)))
    .filter((n) => Number.isFinite(n) && n > 0);
  if (seconds.length) res.setHeader('Retry-After', String(Math.ceil(Math.max(...seconds))));
}

/** Connection-level database failures (restart, shutdown, refused), as opposed to a bad query. */
function isDatabaseUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: string }).code ?? '';
  return (
    ['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNREFUSED', 'ECONNRESET'].includes(code) ||
    /Connection terminated|terminating connection|is not queryable|ECONNREFUSED|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(e.message)
  );
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && typeof (e as { type?: unknown }).type === 'string';
}

/** The prose of a posted form (fields of several words), without secrets: what a user would not want to type again. */
function writtenText(body: unknown): string[] {
  return Object.values(sanitiseInput(body)).filter((v): v is string => typeof v === 'string' && v.trim().length >= 20 && /\S\s+\S/.test(v));
}

function sanitiseInput(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    // Secrets are never kept in the session: passwords, the CSRF token, a one-time sign-in code.
    if (/password|_csrf/i.test(k) || k === 'code') continue;
    if (typeof v === 'string') out[k] = v.slice(0, 10000);
    else if (Array.isArray(v)) out[k] = v.filter((x) => typeof x === 'string').slice(0, 200);
  }
  return out;
}

/**
 * The request came from one of this site's pages (Sec-Fetch-Site, else Origin or Referer naming this host).
 * A form kept across an expired sign-in must not be another site's: a cross-site POST would otherwise plant
 * its text in the user's form (and a new cookie in their browser).
 */
function fromThisSite(req: AppRequest): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const from = req.get('origin') ?? req.get('referer');
  if (!from) return false;
  try {
    return new URL(from).hostname === req.hostname;
  } catch {
    return false;
  }
}

/** The path of the page the form came from (Referer; only its path is used, so never another site), else the current path. */
function safeBack(req: AppRequest): string {
  const ref = req.get('referer');
  if (ref) {
    try {
      const u = new URL(ref, 'http://local');
      if (u.pathname.startsWith('/') && !u.pathname.startsWith('//')) return u.pathname + u.search;
    } catch {
      /* ignore */
    }
  }
  return req.originalUrl;
}
