// The planning row's baseline, the wire: the same ledger rows written by one INSERT … SELECT inside
// PostgreSQL (no round trips, no planning code) and the same number of BullMQ jobs added in bulk.
import { Queue } from 'bullmq';
import pg from 'pg';
import { redisConnection } from '../src/common/redis.js';
import { peakRssMb } from './child.js';

const [databaseUrl, redisUrl, jobsText] = process.argv.slice(2);
const jobs = Number(jobsText);
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const queue = new Queue('paperboy-bench-floor', { connection: redisConnection(redisUrl) });
const started = performance.now();
const [{ id: runId }] = (
  await client.query(
    `INSERT INTO digest_runs (trigger, options, status, dry_run, selected, sent, skipped_empty, failed, started_at) VALUES ('cli', '{}', 'running', false, 0, 0, 0, 0, now()) RETURNING id`,
  )
).rows;
const inserted = await client.query(
  `INSERT INTO digest_deliveries (subscriber_id, period, run_id, claimed_by, window_start, created_at, updated_at, resend, status, attempts, more_count)
   SELECT id, to_char(now(), 'YYYY-MM-DD'), $1, 'floor', now() - interval '1 day', now(), now(), 0, 'pending', 0, 0 FROM subscribers
   ON CONFLICT (subscriber_id, period, resend) DO NOTHING`,
  [runId],
);
for (let i = 0; i < jobs; i += 1000) {
  const n = Math.min(1000, jobs - i);
  await queue.addBulk(
    Array.from({ length: n }, (_, k) => ({ name: 'deliver', data: { deliveryId: i + k, runId }, opts: { jobId: `floor-${i + k}`, removeOnComplete: true } })),
  );
}
const seconds = (performance.now() - started) / 1000;
await queue.obliterate({ force: true });
await queue.close();
await client.query('DELETE FROM digest_deliveries');
await client.query('DELETE FROM digest_runs');
await client.end();
process.stdout.write(JSON.stringify({ rows: inserted.rowCount, jobs, seconds, peakRssMb: peakRssMb() }) + '\n');
