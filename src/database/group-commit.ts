import type { DataSource } from 'typeorm';
import type { SerialCommits } from './serial-commits.js';
import { dialectOfSource, runWrite, type Statement, type WriteSteps } from './write-steps.js';

interface Entry {
  steps: () => WriteSteps<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  /** Commit as soon as this many writes wait (1: every turn of the event loop, as before). */
  maxBatch: number;
  /** Otherwise commit this long after the first waiting write. */
  maxWaitMs: number;
}

/**
 * Group commit for SQLite: the writes that callers ask for close together go in one transaction,
 * so concurrent senders pay one commit (one fsync, during which the event loop stands still)
 * instead of one each. A group closes when `maxBatch` writes wait or `maxWaitMs` after its first
 * one, whichever comes first. Each caller still awaits its own write, exactly as with a
 * transaction of its own: nothing is acknowledged before it is durable, so a crash loses no
 * acknowledged write. One entry failing does not fail the others: the group is then retried
 * entry by entry. PostgreSQL already groups commits itself: each write runs alone.
 */
export class GroupCommit {
  private queue: Entry[] = [];
  private immediate: NodeJS.Immediate | null = null;
  private timeout: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: DataSource,
    private readonly options: GroupCommitOptions = { maxBatch: 1, maxWaitMs: 0 },
    /** Where record() commits instead: a commit thread (SQLite) or serial groups (PostgreSQL), see serial-commits.ts. */
    private readonly serial: SerialCommits | null = null,
  ) {}

  /**
   * A write whose steps never read what their statements return (records, not claims): with
   * serial commits its statements are collected here and committed there; otherwise as run().
   */
  record(steps: () => WriteSteps<void>): Promise<void> {
    return this.serial ? this.serial.run(statementsOf(steps())) : this.run(steps);
  }

  run<R>(steps: () => WriteSteps<R>): Promise<R> {
    if (dialectOfSource(this.source) === 'postgres') return runWrite(this.source, steps);
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ steps, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** A full group (or no wait) commits after the I/O callbacks of this turn: every sender whose reply arrived meanwhile joins. */
  private schedule(): void {
    if (this.immediate) return;
    if (this.queue.length >= this.options.maxBatch || this.options.maxWaitMs <= 0) {
      if (this.timeout) clearTimeout(this.timeout);
      this.timeout = null;
      this.immediate = setImmediate(() => void this.flush());
    } else this.timeout ??= setTimeout(() => void this.flush(), this.options.maxWaitMs);
  }

  private async flush(): Promise<void> {
    if (this.timeout) clearTimeout(this.timeout);
    [this.immediate, this.timeout] = [null, null];
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (batch.length === 1) return runWrite(this.source, batch[0].steps).then(batch[0].resolve, batch[0].reject);
    try {
      const results = await runWrite(this.source, function* () {
        const out: unknown[] = [];
        for (const e of batch) out.push(yield* e.steps());
        return out;
      });
      batch.forEach((e, i) => e.resolve(results[i]));
    } catch {
      for (const e of batch) await runWrite(this.source, e.steps).then(e.resolve, e.reject);
    }
  }
}

/** The statements of steps that ignore their results, collected without running them. */
function statementsOf(steps: WriteSteps<void>): Statement[] {
  const out: Statement[] = [];
  for (let next = steps.next(); !next.done; next = steps.next([])) out.push(next.value);
  return out;
}
