import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { SubscriberTopics1764400000000 } from '../../migrations/1764400000000-subscriber-topics.js';
import { dialectOf, param, sqlTimestamp } from '../../src/database/dialect.js';
import { ENTITIES } from '../../src/database/entities.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';

/** Where a migration test's database lives: the connection options, and how to throw it away. */
export interface MigrationDatabase {
  options: Pick<DataSourceOptions, 'type'> & Record<string, unknown>;
  drop(): Promise<void>;
}

const BEFORE = MIGRATIONS.slice(0, MIGRATIONS.indexOf(SubscriberTopics1764400000000));

/** Readers as the JSON column held them before the migration: order, an empty list, a repeated slug, non-strings. */
const READERS: [email: string, status: string, topics: string][] = [
  ['a@example.org', 'confirmed', '["llm","agents"]'],
  ['b@example.org', 'confirmed', '["agents"]'],
  ['c@example.org', 'pending', '[]'],
  ['d@example.org', 'confirmed', '["video","agents","video",7,null]'],
  ['e@example.org', 'unsubscribed', '["agents","llm"]'],
];

/**
 * The subscriber_topics migration on a database that already has readers: their topics move from the
 * JSON column to the join table, keep their order, are read by the repository as before, and `down`
 * puts the JSON back. Run on SQLite by test/unit/database and on PostgreSQL by test/integration.
 */
export function describeSubscriberTopicsMigration(open: () => Promise<MigrationDatabase>): void {
  let db: MigrationDatabase;
  let source: DataSource;
  let repo: SubscriberRepository;

  beforeAll(async () => {
    db = await open();
    const old = await new DataSource({ ...db.options, migrations: BEFORE, synchronize: false, logging: false } as DataSourceOptions).initialize();
    await old.runMigrations();
    await seed(old);
    await old.destroy();
    source = await new DataSource({
      ...db.options,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      synchronize: false,
      logging: false,
    } as DataSourceOptions).initialize();
    await source.runMigrations();
    repo = new SubscriberRepository(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('moves every reader’s topics into subscriber_topics, in order, once each', async () => {
    const rows: { email: string; topic_slug: string; position: number }[] = await source.query(
      `SELECT s.email, t.topic_slug, t.position FROM subscriber_topics t JOIN subscribers s ON s.id = t.subscriber_id ORDER BY s.email, t.position`,
    );
    expect(rows.map((r) => `${r.email} ${r.topic_slug} ${Number(r.position)}`)).toEqual([
      'a@example.org llm 0',
      'a@example.org agents 1',
      'b@example.org agents 0',
      'd@example.org video 0',
      'd@example.org agents 1',
      'e@example.org agents 0',
      'e@example.org llm 1',
    ]);
    const columns = (await source.createQueryRunner().getTable('subscribers'))!.columns.map((c) => c.name);
    expect(columns).not.toContain('topics');
  });

  it('reads the moved topics through the repository as the JSON column gave them', async () => {
    expect((await repo.findByEmail('a@example.org'))?.topics).toEqual(['llm', 'agents']);
    expect((await repo.findByEmail('c@example.org'))?.topics).toEqual([]);
    expect((await repo.findByEmail('d@example.org'))?.topics).toEqual(['video', 'agents']);
  });

  it('finds a topic’s confirmed readers with the join, and counts them per topic', async () => {
    const readers = await repo.audiencePage({ topic: 'agents' }, 0, 100);
    expect(readers.map((s) => s.email)).toEqual(['a@example.org', 'b@example.org', 'd@example.org']);
    expect(Object.fromEntries(await repo.confirmedPerTopic())).toEqual({ agents: 3, llm: 1, video: 1 });
  });

  it('writes new topics to the table only, replacing the old ones', async () => {
    const b = (await repo.findByEmail('b@example.org'))!;
    await repo.update(b.id, { topics: ['llm', 'video'] });
    expect((await repo.findById(b.id))?.topics).toEqual(['llm', 'video']);
    expect((await repo.audiencePage({ topic: 'agents' }, 0, 100)).map((s) => s.email)).toEqual(['a@example.org', 'd@example.org']);
  });

  it('goes back down to the JSON column with the same lists', async () => {
    // The migrations after it are undone first, newest first, as `migration:revert` would.
    const later = MIGRATIONS.length - MIGRATIONS.indexOf(SubscriberTopics1764400000000) - 1;
    for (let i = 0; i <= later; i++) await source.undoLastMigration();
    const rows: { email: string; topics: string }[] = await source.query('SELECT email, topics FROM subscribers ORDER BY email');
    expect(rows.map((r) => [r.email, JSON.parse(r.topics)])).toEqual([
      ['a@example.org', ['llm', 'agents']],
      ['b@example.org', ['llm', 'video']],
      ['c@example.org', []],
      ['d@example.org', ['video', 'agents']],
      ['e@example.org', ['agents', 'llm']],
    ]);
    expect((await source.createQueryRunner().getTable('subscriber_topics')) ?? null).toBeNull();
  });
}

async function seed(source: DataSource): Promise<void> {
  const d = dialectOf({ connection: source });
  const now = sqlTimestamp(d, new Date('2026-07-01T00:00:00Z'));
  const p = (n: number) => param(d, n);
  for (const [email, status, topics] of READERS) {
    await source.query(
      `INSERT INTO subscribers (email, status, topics, keywords, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, created_at, updated_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, NULL, 'daily', 'UTC', 8, ${d === 'postgres' ? 'false' : '0'}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`,
      [email, status, topics, `key-${email}`, now, now, now],
    );
  }
}
