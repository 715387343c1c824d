import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { environment } from '../config/environment.js';

/**
 * Boots the same modules as the server, without HTTP or the scheduler, for one command.
 * NestJS and the app are imported here, when a command runs, so `--help` and `--version` load neither.
 */
export async function withContext<T>(work: (app: INestApplicationContext, config: AppConfig) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../config/config.loader.js');
  const config = loadConfig(environment(), { defaultLogLevel: 'warn' });
  const [{ NestFactory }, { AppModule }, { PinoLogger }] = await Promise.all([
    import('@nestjs/core'),
    import('../app.module.js'),
    import('../common/pino.logger.js'),
  ]);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), {
    logger: new PinoLogger(config.logLevel, 2),
  });
  try {
    return await work(app, config);
  } finally {
    await app.close();
  }
}
