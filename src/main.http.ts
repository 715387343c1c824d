import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { AppModule, type AppMode } from './app.module.js';
import { DomainErrorFilter } from './common/domain-error.filter.js';
import { PinoLogger } from './common/pino.logger.js';
import type { AppConfig } from './config/app-config.js';
import { FirstStartService } from './papers/first-start.service.js';
import { securityHeaders } from './web/security-headers.js';

/** Builds the HTTP app (not listening yet), so tests run exactly what `paperboy serve` runs. */
export async function createHttpApp(config: AppConfig, mode: AppMode = 'serve'): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, mode), {
    logger: new PinoLogger(config.logLevel, 1),
    bodyParser: false,
  });
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config));
  app.use(cookieParser());
  // A dump is the raw body of the admin ingest route, a CSV that of the subscriber import; everything else is small JSON or a form.
  app.use('/api/admin/ingest', express.raw({ type: () => true, limit: '256mb' }));
  app.use('/api/admin/subscribers/import', express.text({ type: () => true, limit: '50mb' }));
  // Mail provider webhooks are verified over their exact bytes (src/webhooks), so they stay raw.
  app.use('/webhooks/mail', express.raw({ type: () => true, limit: '5mb' }));
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.useGlobalFilters(new DomainErrorFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

/** What `paperboy serve` does before listening: the first-start defaults, once per database. */
export async function prepareServe(app: NestExpressApplication): Promise<void> {
  await app.get(FirstStartService).run();
}
