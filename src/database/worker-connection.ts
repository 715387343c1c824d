import Database from 'better-sqlite3';
import { writeOnConnection, type SqliteConnection, type WriteSteps } from './write-steps.js';

/** A worker thread's own connection to the app's SQLite file, and its writes (each one short transaction). */
export interface WorkerConnection {
  write<R>(steps: () => WriteSteps<R>, durable?: boolean): R;
  close(): void;
}

/**
 * Opens the app's database on a worker thread, set up as the app's connection is (see
 * data-source.options.ts): WAL, foreign keys, another writer waited out up to 10 s. With `relaxed`
 * a write commits without waiting for the disk unless it is `durable`: a crash of the process
 * loses nothing (it is in the WAL), a power cut at worst the writes since the last durable one,
 * and a durable write (or any web write on the app's connection) makes every one before it
 * durable, since they precede it in the same WAL.
 */
export function openWorkerConnection(path: string, relaxed: boolean): WorkerConnection {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // 32 MB of page cache instead of 2: a long job's batches touch index pages all over a large
  // database (title keys are hashes), and re-reading them was most of a merge's time.
  db.pragma('cache_size = -32768');
  const level = relaxed ? 'NORMAL' : 'FULL';
  db.pragma(`synchronous = ${level}`);
  const connection = db as unknown as SqliteConnection;
  return {
    write(steps, durable) {
      if (!durable || !relaxed) return writeOnConnection(connection, steps);
      db.pragma('synchronous = FULL');
      try {
        return writeOnConnection(connection, steps);
      } finally {
        db.pragma(`synchronous = ${level}`);
      }
    },
    close: () => db.close(),
  };
}
