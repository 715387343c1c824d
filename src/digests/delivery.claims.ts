import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** How long a row claimed by a run on another host stays untouchable without that run finishing. */
export const REMOTE_CLAIM_TTL_MS = 10 * 60_000;

const HOST = hostname().slice(0, 60);
/** Runs alive in this process; a claim naming this pid and another run id is a dead run's. */
const activeRuns = new Set<string>();

/** A new claim identity for one run in this process. */
export function newClaimant(): { id: string; done: () => void } {
  const run = randomUUID().slice(0, 12);
  activeRuns.add(run);
  return { id: `${HOST}:${process.pid}:${run}`, done: () => activeRuns.delete(run) };
}

/** Runs `work` under a new claim identity, ended however the work ends. */
export async function withClaimant<T>(work: (claimant: string) => Promise<T>): Promise<T> {
  const claimant = newClaimant();
  try {
    return await work(claimant.id);
  } finally {
    claimant.done();
  }
}

/**
 * Whether the run that claimed a row may still send it. On this host we know for sure (the pid
 * is alive, and if it is ours, the run is one of ours still running), so a crashed run's rows are
 * resumed at once; a claim from another host is trusted until it is REMOTE_CLAIM_TTL_MS old.
 */
export function claimIsLive(claimedBy: string | null, updatedAt: Date, now = new Date()): boolean {
  if (!claimedBy) return false;
  const [host, pidText, run] = claimedBy.split(':');
  if (host !== HOST) return now.getTime() - updatedAt.getTime() < REMOTE_CLAIM_TTL_MS;
  const pid = Number(pidText);
  if (pid === process.pid) return activeRuns.has(run);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
