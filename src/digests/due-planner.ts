import { Injectable } from '@nestjs/common';
import { isDue, periodOf, windowStartFor } from './digest-period.js';
import type { PlanItem } from './digest-ledger.repository.js';
import { cursorAfter, DueReaderRepository, FIRST_CURSOR, type DueCursor, type DueReader } from './due-reader.repository.js';
import type { DueRange } from './due-range.repository.js';
import { nextDueAfter, nextDueMoment } from './next-due.js';

/** Index keys read per query when cutting ranges (two small columns each). */
const KEY_PAGE = 5000;
const RANGES_PER_BATCH = 200;
/** From this size on, a range's bounds are found in the database rather than by reading every key. */
const WALK_FROM = 50;

/**
 * Which readers a scheduled run looks at: those whose next due instant has come, read by index in
 * pages, not every confirmed reader. On the way it settles who turned out not to be due: readers
 * with no digest to get are parked, readers not due yet (a changed schedule, a new reader) move to
 * their instant, readers whose digest of this period is done move to the next period's.
 */
@Injectable()
export class DuePlanner {
  constructor(private readonly readers: DueReaderRepository) {}

  /** Pages of readers due at `now`, all or those of one range (at most `take` read per page; a page may come out empty). */
  async *pages(now: Date, take: number, range?: Pick<DueRange, 'after' | 'upto'>): AsyncGenerator<DueReader[]> {
    const at = new ScheduleMemo(now);
    let next = this.prefetch(now, range?.after ?? FIRST_CURSOR, take, range?.upto);
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      // The next page is read while this one is claimed and enqueued: the cursor is all it needs.
      next = this.prefetch(now, cursorAfter(page), take, range?.upto);
      await this.readers.park(page.filter((r) => !r.active).map((r) => r.id));
      const active = page.filter((r) => r.active);
      await this.readers.advance(active.filter((r) => !at.of(r).due).map((reader) => ({ reader, at: at.of(reader).next })));
      yield active.filter((r) => at.of(r).due);
    }
  }

  /**
   * The readers due at `now` after `start`, cut into ranges of consecutive index entries for the
   * workers: about `jobs` ranges for a small run (so every worker slot gets some), at most `maxSize`
   * readers each for a large one. Only index keys are read (a worker reads each range's readers,
   * their schedules and last digest, when it takes it), and only at the ranges' bounds when ranges
   * are large. Yields a few hundred ranges at a time.
   */
  async *ranges(now: Date, start: DueCursor, jobs: number, maxSize: number): AsyncGenerator<DueRange[]> {
    const due = await this.readers.count(now, start);
    if (due === 0) return;
    const size = Math.max(1, Math.min(maxSize, Math.ceil(due / jobs)));
    const bounds = size >= WALK_FROM ? this.walkedBounds(now, start, size) : this.readBounds(now, start, size);
    let out: DueRange[] = [];
    let seq = 0;
    for await (const range of bounds) {
      out.push({ ...range, seq: seq++ });
      if (out.length >= RANGES_PER_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  }

  /** Large ranges: each upper bound found `size` entries on by the database; the last range ends at the last due key. */
  private async *walkedBounds(now: Date, start: DueCursor, size: number): AsyncGenerator<Omit<DueRange, 'seq'>> {
    for (let after = start; ;) {
      const upto = await this.readers.keyAt(now, after, size - 1);
      if (upto) {
        yield { after, upto, readers: size };
        after = upto;
        continue;
      }
      const last = await this.readers.keyAt(now, after, 'last');
      if (last) yield { after, upto: last, readers: await this.readers.count(now, after, last) };
      return;
    }
  }

  /** Small ranges (down to one reader, under a send rate limit): the keys read in pages and cut here. */
  private async *readBounds(now: Date, start: DueCursor, size: number): AsyncGenerator<Omit<DueRange, 'seq'>> {
    let [after, last, inRange] = [start, start, 0];
    for (let more = true; more;) {
      const keys = await this.readers.keys(now, last, KEY_PAGE);
      more = keys.length === KEY_PAGE;
      for (const key of keys) {
        if (++inRange < size) continue;
        yield { after, upto: key, readers: inRange };
        [after, inRange] = [key, 0];
      }
      if (keys.length) last = keys[keys.length - 1];
    }
    if (inRange) yield { after, upto: last, readers: inRange };
  }

  private prefetch(now: Date, cursor: DueCursor, take: number, upto?: DueCursor): Promise<DueReader[]> {
    const page = this.readers.page(now, cursor, take, upto);
    page.catch(() => undefined); // awaited by the loop; not an unhandled rejection if the run stops first
    return page;
  }

  /** The deliveries a page of due readers asks for: this period's, from the end of the last digest. */
  plan(due: DueReader[], now: Date): PlanItem[] {
    const at = new ScheduleMemo(now);
    return due.map((r) => ({ subscriberId: r.id, period: at.of(r).period, windowStart: windowStartFor(r.frequency, r.lastWindowEnd, now) }));
  }

  /**
   * After a page was claimed: the readers this run did not claim whose digest of the period is
   * finished are due next period. (Claimed ones move when their digest is sent or skipped; rows
   * another run holds, or that failed, stay due, so a later tick picks them up again.)
   */
  async settle(due: DueReader[], claimed: Set<number>, now: Date): Promise<void> {
    const at = new ScheduleMemo(now);
    const rest = due.filter((r) => !claimed.has(r.id)).map((r) => ({ reader: r, period: at.of(r).period }));
    if (rest.length === 0) return;
    const finished = await this.readers.finished(rest.map(({ reader, period }) => ({ id: reader.id, period })));
    const moves = rest
      .filter(({ reader }) => finished.has(reader.id))
      .map(({ reader, period }) => ({ reader, at: nextDueAfter(scheduleOf(reader), period) }))
      .filter((m): m is { reader: DueReader; at: Date } => m.at !== null);
    await this.readers.advance(moves);
  }

  /** A sent or skipped digest of `period`: the reader is next due the period after. */
  async afterDelivery(reader: Schedulable, period: string): Promise<void> {
    const at = nextDueAfter(scheduleOf(reader), period);
    if (at) await this.readers.advance([{ reader, at }]);
  }
}

type Schedulable = Pick<DueReader, 'id' | 'frequency' | 'timezone' | 'deliveryHour'>;

/**
 * Whether a schedule is due at one instant, its period then and its next instant: the same for
 * every reader of that schedule (zone, hour, frequency), and time-zone arithmetic is what costs, so
 * computed once per schedule rather than once per reader.
 */
export class ScheduleMemo {
  private readonly known = new Map<string, { due: boolean; period: string; next: Date }>();

  constructor(private readonly now: Date) {}

  of(r: Pick<DueReader, 'frequency' | 'timezone' | 'deliveryHour'>): { due: boolean; period: string; next: Date } {
    const key = `${r.frequency}|${r.deliveryHour}|${r.timezone}`;
    let found = this.known.get(key);
    if (!found) {
      const s = scheduleOf(r);
      found = { due: isDue(s, this.now), period: periodOf(s, this.now), next: nextDueMoment(s, this.now) };
      this.known.set(key, found);
    }
    return found;
  }
}

function scheduleOf(r: Pick<DueReader, 'frequency' | 'timezone' | 'deliveryHour'>) {
  return { frequency: r.frequency, timezone: r.timezone, hour: r.deliveryHour };
}
