import { Injectable } from '@nestjs/common';
import type { WriteSteps } from '../database/write-steps.js';
import { isDue, periodOf, windowStartFor } from './digest-period.js';
import type { PlanItem } from './digest-ledger.repository.js';
import { cursorAfter, DueReaderRepository, FIRST_CURSOR, type DueCursor, type DueReader } from './due-reader.repository.js';
import { nextDueAfter, nextDueMoment } from './next-due.js';

/**
 * Which readers a scheduled run looks at: those whose next due instant has come, read by index in
 * pages, not every confirmed reader. On the way it settles who turned out not to be due: readers
 * with no digest to get are parked, readers not due yet (a changed schedule, a new reader) move to
 * their instant, readers whose digest of this period is done move to the next period's.
 */
@Injectable()
export class DuePlanner {
  constructor(private readonly readers: DueReaderRepository) {}

  /** Pages of readers due at `now` (at most `take` read per page; a page may come out empty). */
  async *pages(now: Date, take: number): AsyncGenerator<DueReader[]> {
    const at = new ScheduleMemo(now);
    let next = this.prefetch(now, FIRST_CURSOR, take);
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      // The next page is read while this one is claimed and enqueued: the cursor is all it needs.
      next = this.prefetch(now, cursorAfter(page), take);
      await this.readers.park(page.filter((r) => !r.active).map((r) => r.id));
      const active = page.filter((r) => r.active);
      await this.readers.advance(active.filter((r) => !at.of(r).due).map((reader) => ({ reader, at: at.of(reader).next })));
      yield active.filter((r) => at.of(r).due);
    }
  }

  private prefetch(now: Date, cursor: DueCursor, take: number): Promise<DueReader[]> {
    const page = this.readers.page(now, cursor, take);
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

  /** afterDelivery() as a write step, for the transaction that records the sent digest (one commit, not two). */
  *afterDeliverySteps(reader: Schedulable, period: string): WriteSteps<void> {
    const at = this.nextAfter(reader, period);
    if (at) yield* this.readers.advanceSteps(reader, at);
  }

  /** Time-zone arithmetic is a sent message's largest cost after composing: done once per schedule and period. */
  private readonly nextAfters = new Map<string, Date | null>();

  private nextAfter(reader: Schedulable, period: string): Date | null {
    const key = `${reader.frequency}|${reader.deliveryHour}|${reader.timezone}|${period}`;
    let at = this.nextAfters.get(key);
    if (at === undefined) {
      if (this.nextAfters.size >= 4096) this.nextAfters.clear();
      this.nextAfters.set(key, (at = nextDueAfter(scheduleOf(reader), period)));
    }
    return at;
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
