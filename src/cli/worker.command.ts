import { once } from 'node:events';
import type { Command } from 'commander';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { PinoLogger } from '../common/pino.logger.js';
import { loadConfig } from '../config/config.loader.js';
import { environment } from '../config/environment.js';
import { DeliveryWorker } from '../digests/delivery.worker.js';
import { InvalidInputError } from '../common/errors.js';
import { note } from './output.js';
import { action } from './run-command.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('sending worker: takes digest deliveries from the BullMQ queue (needs REDIS_URL)')
    .action(
      action(async () => {
        const config = loadConfig(environment());
        if (!config.redisUrl) throw new InvalidInputError('paperboy worker needs REDIS_URL (without it, `paperboy serve` sends in-process)');
        const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), { logger: new PinoLogger(config.logLevel, 1) });
        app.get(DeliveryWorker).start();
        note(`worker started (concurrency ${config.digest.concurrency})`);
        // SIGTERM/SIGINT: active jobs finish, the rest stay queued for the other workers.
        await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
        await app.close();
      }),
    );
}
