import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Statement } from './write-steps.js';

const SCRIPT = new URL('./commit.worker.js', import.meta.url);

/** Under jest the sources are TypeScript and there is no compiled worker script: commits then run in-thread. */
export function commitThreadAvailable(): boolean {
  return existsSync(fileURLToPath(SCRIPT));
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

interface Entry {
  statements: Statement[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit off the event loop, for SQLite: a worker thread with its own connection (synchronous
 * FULL, like the app's) commits the writes it is handed, and whatever callers asked for meanwhile
 * goes in its next transaction. So the wait for the disk no longer stops the process from composing
 * and sending, and groups form by themselves, with no timer: one caller alone commits at once.
 * A caller's promise settles once its transaction is durable (or failed), as with a transaction of
 * its own: nothing is acknowledged before it is on disk.
 */
export class CommitThread {
  private worker: Worker | null = null;
  private queue: Entry[] = [];
  private inFlight: Entry[] | null = null;
  private next = 0;

  constructor(private readonly database: string) {}

  run(statements: Statement[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      if (!this.inFlight) this.post();
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private post(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return void this.worker?.unref();
    const worker = (this.worker ??= this.start());
    // Referenced only while it owes answers: an idle thread never keeps a command alive.
    worker.ref();
    this.inFlight = batch;
    worker.postMessage({ id: ++this.next, groups: batch.map((e) => e.statements) } satisfies CommitRequest);
  }

  private start(): Worker {
    const worker = new Worker(SCRIPT, { workerData: { database: this.database } });
    worker.on('message', (reply: CommitReply) => this.receive(reply));
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`commit thread exited (${code})`)));
    return worker;
  }

  private receive(reply: CommitReply): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    batch.forEach((e, i) => {
      const error = reply.errors[i];
      if (error === null) e.resolve();
      else e.reject(new Error(error ?? 'commit thread: no answer for this write'));
    });
    this.post();
  }

  private failAll(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = null; // the next write starts a fresh thread
    const pending = [...(this.inFlight ?? []), ...this.queue];
    [this.inFlight, this.queue] = [null, []];
    for (const e of pending) e.reject(err);
  }
}
