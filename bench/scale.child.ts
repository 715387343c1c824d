// Scale benchmark step in its own process: `plan DATABASE_URL REDIS_URL` runs DigestService.run
// with REDIS_URL set, which claims every due delivery in the ledger and enqueues it for the workers.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { DigestService } from '../src/digests/digest.service.js';
import { peakRssMb } from './child.js';

const [databaseUrl, redisUrl, varDir] = process.argv.slice(2);
const config = loadConfig({
  ...process.env,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  VAR_DIR: varDir,
  MAIL_TRANSPORT: 'smtp://127.0.0.1:1',
  LOG_LEVEL: 'warn',
});
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
const started = performance.now();
const summary = await app.get(DigestService).run({ all: true }, 'cli');
const seconds = (performance.now() - started) / 1000;
await app.close();
process.stdout.write(JSON.stringify({ ...summary, seconds, perSecond: summary.selected / seconds, peakRssMb: peakRssMb() }) + '\n');
