import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { LockService } from '../../src/digests/lock.service.js';
import { openBufferSource } from '../../src/papers/dump-source.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { PAPER_WRITERS } from '../../src/topics/paper-topic.repository.js';
import { describeCrashResume } from '../flows/digest-crash.flow.js';
import { describeDeliveryFaults } from '../flows/digest-faults.flow.js';
import { describeDailyDigest } from '../flows/digest.flow.js';
import { describeIngestCli } from '../flows/ingest-cli.flow.js';
import { describeFirstStart } from '../flows/papers-http.flow.js';
import { describeSubscriberTopicsMigration } from '../flows/subscriber-topics-migration.flow.js';
import { describeSubscriptions } from '../flows/subscriptions.flow.js';
import { startAppOnPostgres, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { postgresCliDatabase, type CliDatabase } from '../support/db.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';

// Without a server this suite fails here rather than skipping: CI sets TEST_DATABASE_URL (.ci/run).
postgresAdminUrl();

describe('PostgreSQL: migrations from scratch', () => {
  let db: CliDatabase;
  const migrate = (args: string[]) => runCli(['migrate', ...args], { DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await postgresCliDatabase();
  });
  afterAll(async () => db?.drop());

  it('applies every migration to an empty database, then reports it up to date', async () => {
    const first = await migrate(['--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ applied: MIGRATIONS.map((m) => m.name) });
    const second = await migrate([]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('database is up to date\n');
  });

  it('creates the PostgreSQL types the placeholders stand for', async () => {
    const columns = await db.rows<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (table_name, column_name) IN (('papers', 'id'), ('papers', 'first_seen_at'), ('subscribers', 'paused'), ('paper_topics', 'score'), ('papers', 'authors'))
       ORDER BY table_name, column_name`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.data_type}`)).toEqual([
      'paper_topics.score double precision',
      'papers.authors text',
      'papers.first_seen_at timestamp with time zone',
      'papers.id integer',
      'subscribers.paused boolean',
    ]);
  });
});

describe('PostgreSQL: subscriber topics move from JSON to subscriber_topics', () =>
  describeSubscriberTopicsMigration(async () => {
    const db = await createTestDatabase();
    return { options: { type: 'postgres', url: db.url }, drop: () => db.drop() };
  }));
describe('PostgreSQL: paperboy ingest and papers list', () => describeIngestCli(postgresCliDatabase));
describe('PostgreSQL: first start and the admin ingest route', () => describeFirstStart(startAppOnPostgres));
describe('PostgreSQL: subscriptions', () => describeSubscriptions(startAppOnPostgres));
describe('PostgreSQL: the daily digest', () => describeDailyDigest(startAppOnPostgres));
describe('PostgreSQL: delivery faults', () => describeDeliveryFaults(startAppOnPostgres));
describe('PostgreSQL: a crashed run resumed', () => describeCrashResume(startAppOnPostgres));

/** Resolves once `sessions` sessions of this database wait on a lock: the writers have reached the one holding it. */
async function someSessionWaitsOnLock(dataSource: DataSource, sessions = 1): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const [row] = await dataSource.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (Number(row.n) >= sessions) return;
  }
  throw new Error('no session ever waited on a lock');
}

const jsonlPaper = (id: string) =>
  JSON.stringify({
    id,
    title: `Paper ${id}`,
    abstract: 'About things.',
    authors: 'A. One',
    categories: 'cs.LG',
    versions: [{ version: 'v1', created: 'Mon, 5 Jan 2026 10:00:00 GMT' }],
  }) + '\n';

describe('PostgreSQL: several writers at once', () => {
  let t: TestApp;
  let dataSource: DataSource;
  /** Separate LockService instances stand for separate processes: each has its own holder name. */
  const instances = (n: number) => Array.from({ length: n }, () => new LockService(dataSource));

  beforeAll(async () => {
    t = await startAppOnPostgres();
    dataSource = t.app.get(DataSource);
  });
  afterAll(async () => t?.close());

  it('is taken by exactly one of several concurrent callers, and held by it', async () => {
    const callers = instances(8);
    const won = await Promise.all(callers.map((l) => l.tryAcquire('race', 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = callers[won.indexOf(true)];
    const [row] = await dataSource.query(`SELECT holder FROM locks WHERE name = 'race'`);
    expect(row.holder).toBe(winner.holder);
    expect(await callers[(won.indexOf(true) + 1) % callers.length].tryAcquire('race', 60_000)).toBe(false);
    expect(await winner.tryAcquire('race', 60_000)).toBe(true); // the holder renews its own lease
  });

  it('runs the work of only one of two concurrent withLock calls, and is free again after', async () => {
    const [a, b] = instances(2);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = async () => {
      runs++;
      await gate; // the winner holds the lease until the loser has been turned away
    };
    const first = a.withLock('tick', 60_000, work);
    const second = b.withLock('tick', 60_000, work);
    const settled = await Promise.race([first.then(() => 'a'), second.then(() => 'b')]);
    release();
    const ran = await Promise.all([first, second]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(ran[settled === 'a' ? 0 : 1]).toBe(false); // the one that returned while the other worked is the loser
    expect(runs).toBe(1);
    expect(await b.tryAcquire('tick', 60_000)).toBe(true);
  });

  it('is taken over once it has expired', async () => {
    const [crashed, next] = instances(2);
    expect(await crashed.tryAcquire('expiring', -1_000)).toBe(true); // a lease whose holder died an instant ago
    expect(await next.tryAcquire('expiring', 60_000)).toBe(true);
    expect(await crashed.tryAcquire('expiring', 60_000)).toBe(false);
  });

  it('runs two ingests of the same papers one after the other, as SQLite does: the second finds them stored', async () => {
    const ingest = t.app.get(IngestService);
    const lines = Array.from({ length: 600 }, (_, i) => jsonlPaper(`2603.${30_000 + i}`));
    // A third writer holds the paper writers' lock (as an ingest mid-merge does): both dumps are
    // read and staged, then wait for it, and merge one after the other once it is released.
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [PAPER_WRITERS]);
    const first = ingest.ingest(await openBufferSource('one.jsonl', Buffer.from(lines.join(''))), { format: 'arxiv-jsonl' });
    const second = ingest.ingest(await openBufferSource('two.jsonl', Buffer.from(lines.join(''))), { format: 'arxiv-jsonl' });
    await someSessionWaitsOnLock(dataSource, 2);
    await holder.commitTransaction();
    await holder.release();
    const reports = await Promise.all([first, second]);
    expect(reports.map((r) => r.read)).toEqual([600, 600]);
    expect(reports.map((r) => r.new).sort((x, y) => x - y)).toEqual([0, 600]);
    expect(reports.map((r) => r.unchanged).sort((x, y) => x - y)).toEqual([0, 600]);
    const [{ n }] = await dataSource.query(`SELECT count(*) AS n FROM papers WHERE paper_key LIKE '2603.3%'`);
    expect(Number(n)).toBe(600);
  });
});
