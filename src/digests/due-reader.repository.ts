import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { numbered, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import { dialectOfSource, type Statement } from '../database/write-steps.js';
import type { Frequency } from './digest-period.js';

/** What planning needs of a reader whose next due instant has come: their schedule, not their profile. */
export interface DueReader {
  id: number;
  frequency: Frequency;
  timezone: string;
  deliveryHour: number;
  /** Confirmed and not paused. */
  active: boolean;
  /** As stored: where the next page starts. */
  nextDueAt: string | Date;
  /** The end of their last sent or skipped digest (DigestLedger.lastWindowEnds, read with the page). */
  lastWindowEnd: Date | undefined;
}

export interface DueCursor {
  nextDueAt: string | Date;
  id: number;
}

interface Row {
  id: number;
  status: string;
  paused: boolean | number;
  frequency: Frequency;
  timezone: string;
  delivery_hour: number;
  next_due_at: string | Date;
  last_window_end: string | Date | null;
}

/** Far enough back to start every scan: the migration's DUE_NOW. */
export const FIRST_CURSOR: DueCursor = { nextDueAt: new Date(0), id: 0 };
const NEVER = new Date('9999-12-31T00:00:00Z');
const CHUNK = 500;

/**
 * subscribers.next_due_at (migration 1764550000000): read as a range of subscribers_next_due,
 * moved forward with a compare-and-set on the schedule it was computed from, so a change of
 * preferences meanwhile (which the trigger turns into "due now") is never overwritten.
 */
@Injectable()
export class DueReaderRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOfSource(this.dataSource);
  }

  /** The next `take` readers whose instant is at or before `now`, after the cursor (and up to `upto`), in instant order. */
  async page(now: Date, after: DueCursor, take: number, upto?: DueCursor): Promise<DueReader[]> {
    // The row-value bound is an index condition in both databases: each page starts where the last ended.
    const rows: Row[] = await this.dataSource.query(
      numbered(
        this.d,
        `SELECT s.id, s.status, s.paused, s.frequency, s.timezone, s.delivery_hour, s.next_due_at,
           (SELECT max(d.window_end) FROM digest_deliveries d WHERE d.subscriber_id = s.id AND d.status IN ('sent', 'skipped')) AS last_window_end
         FROM subscribers s WHERE s.next_due_at <= ? AND (s.next_due_at, s.id) > (?, ?) ${upto ? 'AND (s.next_due_at, s.id) <= (?, ?)' : ''}
         ORDER BY s.next_due_at, s.id LIMIT ${Math.max(1, Math.floor(take))}`,
      ),
      [sqlTimestamp(this.d, now), this.at(after), after.id, ...(upto ? [this.at(upto), upto.id] : [])],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      frequency: r.frequency,
      timezone: r.timezone,
      deliveryHour: Number(r.delivery_hour),
      active: r.status === 'confirmed' && !r.paused,
      nextDueAt: r.next_due_at,
      lastWindowEnd: r.last_window_end ? parseTimestamp(r.last_window_end) : undefined,
    }));
  }

  /** Only the index keys of the next `take` readers due at `now` after the cursor: what cutting a run into ranges needs. */
  async keys(now: Date, after: DueCursor, take: number): Promise<DueCursor[]> {
    const rows: { id: number; next_due_at: string | Date }[] = await this.dataSource.query(
      numbered(
        this.d,
        `SELECT next_due_at, id FROM subscribers WHERE next_due_at <= ? AND (next_due_at, id) > (?, ?)
         ORDER BY next_due_at, id LIMIT ${Math.max(1, Math.floor(take))}`,
      ),
      [sqlTimestamp(this.d, now), this.at(after), after.id],
    );
    return rows.map((r) => ({ nextDueAt: r.next_due_at, id: Number(r.id) }));
  }

  /**
   * The key `offset` entries after the cursor among readers due at `now`, and the last due key: the
   * bounds of a range found by walking the index in the database, without sending the keys between.
   */
  async keyAt(now: Date, after: DueCursor, offset: number | 'last'): Promise<DueCursor | null> {
    const order = offset === 'last' ? 'next_due_at DESC, id DESC LIMIT 1' : `next_due_at, id LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`;
    const [row]: { id: number; next_due_at: string | Date }[] = await this.dataSource.query(
      numbered(this.d, `SELECT next_due_at, id FROM subscribers WHERE next_due_at <= ? AND (next_due_at, id) > (?, ?) ORDER BY ${order}`),
      [sqlTimestamp(this.d, now), this.at(after), after.id],
    );
    return row ? { nextDueAt: row.next_due_at, id: Number(row.id) } : null;
  }

  /** How many readers are due at `now` after the cursor (an index range count). */
  async count(now: Date, after: DueCursor, upto?: DueCursor): Promise<number> {
    const [row]: { n: number | string }[] = await this.dataSource.query(
      numbered(
        this.d,
        `SELECT count(*) AS n FROM subscribers WHERE next_due_at <= ? AND (next_due_at, id) > (?, ?) ${upto ? 'AND (next_due_at, id) <= (?, ?)' : ''}`,
      ),
      [sqlTimestamp(this.d, now), this.at(after), after.id, ...(upto ? [this.at(upto), upto.id] : [])],
    );
    return Number(row.n);
  }

  /** A cursor's instant as a parameter: as stored (a string read back from SQLite) or converted. */
  private at(c: DueCursor): string | Date {
    return typeof c.nextDueAt === 'string' ? c.nextDueAt : sqlTimestamp(this.d, c.nextDueAt);
  }

  /** Readers who get no digest leave the range until a change of status or pause brings them back. */
  async park(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      await this.dataSource.query(
        numbered(this.d, `UPDATE subscribers SET next_due_at = ? WHERE id IN (${chunk.map(() => '?').join(', ')}) AND (status <> 'confirmed' OR paused)`),
        [sqlTimestamp(this.d, NEVER), ...chunk],
      );
    }
  }

  /** Moves each reader to their instant, unless their schedule is no longer the one it was computed from. */
  async advance(moves: { reader: Pick<DueReader, 'id' | 'frequency' | 'timezone' | 'deliveryHour'>; at: Date }[]): Promise<void> {
    const groups = new Map<string, { at: Date; reader: (typeof moves)[number]['reader']; ids: number[] }>();
    for (const { reader, at } of moves) {
      const key = `${at.getTime()}|${reader.frequency}|${reader.timezone}|${reader.deliveryHour}`;
      const group = groups.get(key) ?? { at, reader, ids: [] };
      group.ids.push(reader.id);
      groups.set(key, group);
    }
    for (const { at, reader, ids } of groups.values()) {
      for (let i = 0; i < ids.length; i += CHUNK) await this.run(this.advanceStatement(reader, at, ids.slice(i, i + CHUNK)));
    }
  }

  /** Of these readers and periods, those whose digest of that period is sent, skipped or bounced. */
  async finished(items: { id: number; period: string }[]): Promise<Set<number>> {
    const done = new Set<number>();
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      const periods = [...new Set(chunk.map((c) => c.period))];
      const wanted = new Map(chunk.map((c) => [c.id, c.period]));
      const rows: { subscriber_id: number; period: string }[] = await this.dataSource.query(
        numbered(
          this.d,
          `SELECT subscriber_id, period FROM digest_deliveries WHERE resend = 0 AND status IN ('sent', 'skipped', 'bounced')
           AND subscriber_id IN (${chunk.map(() => '?').join(', ')}) AND period IN (${periods.map(() => '?').join(', ')})`,
        ),
        [...chunk.map((c) => c.id), ...periods],
      );
      for (const r of rows) if (wanted.get(Number(r.subscriber_id)) === r.period) done.add(Number(r.subscriber_id));
    }
    return done;
  }

  private advanceStatement(reader: Pick<DueReader, 'frequency' | 'timezone' | 'deliveryHour'>, at: Date, ids: number[]): Statement {
    return {
      sql: numbered(
        this.d,
        `UPDATE subscribers SET next_due_at = ? WHERE id IN (${ids.map(() => '?').join(', ')})
         AND status = 'confirmed' AND NOT paused AND frequency = ? AND timezone = ? AND delivery_hour = ?`,
      ),
      params: [sqlTimestamp(this.d, at), ...ids, reader.frequency, reader.timezone, reader.deliveryHour],
    };
  }

  private async run(s: Statement): Promise<void> {
    await this.dataSource.query(s.sql, s.params);
  }
}

/** Where the page after these readers starts. */
export function cursorAfter(readers: DueReader[]): DueCursor {
  const last = readers[readers.length - 1];
  return { nextDueAt: last.nextDueAt, id: last.id };
}
