// One ingest benchmark step in its own process: `parse` (read and parse only: the baseline),
// `ingest` (the real IngestService into SQLite, with topic tagging) or `ingest-untagged`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { openFileSource } from '../src/papers/dump-source.js';
import { IngestService } from '../src/papers/ingest.service.js';
import { detectFormat, getParser } from '../src/papers/parsers/index.js';
import { peakRssMb } from './child.js';

const [mode, db, ...files] = process.argv.slice(2);

async function parseOnly(): Promise<number> {
  let papers = 0;
  for (const file of files) {
    const source = await openFileSource(file);
    const format = detectFormat(source.head.toString('utf8'), file);
    for await (const e of getParser(format).parse(source.chunks, file, {})) if (e.kind === 'paper') papers++;
  }
  return papers;
}

async function ingest(tagged: boolean): Promise<number> {
  const config = loadConfig({ ...process.env, DATABASE_URL: `sqlite:${db}`, VAR_DIR: `${db}.var` });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
  if (!tagged) await app.get(DataSource).query('DELETE FROM topics');
  const service = app.get(IngestService);
  let papers = 0;
  const started = performance.now();
  // As `paperboy ingest FILE...` does: one wait for the disk for all the files, before reporting.
  for (const file of files) papers += (await service.ingestFile(file, { durable: false })).read;
  await service.sync();
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  return papers / seconds;
}

const started = performance.now();
if (mode === 'parse') {
  const papers = await parseOnly();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ papers, seconds, papersPerSecond: papers / seconds, peakRssMb: peakRssMb() }) + '\n');
} else {
  const perSecond = await ingest(mode === 'ingest');
  process.stdout.write(JSON.stringify({ papersPerSecond: perSecond, peakRssMb: peakRssMb() }) + '\n');
}
