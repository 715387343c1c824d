// The ingest thread (see ingest-thread.ts): reads, stages, tags (on tagger threads of its own) and
// merges dumps on a SQLite connection of its own, so that none of that work, and no commit's wait
// for the disk, runs on the thread that answers requests.
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidInputError } from '../common/errors.js';
import { openWorkerConnection } from '../database/worker-connection.js';
import type { BatchTagger } from '../topics/threaded.tagger.js';
import { openFileSource } from './dump-source.js';
import { markDurable, runIngest, type IngestWrite } from './ingest.core.js';
import type { IngestJob, IngestThreadReply } from './ingest-thread.js';
import { DumpRejectedError } from './paper.types.js';
import { createTaggerPool } from './tagger-pool.js';

// Batches before the last commit without waiting for the disk; the last one (durable) makes them all durable.
const connection = openWorkerConnection((workerData as { database: string }).database, true);
const write: IngestWrite = async (steps, durable) => connection.write(steps, durable);

let tagger: { topics: string; pool: BatchTagger } | null = null;

async function taggerFor(topics: IngestJob['topics']): Promise<BatchTagger> {
  const key = JSON.stringify(topics);
  if (tagger?.topics !== key) {
    await tagger?.pool.close();
    tagger = { topics: key, pool: createTaggerPool(topics) };
  }
  return tagger.pool;
}

async function run(id: number, job: IngestJob | { sync: string }): Promise<void> {
  const post = (reply: IngestThreadReply) => parentPort!.postMessage(reply);
  try {
    if ('sync' in job) {
      connection.write(() => markDurable('sqlite', new Date(job.sync)), true);
      return post({ id, synced: true });
    }
    const source = await openFileSource(job.path, job.name);
    const ctx = {
      dialect: 'sqlite' as const,
      session: <T>(work: (w: IngestWrite) => Promise<T>) => work(write),
      tagger: await taggerFor(job.topics),
      varDir: job.varDir,
      now: new Date(job.now),
    };
    const report = await runIngest(ctx, source, { ...job.options, onProgress: (progress) => post({ id, progress }) });
    post({ id, report });
  } catch (err) {
    post({ id, error: describe(err) });
  }
}

function describe(err: unknown): Extract<IngestThreadReply, { error: unknown }>['error'] {
  if (err instanceof DumpRejectedError) return { kind: 'rejected', file: err.file, line: err.line, reason: err.reason };
  if (err instanceof InvalidInputError) return { kind: 'invalid', message: err.message };
  return { kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

parentPort!.on('message', ({ id, job }: { id: number; job: IngestJob | { sync: string } }) => void run(id, job));
