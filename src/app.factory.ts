import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import compression from 'compression';
import helmet from 'helmet';
import session from 'express-session';
import { pinoHttp } from 'pino-http';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from './config/app-config';
import { AppModule } from './app.module';
import { configureViews, projectRoot } from './common/view-engine';
import { createValidationPipe } from './common/validation';
import { withErrorResponses } from './common/openapi-errors';
import { csrf } from './common/csrf';
import { createSessionStore } from './common/session-store';
import { poolOf } from './database/prepared-query';
import { SetupService } from './setup/setup.service';
import type { AppRequest } from './common/request-context';

export const SESSION_COOKIE = 'taphuan.sid';

const UNCOMPRESSED_ANSWERS = new Set(['/api/v1/attendance/scan', '/api/v1/attendance/self']);

const NEST_LOG_LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  error: ['error', 'fatal'],
  warn: ['error', 'fatal', 'warn'],
  info: ['error', 'fatal', 'warn', 'log'],
  debug: ['error', 'fatal', 'warn', 'log', 'debug'],
};

/** Builds the configured application (not yet listening). Used by main.ts and by the tests. */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    bodyParser: false,
    logger: NEST_LOG_LEVELS[config.logLevel] ?? NEST_LOG_LEVELS.info,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('etag', 'weak');

  if (config.logLevel !== 'silent') {
    app.use(
      pinoHttp({
        level: config.logLevel,
        genReqId: (req, res) => {
          const id = (req.headers['x-request-id'] as string) || randomUUID();
          res.setHeader('x-request-id', id);
          return id;
        },
        autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/assets/') },
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&](token|code|_csrf)=)[^&]+/g, '$1***') }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'worker-src': ["'self'"],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
      // Forms are sent back to the page they came from on a validation error.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // The check-in answers (a name and a line of text, under compression's 1 KB threshold) never gain from it,
  // and they are the busiest requests at the door: they skip the middleware.
  const compress = compression();
  app.use((req: Request, res: Response, next: NextFunction) => (req.method === 'POST' && UNCOMPRESSED_ANSWERS.has(req.path) ? next() : compress(req, res, next)));
  app.useBodyParser('json', { limit: '2mb' });
  app.useBodyParser('urlencoded', { extended: true, limit: '2mb', parameterLimit: 5000 });

  const root = projectRoot();
  app.useStaticAssets(join(root, 'views', 'public'), { prefix: '/assets/', maxAge: '1d', index: false });
  await configureViews();
  app.setBaseViewsDir(join(root, 'views'));
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });

  const pool = poolOf(app.get(DataSource));
  const sessions = session({
    name: SESSION_COOKIE,
    secret: await app.get(SetupService).sessionSecret(),
    store: createSessionStore(pool),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.trustProxy,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 12 * 60 * 60 * 1000 },
  });
  // A Bearer-token API call (a check-in phone, a script) has no cookie session, and renders no page: neither
  // the session nor the page's locals (CSRF token, flash message, form input) are set up for it.
  const pageOnly =
    <R extends Request>(middleware: (req: R, res: Response, next: NextFunction) => void) =>
    (req: R, res: Response, next: NextFunction) =>
      req.path.startsWith('/api/') && req.headers.authorization?.startsWith('Bearer ') ? next() : middleware(req, res, next);
  app.use(pageOnly(sessions));
  app.use(pageOnly<AppRequest>((req, res, next) => {
    // Lazily created: only pages with a form put a CSRF token in the session.
    Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, configurable: true, get: () => csrf.generateToken(req as Request) });
    // Flash messages and a rejected form's input are taken from the session only when a page reads
    // them, so that an asset or API request made meanwhile does not swallow them.
    for (const key of ['flash', 'form'] as const) {
      let taken = false;
      let value: unknown;
      Object.defineProperty(res.locals, key, {
        enumerable: true,
        configurable: true,
        get: () => {
          if (!taken) {
            taken = true;
            value = req.session?.[key];
            if (value !== undefined) delete req.session[key];
          }
          return value;
        },
      });
    }
    res.locals.path = req.path;
    // express-session saves a changed session while the response ends, after the headers are out, and a
    // browser follows a redirect as soon as its headers arrive: a message (or a refused form's input) for
    // the next page is saved before the redirect is sent, or that page may load the session without it.
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      const s = req.session;
      if (s && (s.flash !== undefined || s.form !== undefined)) s.save(() => redirect(...args));
      else redirect(...args);
    }) as Response['redirect'];
    next();
  }));

  app.useGlobalPipes(createValidationPipe());

  const openapi = new DocumentBuilder()
    .setTitle('Tập huấn API')
    .setDescription('JSON API of Tập huấn. Authenticate with the session cookie (and the x-csrf-token header for writes) or a personal API token: `Authorization: Bearer <token>` (issued on /account).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => withErrorResponses(SwaggerModule.createDocument(app, openapi)), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
