import { Worker } from 'node:worker_threads';
import { workerScriptBuilt } from '../common/worker-script.js';
import { InvalidInputError } from '../common/errors.js';
import type { ImportProgress, ImportReport } from './subscriber-import.js';

export interface ImportJob {
  path: string;
  confirmed: boolean;
  rules: { validSlugs: string[]; defaultHour: number };
}

export type ImportThreadReply = { progress: ImportProgress } | { report: ImportReport } | { error: { invalid: boolean; message: string } };

const SCRIPT = new URL('./import.worker.js', import.meta.url);

/** Imports run in-thread when there is no compiled worker script (common/worker-script.ts). */
export function importThreadAvailable(): boolean {
  return workerScriptBuilt(SCRIPT);
}

/**
 * Runs one import on a worker thread of its own, with its own connection to the SQLite file at
 * `database`; this thread only relays progress. An import is rare and long: a thread per import.
 */
export function importOnThread(database: string, job: ImportJob, onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SCRIPT, { workerData: { database, job } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (reply: ImportThreadReply) => {
      if ('progress' in reply) onProgress?.(reply.progress);
      else if ('report' in reply) settle(() => resolve(reply.report));
      else settle(() => reject(reply.error.invalid ? new InvalidInputError(reply.error.message) : new Error(`import thread: ${reply.error.message}`)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`import thread exited (${code})`))));
  });
}
