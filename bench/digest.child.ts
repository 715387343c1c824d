// Digest benchmark steps, each in its own process: `setup DB N` (papers of one day, N confirmed
// subscribers, a sample message for the baseline) and `run DB PORT` (the whole pipeline: DigestService.run).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { fromRoot } from '../src/common/paths.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { DigestViewService } from '../src/digests/digest-view.service.js';
import { DigestService } from '../src/digests/digest.service.js';
import { IngestService } from '../src/papers/ingest.service.js';
import { peakRssMb } from './child.js';

const [mode, db, arg] = process.argv.slice(2);
const TOPIC_SETS = [
  ['agents'],
  ['llm', 'reasoning-rl'],
  ['multimodal', 'video'],
  ['image-generation'],
  ['agents', 'benchmarks-datasets'],
  ['efficient-inference', 'llm'],
];

async function boot(port?: string): Promise<INestApplicationContext> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: `sqlite:${db}`,
    VAR_DIR: `${db}.var`,
    MAIL_TRANSPORT: port ? `smtp://127.0.0.1:${port}` : `file:${db}.outbox`,
    LOG_LEVEL: 'warn',
  });
  return NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
}

async function setup(count: number): Promise<void> {
  const app = await boot();
  await app.get(IngestService).ingestFile(fromRoot('test/fixtures/digest/2026-07-16.json'));
  await app.get(IngestService).ingestFile(fromRoot('test/fixtures/digest/2026-07-17.json'));
  const runner = app.get(DataSource).createQueryRunner();
  await runner.startTransaction();
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  for (let i = 0; i < count; i += 500) {
    const rows = Array.from({ length: Math.min(500, count - i) }, (_, k) => i + k);
    const values = rows.map(() => `(?, ?, 'confirmed', NULL, 'daily', 'Etc/UTC', 0, 0, ?, ?, ?, ?, ?)`).join(', ');
    const params = rows.flatMap((n) => [n + 1, `reader${n}@example.org`, `key${n}`, now, now, now, now]);
    await runner.query(
      `INSERT INTO subscribers (id, email, status, keywords, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, confirmed_at, created_at, updated_at) VALUES ${values}`,
      params,
    );
    const links = rows.flatMap((n) => TOPIC_SETS[n % TOPIC_SETS.length].map((slug, position) => [n + 1, slug, position]));
    await runner.query(`INSERT INTO subscriber_topics (subscriber_id, topic_slug, position) VALUES ${links.map(() => '(?, ?, ?)').join(', ')}`, links.flat());
  }
  await runner.commitTransaction();
  await runner.release();
  const sample = await app.get(DigestViewService).preview('reader0@example.org');
  writeFileSync(`${db}.sample.json`, JSON.stringify({ subject: sample.subject, html: sample.html, text: sample.text }));
  await app.close();
}

async function run(port: string): Promise<void> {
  const app = await boot(port);
  const started = performance.now();
  const summary = await app.get(DigestService).run({ all: true }, 'cli');
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  process.stdout.write(JSON.stringify({ ...summary, seconds, perSecond: summary.selected / seconds, peakRssMb: peakRssMb() }) + '\n');
}

if (mode === 'setup') {
  await setup(Number(arg));
  process.stdout.write(JSON.stringify({ done: true, peakRssMb: peakRssMb() }) + '\n');
} else await run(arg);
