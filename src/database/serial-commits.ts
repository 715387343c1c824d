import type { DataSource } from 'typeorm';
import { runWrite, type Statement, type WriteSteps } from './write-steps.js';

interface Entry {
  statements: Statement[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit with one transaction in flight at a time: whatever callers ask for while it runs
 * goes in the next one. Groups form by themselves, with no timer: a caller alone commits at once,
 * and the busier the writers, the larger the groups. A caller's promise settles once its own
 * statements are committed (or failed): nothing is acknowledged before it is durable. If a group's
 * transaction fails, each caller's statements are committed alone, so one bad write fails only its caller.
 */
export abstract class SerialCommits {
  private queue: Entry[] = [];
  private inFlight = false;

  run(statements: Statement[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      if (!this.inFlight) void this.next();
    });
  }

  /** Commits the groups; per group, null when committed or the error that rolled it back. */
  protected abstract commit(groups: Statement[][]): Promise<(Error | null)[]>;

  /** Nothing left to commit. */
  protected idle(): void {}

  private async next(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.idle();
    this.inFlight = true;
    let errors: (Error | null)[];
    try {
      errors = await this.commit(batch.map((e) => e.statements));
    } catch (err) {
      errors = batch.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    this.inFlight = false;
    batch.forEach((e, i) => (errors[i] ? e.reject(errors[i]) : e.resolve()));
    void this.next();
  }
}

/** PostgreSQL: each transaction costs two round trips besides its statements; a group pays them once. */
export class PostgresCommits extends SerialCommits {
  constructor(private readonly source: DataSource) {
    super();
  }

  protected async commit(groups: Statement[][]): Promise<(Error | null)[]> {
    if (groups.length > 1 && (await this.attempt(groups)) === null) return groups.map(() => null);
    const errors: (Error | null)[] = [];
    for (const group of groups) errors.push(await this.attempt([group]));
    return errors;
  }

  private async attempt(groups: Statement[][]): Promise<Error | null> {
    try {
      await runWrite(this.source, () => all(groups));
      return null;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }
}

export function* all(groups: Statement[][]): WriteSteps<void> {
  for (const group of groups) for (const statement of group) yield statement;
}
