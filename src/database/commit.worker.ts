// The commit thread (see commit-thread.ts): commits the statements it is handed on a SQLite
// connection of its own, so that the wait for the disk never runs on the thread that sends mail.
import { parentPort, workerData } from 'node:worker_threads';
import type { CommitReply, CommitRequest } from './commit-thread.js';
import { all } from './serial-commits.js';
import { openWorkerConnection } from './worker-connection.js';
import type { Statement } from './write-steps.js';

const connection = openWorkerConnection((workerData as { database: string }).database, false);

function commit(groups: Statement[][]): string | null {
  try {
    connection.write(() => all(groups));
    return null;
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

parentPort!.on('message', ({ id, groups }: CommitRequest) => {
  // One transaction for everyone; if it fails, each caller's alone, so one bad write fails only its own caller.
  const together = groups.length > 1 ? commit(groups) : 'alone';
  const errors = together === null ? groups.map(() => null) : groups.map((g) => commit([g]));
  parentPort!.postMessage({ id, errors } satisfies CommitReply);
});
