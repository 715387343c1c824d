import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PaperRow } from './paper.repository.js';
import { processAlive } from '../common/process-alive.js';

/** Where one dump's parsed papers wait between reading the file and merging it (see DumpStaging). */
export interface Staging {
  /** Adds a paper, merging it into the one already staged under its key. */
  add(row: PaperRow, merge: (a: PaperRow, b: PaperRow) => PaperRow): void;
  flush(): void;
  /** The staged papers after `seq`, in file order (seq counts from 1, one per distinct paper). */
  batch(after: number, size: number): { seq: number; row: PaperRow }[];
  close(): void;
}

/** Dumps up to this size are staged in memory: a corpus of small files pays no scratch file each. */
const IN_MEMORY_BYTES = 4 * 1024 * 1024;

/** Staging for a dump of `bytes` (null: unknown): in memory when small, else a scratch file. */
export function openStaging(varDir: string, bytes: number | null): Staging {
  return bytes !== null && bytes <= IN_MEMORY_BYTES ? new MemoryStaging() : DumpStaging.open(varDir);
}

/** A small dump's staging: the same order and numbering as DumpStaging's, in a list. */
class MemoryStaging implements Staging {
  private readonly rows: PaperRow[] = [];
  private readonly index = new Map<string, number>();

  add(row: PaperRow, merge: (a: PaperRow, b: PaperRow) => PaperRow): void {
    const at = this.index.get(row.paperKey);
    if (at === undefined) {
      this.index.set(row.paperKey, this.rows.length);
      this.rows.push(row);
    } else this.rows[at] = merge(this.rows[at], row);
  }

  flush(): void {}

  batch(after: number, size: number): { seq: number; row: PaperRow }[] {
    return this.rows.slice(after, after + size).map((row, i) => ({ seq: after + i + 1, row }));
  }

  close(): void {}
}

/**
 * A private scratch database holding one dump's parsed papers (one row per paper, duplicates
 * merged) between reading the file and merging it into the real database. Reading and validating
 * happen here, so a rejected file never touched the real database, and the merge that follows
 * is a sequence of short transactions. The file lives in VAR_DIR/staging and is deleted after.
 */
export class DumpStaging implements Staging {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly find: Database.Statement;
  private readonly update: Database.Statement;
  private inBatch = 0;

  private constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec('CREATE TABLE staged (seq INTEGER PRIMARY KEY, paper_key TEXT NOT NULL UNIQUE, row TEXT NOT NULL)');
    this.insert = this.db.prepare('INSERT INTO staged (paper_key, row) VALUES (?, ?) ON CONFLICT (paper_key) DO NOTHING');
    this.find = this.db.prepare('SELECT row FROM staged WHERE paper_key = ?');
    this.update = this.db.prepare('UPDATE staged SET row = ? WHERE paper_key = ?');
  }

  /** Opens a fresh staging file, first removing those left by processes that no longer run. */
  static open(varDir: string): DumpStaging {
    const dir = join(varDir, 'staging');
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      if (pid && !processAlive(pid)) rmSync(join(dir, name), { force: true });
    }
    return new DumpStaging(join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.sqlite`));
  }

  /** Adds a paper, merging it into the one already staged under its key. */
  add(row: PaperRow, merge: (a: PaperRow, b: PaperRow) => PaperRow): void {
    if (this.inBatch === 0) this.db.exec('BEGIN');
    if (this.insert.run(row.paperKey, JSON.stringify(row)).changes === 0) {
      const staged = revive(JSON.parse((this.find.get(row.paperKey) as { row: string }).row));
      this.update.run(JSON.stringify(merge(staged, row)), row.paperKey);
    }
    if (++this.inBatch >= 10_000) this.flush();
  }

  flush(): void {
    if (this.inBatch > 0) this.db.exec('COMMIT');
    this.inBatch = 0;
  }

  /** The staged papers after `seq`, in file order. */
  batch(after: number, size: number): { seq: number; row: PaperRow }[] {
    this.flush();
    const rows = this.db.prepare('SELECT seq, row FROM staged WHERE seq > ? ORDER BY seq LIMIT ?').all(after, size) as { seq: number; row: string }[];
    return rows.map((r) => ({ seq: r.seq, row: revive(JSON.parse(r.row)) }));
  }

  close(): void {
    this.db.close();
    rmSync(this.path, { force: true });
  }
}

function revive(row: PaperRow): PaperRow {
  return { ...row, publishedAt: row.publishedAt ? new Date(row.publishedAt) : null };
}
