import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { AppModule, type AppMode } from './app.module.js';
import { DomainErrorFilter, PageRenderer, securityHeaders } from './http/index.js';
import { PinoLogger } from './common/pino.logger.js';
import type { AppConfig } from './config/app-config.js';
import { FirstStartService } from './papers/first-start.service.js';
import { carriesAdminToken } from './admin/admin.guard.js';

/** Builds the HTTP app (not listening yet), so tests run exactly what `paperboy serve` runs. */
export async function createHttpApp(config: AppConfig, mode: AppMode = 'serve'): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, mode), {
    logger: new PinoLogger(config.logLevel, 1),
    bodyParser: false,
  });
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config));
  app.use(cookieParser());
  // Mail provider webhooks are verified over their exact bytes (src/webhooks), so they stay raw.
  app.use('/webhooks/mail', express.raw({ type: () => true, limit: '5mb' }));
  // Dumps and CSVs are streamed to a file by their admin handlers, after the guard (admin-upload.ts);
  // everything else is small JSON or a form, and an admin API body is not read without the token.
  const parsers = [express.json({ limit: '100kb' }), express.urlencoded({ extended: false, limit: '100kb' })];
  for (const parse of parsers)
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => (adminBodyUnread(req, config) ? next() : parse(req, res, next)));
  app.useGlobalFilters(new DomainErrorFilter(app.get(PageRenderer)));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

/** What `paperboy serve` does before listening: the first-start defaults, once per database. */
export async function prepareServe(app: NestExpressApplication): Promise<void> {
  await app.get(FirstStartService).run();
}

/** An admin API request without the token (answered 401 by the guard), or an upload its handler streams. */
function adminBodyUnread(req: express.Request, config: AppConfig): boolean {
  if (!req.path.startsWith('/api/admin/')) return false;
  return /^\/api\/admin\/(ingest|subscribers\/import)\/?$/.test(req.path) || !carriesAdminToken(req.headers.authorization, config.adminToken);
}
