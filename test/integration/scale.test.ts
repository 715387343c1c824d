import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { fromRoot } from '../../src/common/paths.js';
import { freePort, TEST_ADMIN_TOKEN } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { zoneAtHour } from '../support/digest.js';
import { createTestDatabase, queryPostgres, type TestDatabase } from '../support/postgres.js';
import { SmtpSink } from '../support/smtp-sink.js';

/** Redis for the queue: TEST_REDIS_URL (`.ci/run` starts one); missing is an error, not a skip. */
function redisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: the scale-out tests need Redis (see .ci/run)');
  return `${url.replace(/\/\d*$/, '')}/7`;
}

const WORKERS = 3;
const CONCURRENCY = 2;
let db: TestDatabase;
let sink: SmtpSink;
let dir: string;
let env: Record<string, string>;
const children: ChildProcess[] = [];

function start(args: string[], extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function addDue(emails: string[]): Promise<void> {
  const zone = zoneAtHour(new Date(), 12); // noon there: due (hour 6), and no period change during the test
  const now = new Date();
  for (const email of emails) {
    await queryPostgres(
      db.url,
      `WITH s AS (INSERT INTO subscribers (email, status, keywords, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, confirmed_at, created_at, updated_at)
       VALUES (?, 'confirmed', NULL, 'daily', ?, 6, false, ?, ?, ?, ?, ?) RETURNING id)
       INSERT INTO subscriber_topics (subscriber_id, topic_slug, position) SELECT id, 'agents', 0 FROM s`,
      [email, zone, `k-${email}`, now, now, now, now],
    );
  }
}

async function ledger(): Promise<{ email: string; status: string }[]> {
  return queryPostgres(db.url, 'SELECT s.email, d.status FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id ORDER BY s.email');
}

async function settledLedger(mine: (r: { email: string; status: string }) => boolean, count: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await ledger();
    const settled = rows.filter(mine).filter((r) => r.status !== 'pending');
    if (settled.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await new SmtpSink().start();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-scale-'));
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
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SECRET_KEY: 'scale-test-secret-key-0123456789abcdef',
    DIGEST_CONCURRENCY: String(CONCURRENCY),
    DIGEST_RETRY_BASE_MS: '50',
    QUEUE_LOCK_MS: '2000',
    DIGEST_TICK_SECONDS: '1',
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

describe('two serve instances and three workers on PostgreSQL and Redis', () => {
  it('schedule every due subscriber exactly one digest', async () => {
    const first = Array.from({ length: 20 }, (_, i) => `first${i}@example.org`);
    await addDue(first);
    for (let i = 0; i < WORKERS; i++) start(['worker']);
    const ports = [await freePort(), await freePort()];
    for (const port of ports) start(['serve'], { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    await sink.waitFor(first.length);
    for (const port of ports) {
      // Both instances came up (first start races between them are idempotent) and see Redis.
      const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' } } });
    }
    for (const email of first) expect(sink.to(email)).toHaveLength(1);
    const runs = await queryPostgres<{ n: string }>(db.url, "SELECT count(*) AS n FROM digest_runs WHERE trigger = 'schedule'");
    expect(Number(runs[0].n)).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('redeliver the jobs of a worker killed mid-run, still one digest each', async () => {
    const second = Array.from({ length: 12 }, (_, i) => `second${i}@example.org`);
    const delivered = sink.messages.length;
    sink.hold = () => true; // every slot of every worker gets stuck on a message
    await addDue(second);
    await sink.waitForHeld(CONCURRENCY * WORKERS);
    const victim = children.find((c) => c.spawnargs.includes('worker'))!;
    victim.kill('SIGKILL');
    await once(victim, 'exit');
    sink.hold = null;
    sink.releaseHeld(451); // the live workers retry theirs; the dead one's jobs stall and move on
    await sink.waitFor(delivered + second.length);
    for (const email of second) expect(sink.to(email)).toHaveLength(1);
    // The sink has a message before its worker records it: wait for the ledger to settle.
    const rows = await settledLedger((r) => r.email.startsWith('second'), second.length);
    expect(rows.filter((r) => r.email.startsWith('second'))).toEqual(second.sort().map((email) => ({ email, status: 'sent' })));
  }, 120_000);
});
