import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { dialectOf, sqlTimestamp } from '../../src/database/dialect.js';
import { createTestDatabase, numberedParams, queryPostgres } from './postgres.js';

/** Reads a test's SQLite file directly, to check what a command stored (or did not). */
export function readDb<T>(path: string, sql: string, params: unknown[] = []): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A database a test points the CLI at (DATABASE_URL) and reads back directly, with `?` placeholders. */
export interface CliDatabase {
  url: string;
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export type OpenCliDatabase = () => Promise<CliDatabase>;

export const sqliteCliDatabase: OpenCliDatabase = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-db-'));
  const path = join(dir, 'paperboy.sqlite');
  return {
    url: `sqlite:${path}`,
    rows: async <T>(sql: string, params: unknown[] = []) => readDb<T>(path, sql, params),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** A fresh database on TEST_DATABASE_URL's server. */
export const postgresCliDatabase: OpenCliDatabase = async () => {
  const db = await createTestDatabase();
  return { url: db.url, rows: <T>(sql: string, params: unknown[] = []) => queryPostgres<T>(db.url, sql, params), drop: db.drop };
};

/** Everything stored about papers, as one string: equal before and after means nothing changed. */
export async function papersSnapshot(db: CliDatabase): Promise<string> {
  const papers = await db.rows('SELECT * FROM papers ORDER BY id');
  const tags = await db.rows('SELECT * FROM paper_topics ORDER BY paper_id, topic_slug');
  return JSON.stringify({ papers, tags });
}

/**
 * A raw query on the running app's database, written once with `?` placeholders whichever the
 * database; Date parameters are passed in the form the app stores. Counts come back as strings
 * from PostgreSQL: wrap them in Number().
 */
export function queryApp<T>(app: INestApplicationContext, sql: string, params: unknown[] = []): Promise<T[]> {
  const ds = app.get(DataSource);
  const d = dialectOf({ connection: ds });
  return ds.query(
    d === 'postgres' ? numberedParams(sql) : sql,
    params.map((p) => (p instanceof Date ? sqlTimestamp(d, p) : p)),
  );
}
