import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppModule } from '../app.module.js';
import { PinoLogger } from '../common/pino.logger.js';
import type { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/config.loader.js';
import { environment } from '../config/environment.js';

/** Boots the same modules as the server, without HTTP or the scheduler, for one command. */
export async function withContext<T>(work: (app: INestApplicationContext, config: AppConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(environment(), { defaultLogLevel: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), {
    logger: new PinoLogger(config.logLevel, 2),
  });
  try {
    return await work(app, config);
  } finally {
    await app.close();
  }
}
