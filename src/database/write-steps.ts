import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, QueryRunner } from 'typeorm';
import type { DialectName } from './dialect.js';

/** One SQL statement with its positional parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

type Row = Record<string, unknown>;

/**
 * A write transaction written once for both databases: it yields each statement and receives
 * that statement's rows. On SQLite it is driven synchronously, so it runs in one tick and nothing
 * else in the process can slip a query into it; on PostgreSQL it is awaited on a runner.
 */
export type WriteSteps<R> = Generator<Statement, R, Row[]>;

/** Minimal view of better-sqlite3's connection: TypeORM exposes it as `driver.databaseConnection`. */
interface SqliteStatement {
  reader: boolean;
  all(params: unknown[]): Row[];
  run(params: unknown[]): unknown;
}

export interface SqliteConnection {
  inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate: () => T };
}

export function dialectOfSource(source: DataSource): DialectName {
  return source.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** Drives steps on PostgreSQL (or inside an already open transaction) through a query runner. */
export async function runStepsOn<R>(runner: QueryRunner, steps: WriteSteps<R>): Promise<R> {
  let next = steps.next();
  while (!next.done) next = steps.next(await runner.query(next.value.sql, next.value.params));
  return next.value;
}

/**
 * Runs steps as one short write transaction. On SQLite: `BEGIN IMMEDIATE` on the app's one
 * connection, all statements, `COMMIT`, in a single synchronous call. It waits for any async
 * TypeORM transaction of a web request to end first (it would otherwise join it), and another
 * process's writer is waited out by the busy timeout. On PostgreSQL a pooled transaction.
 */
export async function runWrite<R>(source: DataSource, steps: () => WriteSteps<R>): Promise<R> {
  if (dialectOfSource(source) === 'postgres') return source.transaction((em) => runStepsOn(em.queryRunner!, steps()));
  const db = sqliteConnection(source);
  while (db.inTransaction) await sleep(2);
  return db.transaction(() => driveSync(db, steps())).immediate();
}

/**
 * Runs steps as one `BEGIN IMMEDIATE` transaction on a better-sqlite3 connection the caller owns
 * alone (a worker thread's): nothing else can slip a query in, so there is nothing to wait for
 * but another connection's writer, which the busy timeout waits out.
 */
export function writeOnConnection<R>(db: SqliteConnection, steps: () => WriteSteps<R>): R {
  return db.transaction(() => driveSync(db, steps())).immediate();
}

/**
 * Prepared statements by SQL text, per connection. Batched jobs repeat the same few statements
 * (a full batch always has the same shape), and preparing one took a tenth of an ingest's time.
 * Bounded: statements with a one-off shape (a batch's short tail) do not pile up.
 */
const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
const PREPARED_KEPT = 64;

function prepare(db: SqliteConnection, sql: string): SqliteStatement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (stmt) {
    cache.delete(sql); // re-inserted below: the Map's order is then least recently used first
  } else {
    stmt = db.prepare(sql);
    if (cache.size >= PREPARED_KEPT) cache.delete(cache.keys().next().value!);
  }
  cache.set(sql, stmt);
  return stmt;
}

function driveSync<R>(db: SqliteConnection, steps: WriteSteps<R>): R {
  let next = steps.next();
  while (!next.done) {
    const stmt = prepare(db, next.value.sql);
    next = steps.next(stmt.reader ? stmt.all(next.value.params) : (stmt.run(next.value.params), []));
  }
  return next.value;
}

function sqliteConnection(source: DataSource): SqliteConnection {
  return (source.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
}

/** Writes one batch of a long job; how it commits depends on the database (see writeSession). */
export type BatchWrite = <R>(steps: () => WriteSteps<R>) => Promise<R>;

/**
 * A long job's writes (ingest merge, re-tag). SQLite: each batch is its own short transaction, so
 * web writes get the writer between batches. PostgreSQL keeps one transaction holding the named
 * advisory lock, since its writers never wait on each other: the job is atomic there.
 */
export async function writeSession<T>(source: DataSource, lockName: string, work: (write: BatchWrite) => Promise<T>): Promise<T> {
  if (dialectOfSource(source) === 'sqlite') return work((steps) => runWrite(source, steps));
  return source.transaction(async (em) => {
    const runner = em.queryRunner!;
    await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    return work((steps) => runStepsOn(runner, steps()));
  });
}
