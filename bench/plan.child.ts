// Planning benchmark step in its own process: `plan DATABASE_URL REDIS_URL VAR_DIR [all]` runs one digest
// run with REDIS_URL set: a scheduled tick (readers due now, found by their next due instant, handed to
// the workers as ranges of that index: the workers claim) or, with `all`, `paperboy send --all` (every
// confirmed reader), which claims and enqueues every delivery.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { DigestService } from '../src/digests/digest.service.js';
import { peakRssMb } from './child.js';

const [databaseUrl, redisUrl, varDir, mode] = process.argv.slice(2);
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
const summary = mode === 'all' ? await app.get(DigestService).run({ all: true }, 'cli') : await app.get(DigestService).run({}, 'schedule');
const seconds = (performance.now() - started) / 1000;
const [{ n: ranges }] = await app.get(DataSource).query('SELECT count(*) AS n FROM digest_run_ranges WHERE run_id = $1', [summary.runId]);
await app.close();
// A scheduled tick with the queue hands out ranges (queued readers), `send --all` claims each delivery (selected).
const planned = summary.queued ?? summary.selected;
process.stdout.write(JSON.stringify({ ...summary, planned, ranges: Number(ranges), seconds, perSecond: planned / seconds, peakRssMb: peakRssMb() }) + '\n');
