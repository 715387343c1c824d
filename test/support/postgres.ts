import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** A DATABASE_URL for the app or the CLI. */
  url: string;
  drop(): Promise<void>;
}

/**
 * The server the PostgreSQL suites run against (`.ci/run` sets it). Missing is an error, not a
 * reason to skip: a suite that silently passes without its database proves nothing.
 */
export function postgresAdminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the PostgreSQL tests need a server (see .ci/run)');
  return url;
}

/** A fresh, empty database on the test server, so every app or CLI run starts from no schema at all. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = postgresAdminUrl();
  const name = `paperboy_test_${randomBytes(6).toString('hex')}`;
  await onAdmin(admin, `CREATE DATABASE ${name}`);
  // A session zone far from UTC, so code that leans on the server's zone for timestamps fails here, not in production.
  await onAdmin(admin, `ALTER DATABASE ${name} SET TimeZone = 'Pacific/Kiritimati'`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a CLI child killed mid-test may still hold a connection for a moment.
    drop: () => onAdmin(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs one query on a test database with `?` placeholders, as the SQLite helpers do, and closes. */
export async function queryPostgres<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(numberedParams(sql), params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** `?` → `$1`, `$2`, … in order, so a test's SQL is written once for both databases. */
export function numberedParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
