// A subscriber CSV import on a thread of its own (see import-thread.ts), with its own connection
// to the app's SQLite file: reading, checking and the commits never hold up the thread that
// answers requests. Decorated classes are loaded on the way: their metadata needs this import.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidInputError } from '../common/errors.js';
import { openWorkerConnection } from '../database/worker-connection.js';
import type { ImportJob, ImportThreadReply } from './import-thread.js';
import { importSubscriberCsv } from './subscriber-import.js';

const { database, job } = workerData as { database: string; job: ImportJob };
const post = (reply: ImportThreadReply) => parentPort!.postMessage(reply);
// Each batch durable when committed, as the import's batches on the app's own connection were.
const connection = openWorkerConnection(database, false);
try {
  const writer = { dialect: 'sqlite' as const, write: async <T>(steps: Parameters<typeof connection.write<T>>[0]) => connection.write(steps) };
  const report = await importSubscriberCsv(writer, job.rules, job.path, { confirmed: job.confirmed, onProgress: (progress) => post({ progress }) });
  post({ report });
} catch (err) {
  const invalid = err instanceof InvalidInputError;
  post({ error: { invalid, message: invalid ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err) } });
} finally {
  connection.close();
}
