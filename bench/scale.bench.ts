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

/** CPU seconds a live process has used so far (user + system), from the kernel. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Slice {
  perSecond: number;
  rss: number[];
  /** CPU seconds the workers spent per message over the slice (boot excluded). */
  cpuPerMessage: number;
}

/** `workers` processes deliver the next `slice` messages from the queue; returns messages/s, CPU per message and their peak RSS. */
async function deliverSlice(workers: number, env: Record<string, string>, count: () => Promise<number>, slice = SLICE): Promise<Slice> {
  const start = await count();
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  let first = 0;
  let firstAt = 0;
  let firstCpu = 0;
  const cpu = () => procs.reduce((sum, p) => sum + cpuSeconds(p.pid!), 0);
  for (;;) {
    await sleep(200);
    const n = (await count()) - start;
    if (!firstAt && n > 0) [first, firstAt, firstCpu] = [n, performance.now(), cpu()];
    if (n >= slice) {
      const perSecond = (n - first) / ((performance.now() - firstAt) / 1000);
      const cpuPerMessage = (cpu() - firstCpu) / (n - first);
      const rss = procs.map((p) => peakRss(p.pid!));
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => once(p, 'exit')));
      return { perSecond, rss, cpuPerMessage };
    }
  }
}

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const WORKER = QUICK ? { readers: 3_000, slice: 2_000 } : { readers: 20_000, slice: 10_000 };

/**
 * The worker row: one `paperboy worker` (PostgreSQL + Redis) delivering a queued run into the
 * sink, against raw nodemailer composing the same message (20 senders, pool of 5) into the same sink,
 * measured right after it. Two ratios: messages/s, and CPU per message (per core: the worker is one
 * process, so a busy machine taking its core away shows in the first and not in the second).
 */
export async function workerRows(): Promise<Record<string, string | number>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-worker-'));
  const { sink, port, count, sample } = await startSink();
  const redis = new Redis(REDIS_URL);
  const env = { LOG_LEVEL: 'warn', VAR_DIR: join(dir, 'var'), MAIL_TRANSPORT: `smtp://127.0.0.1:${port}`, REDIS_URL, NODE_ENV: 'test' };
  const name = `paperboy_bench_worker_${WORKER.readers}`;
  try {
    await redis.flushdb();
    const url = await database(name, WORKER.readers, env);
    await runChild('./plan.child.js', [url, REDIS_URL, join(dir, 'var'), 'all']);
    const worker = await deliverSlice(1, { ...env, DATABASE_URL: url }, count, WORKER.slice);
    const parsed = await simpleParser(await sample());
    const composed = join(dir, 'composed.json');
    writeFileSync(composed, JSON.stringify({ subject: parsed.subject, html: parsed.html, text: parsed.text }));
    const raw = await runChild('./raw-send.child.js', [String(port), String(WORKER.slice), '20', composed]);
    const rawCpu = Number(raw.cpuSeconds) / WORKER.slice;
    return [
      {
        path: `paperboy worker, 1 process, PostgreSQL + Redis, ${WORKER.slice.toLocaleString('en-US')} messages`,
        baseline: 'raw nodemailer composing, 20 senders, pool 5',
        'baseline s': Number(raw.seconds).toFixed(2),
        s: (WORKER.slice / worker.perSecond).toFixed(2),
        figure: `${Math.round(worker.perSecond)} msg/s; CPU/msg ${(worker.cpuPerMessage * 1000).toFixed(2)} ms vs ${(rawCpu * 1000).toFixed(2)} ms (ratio ${(rawCpu / worker.cpuPerMessage).toFixed(2)})`,
        'ratio (baseline/path)': (worker.perSecond / Number(raw.perSecond)).toFixed(2),
        aim: '≥ 0.8 per core',
        'peak RSS MB': worker.rss.join(' / '),
      },
    ];
  } finally {
    await redis.flushdb();
    redis.disconnect();
    sink.disconnect();
    await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
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
      const slices: [number, Slice][] = [];
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
