import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { Redis } from 'ioredis';
import { fromRoot } from '../src/common/paths.js';
import { runChild, table } from './child.js';
import { ADMIN_URL, freshDatabase, seedReaders, sql } from './plan.seed.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const SLICE = Number(process.env.BENCH_SLICE ?? 100_000);
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);

/** A fresh database with one day of papers and `count` confirmed subscribers (generate_series: seconds, not minutes). */
async function database(name: string, count: number, env: Record<string, string>): Promise<string> {
  const url = await freshDatabase(name, env);
  await seedReaders(url, count);
  return url;
}

interface Sink {
  sink: ChildProcess;
  port: number;
  count: () => Promise<number>;
  sample: () => Promise<string>;
}

async function startSink(): Promise<Sink> {
  const sink = fork(fileURLToPath(new URL('./smtp-sink.child.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(sink, 'message')) as [{ port: number }];
  const count = async () => {
    sink.send({ cmd: 'count' });
    return ((await once(sink, 'message')) as [{ received: number }])[0].received;
  };
  const sample = async () => {
    sink.send({ cmd: 'sample' });
    return ((await once(sink, 'message')) as [{ sample: string }])[0].sample;
  };
  return { sink, port, count, sample };
}

/** Peak RSS of a live process, from the kernel (the process may be killed next, so it cannot report itself). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM'))!;
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
}

/** `workers` processes deliver the next SLICE messages from the queue; returns messages/s and their peak RSS. */
async function deliverSlice(workers: number, env: Record<string, string>, count: () => Promise<number>): Promise<{ perSecond: number; rss: number[] }> {
  const start = await count();
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  let first = 0;
  let firstAt = 0;
  for (;;) {
    await sleep(200);
    const n = (await count()) - start;
    if (!firstAt && n > 0) [first, firstAt] = [n, performance.now()];
    if (n >= SLICE) {
      const perSecond = (n - first) / ((performance.now() - firstAt) / 1000);
      const rss = procs.map((p) => peakRss(p.pid!));
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => once(p, 'exit')));
      return { perSecond, rss };
    }
  }
}

/**
 * 1,000,000 subscribers in PostgreSQL: time to select and enqueue all of them, then delivered
 * messages/s with 1, 2 and 4 workers over SLICE messages each, next to raw nodemailer into the same sink.
 */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-scale-'));
  const { sink, port, count, sample } = await startSink();
  const redis = new Redis(REDIS_URL);
  const env = { LOG_LEVEL: 'warn', VAR_DIR: join(dir, 'var'), MAIL_TRANSPORT: `smtp://127.0.0.1:${port}`, REDIS_URL, NODE_ENV: 'test' };
  try {
    const rows: Record<string, string | number>[] = [];
    for (const size of SIZES) {
      await redis.flushdb();
      const url = await database(`paperboy_bench_${size}`, size, env);
      const plan = await runChild('./plan.child.js', [url, REDIS_URL, join(dir, 'var'), 'all']);
      rows.push({
        step: `select + enqueue ${size.toLocaleString('en-US')}`,
        'per second': Math.round(Number(plan.perSecond)),
        seconds: Number(plan.seconds).toFixed(1),
        ratio: '',
        'peak RSS MB': plan.peakRssMb,
      });
      if (size !== SIZES[SIZES.length - 1]) continue;
      const slices: [number, { perSecond: number; rss: number[] }][] = [];
      for (const workers of [1, 2, 4]) slices.push([workers, await deliverSlice(workers, { ...env, DATABASE_URL: url }, count)]);
      // Baselines from the first digest the workers sent: nodemailer composing the same parts (what
      // a hand-written sender does), and nodemailer sending the very same bytes (no composing at all).
      const message = await sample();
      const parsed = await simpleParser(message);
      const composed = join(dir, 'composed.json');
      const bytes = join(dir, 'bytes.json');
      writeFileSync(composed, JSON.stringify({ subject: parsed.subject, html: parsed.html, text: parsed.text }));
      writeFileSync(bytes, JSON.stringify({ raw: message }));
      const raw = await runChild('./raw-send.child.js', [String(port), String(SLICE), '10', composed]);
      const asIs = await runChild('./raw-send.child.js', [String(port), String(SLICE), '10', bytes]);
      rows.push({
        step: `raw nodemailer, ${SLICE.toLocaleString('en-US')} messages`,
        'per second': Math.round(Number(raw.perSecond)),
        seconds: Number(raw.seconds).toFixed(1),
        ratio: '1.00',
        'peak RSS MB': raw.peakRssMb,
      });
      rows.push({
        step: `raw nodemailer, pre-built MIME`,
        'per second': Math.round(Number(asIs.perSecond)),
        seconds: Number(asIs.seconds).toFixed(1),
        ratio: (Number(asIs.perSecond) / Number(raw.perSecond)).toFixed(2),
        'peak RSS MB': asIs.peakRssMb,
      });
      for (const [workers, r] of slices) {
        rows.push({
          step: `${workers} worker${workers > 1 ? 's' : ''}, ${SLICE.toLocaleString('en-US')} messages`,
          'per second': Math.round(r.perSecond),
          seconds: (SLICE / r.perSecond).toFixed(1),
          ratio: (r.perSecond / Number(raw.perSecond)).toFixed(2),
          'peak RSS MB': r.rss.join(' / '),
        });
      }
      await sql(ADMIN_URL, `DROP DATABASE IF EXISTS paperboy_bench_${size} WITH (FORCE)`);
    }
    table(rows);
  } finally {
    redis.disconnect();
    sink.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
