// Seeds a PostgreSQL database for the planning and preview benchmarks with generate_series: a
// million readers in seconds, not the hours the HTTP or CLI paths would take.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { fromRoot } from '../src/common/paths.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://paperboy:paperboy@127.0.0.1:5432/postgres';
const TOPICS = ['["agents"]', '["llm","reasoning-rl"]', '["multimodal","video"]', '["image-generation"]', '["agents","benchmarks-datasets"]'];

export async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

export function cli(args: string[], env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`paperboy ${args[0]} exited ${code}`);
  });
}

/** A fresh, migrated database with one day of papers; its URL. */
export async function freshDatabase(name: string, env: Record<string, string>): Promise<string> {
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
  await cli(['ingest', fromRoot('test/fixtures/digest/2026-07-16.json'), fromRoot('test/fixtures/digest/2026-07-17.json')], { ...env, DATABASE_URL: url });
  return url;
}

/** `count` confirmed daily readers due at 00:00 UTC, with one or two topics each. */
export async function seedReaders(url: string, count: number): Promise<void> {
  const topics = `(ARRAY[${TOPICS.map((t) => `'${t}'`).join(', ')}])[1 + g % ${TOPICS.length}]`;
  await sql(
    url,
    `INSERT INTO subscribers (email, status, keywords, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, confirmed_at, created_at, updated_at)
    SELECT 'reader' || g || '@example.org', 'confirmed', NULL, 'daily', 'Etc/UTC', 0, false, md5(g::text), now(), now(), now(), now() FROM generate_series(1, ${count}) g`,
  );
  await sql(
    url,
    `INSERT INTO subscriber_topics (subscriber_id, topic_slug, position)
    SELECT s.id, t.slug, t.pos - 1 FROM subscribers s, LATERAL (SELECT substring(s.email from 'reader(\\d+)@')::int AS g) n,
    LATERAL json_array_elements_text(${topics}::json) WITH ORDINALITY AS t(slug, pos)`,
  );
  await sql(url, 'ANALYZE');
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
