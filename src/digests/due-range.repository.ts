import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { execute, numbered, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { dialectOfSource } from '../database/write-steps.js';
import type { DueCursor } from './due-reader.repository.js';

/** A slice of the due index handed to one worker job: the readers after `after` up to and including `upto`. */
export interface DueRange {
  seq: number;
  after: DueCursor;
  upto: DueCursor;
  /** Readers due in it when it was cut (a worker may find some no longer due). */
  readers: number;
}

/** How far the workers are through a queued run's ranges. */
export interface RangeProgress {
  readers: number;
  ranges: number;
  done: number;
}

const CHUNK = 200;
/** How long an unfinished range keeps its readers from being handed out again. */
const OPEN_FOR_MS = 24 * 3600_000;

/** digest_run_ranges (migration 1764570000000): the ranges of queued scheduled runs and which are done. */
@Injectable()
export class DueRangeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOfSource(this.dataSource);
  }

  async record(runId: number, ranges: DueRange[]): Promise<void> {
    for (let i = 0; i < ranges.length; i += CHUNK) {
      const chunk = ranges.slice(i, i + CHUNK);
      await this.dataSource.query(
        numbered(this.d, `INSERT INTO digest_run_ranges (run_id, seq, readers, last_due_at, last_id) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`),
        chunk.flatMap((r) => [runId, r.seq, r.readers, this.at(r.upto), r.upto.id]),
      );
    }
  }

  /**
   * Where a new run's ranges start: after the last reader of any range still open (its job waits
   * or runs), so a tick never hands out a reader a worker is yet to take. Readers before that bound
   * who are still due (one reset by a change of preferences, one a worker could not claim) wait for
   * the open ranges to finish. A range left open over a day (its job lost with a flushed Redis) no
   * longer holds anyone back: its readers are handed out again, and the ledger still sends each once.
   */
  async openBound(now: Date): Promise<DueCursor | null> {
    const [row]: { last_due_at: string | Date; last_id: number }[] = await this.dataSource.query(
      numbered(
        this.d,
        `SELECT r.last_due_at, r.last_id FROM digest_run_ranges r JOIN digest_runs u ON u.id = r.run_id
         WHERE r.done_at IS NULL AND u.status IN ('running', 'queued') AND u.started_at > ?
         ORDER BY r.last_due_at DESC, r.last_id DESC LIMIT 1`,
      ),
      [sqlTimestamp(this.d, new Date(now.getTime() - OPEN_FOR_MS))],
    );
    return row ? { nextDueAt: row.last_due_at, id: Number(row.last_id) } : null;
  }

  /** Marks a range done; false if it already was (a job delivered twice). */
  async markDone(runId: number, seq: number, now = new Date()): Promise<boolean> {
    const changed = await execute(
      this.dataSource,
      numbered(this.d, 'UPDATE digest_run_ranges SET done_at = ? WHERE run_id = ? AND seq = ? AND done_at IS NULL'),
      [sqlTimestamp(this.d, now), runId, seq],
    );
    return changed === 1;
  }

  /** Due readers in ranges no worker has finished yet, across runs (for /metrics). */
  async waiting(): Promise<number> {
    const [row]: { n: number | string | null }[] = await this.dataSource.query('SELECT sum(readers) AS n FROM digest_run_ranges WHERE done_at IS NULL');
    return Number(row?.n ?? 0);
  }

  /** A run's ranges, readers and done ranges; null for a run not planned in ranges. */
  async progress(runId: number): Promise<RangeProgress | null> {
    const [row]: { ranges: number | string; readers: number | string | null; done: number | string | null }[] = await this.dataSource.query(
      numbered(
        this.d,
        'SELECT count(*) AS ranges, sum(readers) AS readers, sum(CASE WHEN done_at IS NULL THEN 0 ELSE 1 END) AS done FROM digest_run_ranges WHERE run_id = ?',
      ),
      [runId],
    );
    if (!row || Number(row.ranges) === 0) return null;
    return { ranges: Number(row.ranges), readers: Number(row.readers ?? 0), done: Number(row.done ?? 0) };
  }

  private at(c: DueCursor): string | Date {
    return typeof c.nextDueAt === 'string' ? c.nextDueAt : sqlTimestamp(this.d, c.nextDueAt);
  }
}
