import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';
import { zoneAtHour } from '../support/digest.js';
import { createTestDatabase, queryPostgres, type TestDatabase } from '../support/postgres.js';
import { SmtpSink } from '../support/smtp-sink.js';

/** Redis for the queue: TEST_REDIS_URL (`.ci/run` starts one), a database of this suite's own; missing is an error, not a skip. */
function redisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: the planning tests need Redis (see .ci/run)');
  return `${url.replace(/\/\d*$/, '')}/6`;
}

const READERS = 30;
let db: TestDatabase;
let sink: SmtpSink;
let dir: string;
let env: Record<string, string>;
const children: ChildProcess[] = [];

function start(args: string[]): { child: ChildProcess; stdout: Promise<string> } {
  const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, stdout: once(child, 'exit').then(() => out) };
}

async function addReaders(emails: string[], paused = false): Promise<void> {
  const zone = zoneAtHour(new Date(), 12); // noon there: due (hour 6), and no period change during the test
  const now = new Date();
  for (const email of emails) {
    await queryPostgres(
      db.url,
      `WITH s AS (INSERT INTO subscribers (email, status, keywords, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, confirmed_at, created_at, updated_at)
       VALUES (?, 'confirmed', NULL, 'daily', ?, 6, ?, ?, ?, ?, ?, ?) RETURNING id)
       INSERT INTO subscriber_topics (subscriber_id, topic_slug, position) SELECT id, 'agents', 0 FROM s`,
      [email, zone, paused, `k-${email}`, now, now, now, now],
    );
  }
}

/** Waits on the database until `check` holds (planning and workers run in other processes). */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await new SmtpSink().start();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-ranges-'));
  const redis = new Redis(redisUrl());
  await redis.flushdb();
  redis.disconnect();
  env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl(),
    MAIL_TRANSPORT: sink.url,
    VAR_DIR: join(dir, 'var'),
    SECRET_KEY: 'ranges-test-secret-key-0123456789abcdef',
    DIGEST_CONCURRENCY: '2',
    INGEST_POLL_SECONDS: '0',
  };
  expect((await runCli(['migrate'], env)).code).toBe(0);
  expect((await runCli(['ingest', fromRoot('test/fixtures/digest/2026-07-16.json')], env)).code).toBe(0);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
  await sink.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a queued run of due readers, planned in ranges of the due index (PostgreSQL, Redis)', () => {
  it('writes no ledger row at planning, hands each due reader out once, and is finished by the workers from the ledger', async () => {
    const emails = Array.from({ length: READERS }, (_, i) => `ranged${String(i).padStart(2, '0')}@example.org`);
    await addReaders(emails);
    await addReaders(['paused@example.org'], true); // in the due index until a worker parks them

    const first = start(['send', '--json']); // waits for the workers, of which there are none yet
    const [run] = await until(
      () => queryPostgres<{ id: number; status: string }>(db.url, "SELECT id, status FROM digest_runs WHERE status = 'queued'"),
      (rows) => rows.length === 1,
    );
    expect(run).toBeDefined();
    const ranges = await queryPostgres<{ n: string; readers: string }>(
      db.url,
      'SELECT count(*) AS n, sum(readers) AS readers FROM digest_run_ranges WHERE run_id = ? AND done_at IS NULL',
      [run.id],
    );
    expect(Number(ranges[0].readers)).toBe(READERS + 1);
    expect(Number(ranges[0].n)).toBeGreaterThan(1); // spread over jobs, so several workers share a small run
    expect(await queryPostgres(db.url, 'SELECT id FROM digest_deliveries')).toEqual([]);
    const shown = await runCli(['runs', 'show', String(run.id)], env);
    expect(shown.stdout).toContain(`handed to workers: ${READERS + 1} due readers in ${ranges[0].n} jobs, 0 done`);

    // A second run while those ranges are open hands out nobody again, and is over at once.
    const second = await runCli(['send', '--json'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ selected: 0, sent: 0 });
    expect(JSON.parse(second.stdout).queued).toBeUndefined();

    start(['worker']);
    const result = JSON.parse(await first.stdout);
    expect(result).toMatchObject({ runId: run.id, selected: READERS, sent: READERS, skippedEmpty: 0, failed: 0 });
    for (const email of emails) expect(sink.to(email)).toHaveLength(1);
    expect(sink.to('paused@example.org')).toHaveLength(0);

    const detail = JSON.parse((await runCli(['runs', 'show', String(run.id), '--json'], env)).stdout);
    expect(detail.run).toMatchObject({ status: 'finished', selected: READERS, sent: READERS });
    expect(detail.queue).toEqual({ readers: READERS + 1, ranges: Number(ranges[0].n), done: Number(ranges[0].n) });
    expect(detail.outcomes).toMatchObject({ sent: READERS, pending: 0 });
    const parked = await queryPostgres<{ next_due_at: Date }>(db.url, "SELECT next_due_at FROM subscribers WHERE email = 'paused@example.org'");
    expect(new Date(parked[0].next_due_at).getUTCFullYear()).toBe(9999);

    // The next run finds everyone done for the period: nobody due, nothing sent twice.
    const third = JSON.parse((await runCli(['send', '--json'], env)).stdout);
    expect(third).toMatchObject({ selected: 0, sent: 0 });
    expect(sink.messages).toHaveLength(READERS);
  }, 120_000);
});
