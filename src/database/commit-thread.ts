import { Worker } from 'node:worker_threads';
import { workerScriptBuilt } from '../common/worker-script.js';
import { SerialCommits } from './serial-commits.js';
import type { Statement } from './write-steps.js';

const SCRIPT = new URL('./commit.worker.js', import.meta.url);

/** Commits run in-thread when there is no compiled worker script (common/worker-script.ts). */
export function commitThreadAvailable(): boolean {
  return workerScriptBuilt(SCRIPT);
}

export interface CommitRequest {
  id: number;
  /** Each caller's statements: committed together in one transaction, or each alone if that fails. */
  groups: Statement[][];
}

export interface CommitReply {
  id: number;
  /** Per group: null when committed, else the error that rolled it back. */
  errors: (string | null)[];
}

/**
 * SQLite's group commit off the event loop: a worker thread with its own connection (synchronous
 * FULL, like the app's) commits each group (serial-commits.ts), so the wait for the disk no longer
 * stops the process from composing and sending while it runs.
 */
export class CommitThread extends SerialCommits {
  private worker: Worker | null = null;
  private answer: ((reply: CommitReply) => void) | null = null;
  private fail: ((err: Error) => void) | null = null;
  private ids = 0;

  constructor(private readonly database: string) {
    super();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  protected commit(groups: Statement[][]): Promise<(Error | null)[]> {
    const worker = (this.worker ??= this.start());
    // Referenced only while it owes an answer: an idle thread never keeps a command alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.answer = (reply) => resolve(reply.errors.map((e) => (e === null ? null : new Error(e))));
      this.fail = reject;
      worker.postMessage({ id: ++this.ids, groups } satisfies CommitRequest);
    });
  }

  protected idle(): void {
    this.worker?.unref();
  }

  private start(): Worker {
    const worker = new Worker(SCRIPT, { workerData: { database: this.database } });
    worker.on('message', (reply: CommitReply) => this.answer?.(reply));
    worker.on('error', (err) => this.stopped(worker, err));
    worker.on('exit', (code) => this.stopped(worker, new Error(`commit thread exited (${code})`)));
    return worker;
  }

  private stopped(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = null; // the next write starts a fresh thread
    this.fail?.(err);
  }
}
