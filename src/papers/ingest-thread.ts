import { Worker } from 'node:worker_threads';
import { workerScriptBuilt } from '../common/worker-script.js';
import { InvalidInputError } from '../common/errors.js';
import type { IngestOptions, IngestProgress, IngestReport } from './ingest.core.js';
import { DumpRejectedError } from './paper.types.js';
import type { TopicQuery } from './tagger-pool.js';

/** One file to ingest, as the ingest thread receives it. */
export interface IngestJob {
  path: string;
  name: string;
  options: Omit<IngestOptions, 'onProgress'>;
  topics: TopicQuery[];
  /** ISO instant: the app's clock, which tests may set. */
  now: string;
  varDir: string;
}

export type IngestThreadReply =
  | { id: number; progress: IngestProgress }
  | { id: number; report: IngestReport }
  | { id: number; synced: true }
  | { id: number; error: { kind: 'rejected'; file: string; line: number | null; reason: string } | { kind: 'invalid' | 'failed'; message: string } };

interface Waiting {
  resolve: (report: IngestReport | null) => void;
  reject: (err: Error) => void;
  onProgress?: (progress: IngestProgress) => void;
}

const SCRIPT = new URL('./ingest.worker.js', import.meta.url);

/** Ingests run in-thread when there is no compiled worker script (common/worker-script.ts). */
export function ingestThreadAvailable(): boolean {
  return workerScriptBuilt(SCRIPT);
}

/**
 * The SQLite ingest, off the thread that answers requests: one long-lived worker thread (started
 * at the first ingest, so a corpus of many files pays its start once) with its own connection to
 * the same database file. SQLite's one-writer lock and busy timeout make its short batch
 * transactions and the app's web writes take turns; the app's thread only waits for messages.
 */
export class IngestThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;

  constructor(private readonly database: string) {}

  run(job: IngestJob, onProgress?: (progress: IngestProgress) => void): Promise<IngestReport> {
    return this.send(job, onProgress) as Promise<IngestReport>;
  }

  /** Resolves once every batch the thread committed is durable (see IngestOptions.durable). */
  async sync(now: string): Promise<void> {
    await this.send({ sync: now });
  }

  private send(job: IngestJob | { sync: string }, onProgress?: (progress: IngestProgress) => void): Promise<IngestReport | null> {
    const worker = (this.worker ??= this.start());
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject, onProgress });
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(SCRIPT, { workerData: { database: this.database } });
    // Referenced only while it owes answers: an idle thread never keeps a command alive.
    worker.unref();
    worker.on('message', (reply: IngestThreadReply) => this.receive(worker, reply));
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`ingest thread exited (${code})`)));
    return worker;
  }

  private receive(worker: Worker, reply: IngestThreadReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    if ('progress' in reply) return waiting.onProgress?.(reply.progress);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) worker.unref();
    if ('report' in reply) waiting.resolve(reply.report);
    else if ('synced' in reply) waiting.resolve(null);
    else waiting.reject(rebuild(reply.error));
  }

  private failAll(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = null; // the next ingest starts a fresh thread
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** The error the ingest thread caught, as the class the callers (CLI exit codes, HTTP filter) expect. */
function rebuild(error: Extract<IngestThreadReply, { error: unknown }>['error']): Error {
  if (error.kind === 'rejected') return new DumpRejectedError(error.file, error.line, error.reason);
  if (error.kind === 'invalid') return new InvalidInputError(error.message);
  return new Error(`ingest thread: ${error.message}`);
}
