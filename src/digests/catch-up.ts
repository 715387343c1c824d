import type { Frequency } from './digest-period.js';
import type { CandidatePool, Selection, SelectionRequest } from './digest.selection.js';

/** "While you were away": the best papers of a long gap, at most this many (or DIGEST_MAX_PAPERS if fewer). */
export const CATCH_UP_MAX = 10;

export interface CatchUp {
  /** Whole days since the previous digest. */
  days: number;
  /** How many papers of the gap matched; the digest shows the best `shown`, not the backlog. */
  matched: number;
  shown: number;
}

export interface Coverage {
  papers: number;
  dumps: number;
}

/**
 * A digest is a catch-up when its window spans more than two of the reader's periods: they paused
 * (or mail could not go) and come back to a backlog. Skipped digests also close a window, so a
 * quiet week does not count as an absence.
 */
export function isCatchUp(frequency: Frequency, windowStart: Date, now: Date): boolean {
  const period = (frequency === 'weekly' ? 7 : 1) * 86_400_000;
  return now.getTime() - windowStart.getTime() > 2 * period;
}

/**
 * The digest's selection: the usual one, or after a long gap the best of it, capped, with no "and
 * N more" into the backlog (the web view then shows what was sent, not every match of the gap).
 */
export function selectDigest(pool: CandidatePool, req: SelectionRequest, frequency: Frequency): { selection: Selection; catchUp: CatchUp | null } {
  if (!isCatchUp(frequency, req.windowStart, req.windowEnd)) return { selection: pool.select(req), catchUp: null };
  const all = pool.select({ ...req, max: Math.min(req.max, CATCH_UP_MAX) });
  const shown = all.papers;
  const days = Math.round((req.windowEnd.getTime() - req.windowStart.getTime()) / 86_400_000);
  return {
    selection: { ...all, total: shown.length, allIds: shown.map((p) => p.paper.id) },
    catchUp: all.total === 0 ? null : { days, matched: all.total, shown: shown.length },
  };
}

/** What a digest looked through: every paper that became available in its window, and how many dumps brought them. */
export function coverageOf(pool: CandidatePool, windowStart: Date, windowEnd: Date): Coverage {
  const inWindow = pool.papers.filter((p) => p.availableAt > windowStart.getTime() && p.availableAt <= windowEnd.getTime());
  // Every paper of one ingest carries that ingest's timestamp, so distinct timestamps count the dumps.
  return { papers: inWindow.length, dumps: new Set(inWindow.map((p) => p.availableAt)).size };
}

export function coverageLine(c: Coverage | null): string | null {
  if (!c || c.papers === 0) return null;
  return `Picked from ${c.papers} new ${c.papers === 1 ? 'paper' : 'papers'} of ${c.dumps} ${c.dumps === 1 ? 'dump' : 'dumps'}.`;
}
