import Database from 'better-sqlite3';

/** Reads a test's SQLite file directly, to check what a command stored (or did not). */
export function readDb<T>(path: string, sql: string, params: unknown[] = []): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Everything stored about papers, as one string: equal before and after means nothing changed. */
export function papersSnapshot(path: string): string {
  const papers = readDb(path, 'SELECT * FROM papers ORDER BY id');
  const tags = readDb(path, 'SELECT * FROM paper_topics ORDER BY paper_id, topic_slug');
  return JSON.stringify({ papers, tags });
}
