import type { DataSource } from 'typeorm';
import { dialectOfSource, runWrite, type WriteSteps } from './write-steps.js';

interface Entry {
  steps: () => WriteSteps<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for SQLite: the writes that callers ask for in the same turn of the event loop go
 * in one transaction, so twenty concurrent senders pay one commit (one fsync) instead of twenty.
 * Each caller still awaits its own write, exactly as with a transaction of its own: nothing is
 * acknowledged before it is durable. One entry failing does not fail the others: the group is
 * then retried entry by entry. PostgreSQL already groups commits itself: each write runs alone.
 */
export class GroupCommit {
  private queue: Entry[] = [];
  private scheduled = false;

  constructor(private readonly source: DataSource) {}

  run<R>(steps: () => WriteSteps<R>): Promise<R> {
    if (dialectOfSource(this.source) === 'postgres') return runWrite(this.source, steps);
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ steps, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: every sender whose reply arrived meanwhile joins.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
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
