// What the workers do for planning since a tick hands out ranges: `plan-claims DATABASE_URL VAR_DIR`
// claims every due reader's delivery through DueClaims, ten at a time as a worker does, without
// sending (one process, serially: the work a run's workers share between them, beside their sending).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { newClaimant } from '../src/digests/delivery.claims.js';
import { DigestRunRepository } from '../src/digests/digest-run.repository.js';
import { DueClaims } from '../src/digests/due-claims.js';
import { peakRssMb } from './child.js';

const [databaseUrl, varDir] = process.argv.slice(2);
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, VAR_DIR: varDir, MAIL_TRANSPORT: 'smtp://127.0.0.1:1', LOG_LEVEL: 'warn' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
const now = new Date();
const run = await app.get(DigestRunRepository).start({
  trigger: 'cli',
  options: {},
  status: 'running',
  dryRun: false,
  selected: 0,
  sent: 0,
  skippedEmpty: 0,
  failed: 0,
  startedAt: now,
  finishedAt: null,
});
const claimant = newClaimant();
const started = performance.now();
let claimed = 0;
for await (const batch of app.get(DueClaims).batches(run.id, claimant.id, now, { claimEach: 10 })) claimed += batch.claimed.length;
const seconds = (performance.now() - started) / 1000;
claimant.done();
await app.close();
process.stdout.write(JSON.stringify({ claimed, seconds, peakRssMb: peakRssMb() }) + '\n');
