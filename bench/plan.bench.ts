// Planning (select + enqueue) on PostgreSQL at 100k and 1M readers, and its memory: each size in a
// fresh database seeded by generate_series, against the wire measured in the same run on the same
// data (plan-floor.child.ts: one ledger row per reader and one job per 25). The tick itself writes no
// ledger row: it hands the due readers to the workers as ranges of the due index (about 1 job per
// 500 readers), and each worker claims a delivery as it takes it, so the floor is what planning used
// to have to do, not what it does now. Rows of the table in bench/paths.bench.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runChild, table } from './child.js';
import { dropDatabase, freshDatabase, seedReaders } from './plan.seed.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const SIZES = (process.env.BENCH_PLAN_SIZES ?? (QUICK ? '10000,100000' : '100000,1000000')).split(',').map(Number);

type Row = Record<string, string | number>;

export async function planRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-plan-'));
  const redis = new Redis(REDIS_URL);
  const rows: Row[] = [];
  const peaks: number[] = [];
  try {
    for (const size of SIZES) {
      const name = `paperboy_bench_plan_${size}`;
      await redis.flushdb();
      const url = await freshDatabase(name, { LOG_LEVEL: 'warn', VAR_DIR: join(dir, 'var') });
      try {
        await seedReaders(url, size);
        const floor = await runChild('./plan-floor.child.js', [url, REDIS_URL, String(Math.ceil(size / 25))]);
        await redis.flushdb();
        const plan = await runChild('./plan.child.js', [url, REDIS_URL, join(dir, 'var')]);
        if (Number(plan.planned) !== size) throw new Error(`the tick planned ${plan.planned} readers, expected ${size}`);
        peaks.push(Number(plan.peakRssMb));
        // The ledger rows are still written, by the workers as they take ranges: timed once, at the first size, in one process.
        const claims = size === SIZES[0] ? await runChild('./plan-claims.child.js', [url, join(dir, 'var')]) : null;
        if (claims && Number(claims.claimed) !== size) throw new Error(`the workers' claims took ${claims.claimed} deliveries, expected ${size}`);
        rows.push({
          path: `plan ${size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`} readers (PostgreSQL)`,
          baseline: 'wire: 1 INSERT…SELECT + addBulk',
          'baseline s': Number(floor.seconds).toFixed(2),
          s: Number(plan.seconds).toFixed(2),
          figure:
            `${Math.round(Number(plan.perSecond)).toLocaleString('en-US')} readers/s in ${plan.ranges} ranges` +
            (claims ? `; the workers' claims, 10 at a time: ${Number(claims.seconds).toFixed(2)} s in all (one process)` : ''),
          'ratio (baseline/path)': (Number(floor.seconds) / Number(plan.seconds)).toFixed(2),
          aim: size >= 1e6 ? `< 30 s; RSS ≤ 1.2× ${SIZES[0] / 1e3}k: ${(peaks[peaks.length - 1] / peaks[0]).toFixed(2)}×` : '',
          'peak RSS MB': plan.peakRssMb,
        });
      } finally {
        await dropDatabase(name);
      }
    }
  } finally {
    await redis.flushdb();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** `npm run bench -- plan`: the planning rows alone. */
export async function run(): Promise<void> {
  table(await planRows());
}
