import { once } from 'node:events';
import type { Command } from 'commander';
import { environment } from '../config/environment.js';
import { InvalidInputError } from '../common/errors.js';
import { note } from './output.js';
import { action } from './run-command.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('sending worker: takes digest deliveries from the BullMQ queue (needs REDIS_URL)')
    .action(
      action(async () => {
        const { loadConfig } = await import('../config/config.loader.js');
        const config = loadConfig(environment());
        if (!config.redisUrl) throw new InvalidInputError('paperboy worker needs REDIS_URL (without it, `paperboy serve` sends in-process)');
        const [{ NestFactory }, { AppModule }, { PinoLogger }, { DeliveryWorker }] = await Promise.all([
          import('@nestjs/core'),
          import('../app.module.js'),
          import('../common/pino.logger.js'),
          import('../digests/delivery.worker.js'),
        ]);
        const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), { logger: new PinoLogger(config.logLevel, 1) });
        app.get(DeliveryWorker).start();
        note(`worker started (concurrency ${config.digest.concurrency})`);
        // SIGTERM/SIGINT: active jobs finish, the rest stay queued for the other workers.
        await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
        await app.close();
      }),
    );
}
