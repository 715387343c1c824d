import type { Frequency } from './digest-period.js';
import { selectDigest } from './catch-up.js';
import type { CandidatePool, SelectionRequest } from './digest.selection.js';
import { isEmptyProfile } from '../feedback/feedback.types.js';

type Selected = ReturnType<typeof selectDigest>;

const KEPT = 4096;
const NO_NAMES = {};

/**
 * Selections of one run by interest profile: readers with the same topics, keywords, mutes, window,
 * budget and frequency, and no personal ranking, get the same digest, so it is selected once and
 * the result (never modified by its users) shared; the renderer then composes it once too
 * (digest-skeleton.ts). A reader with votes, likes or followed authors has a selection of their
 * own: it is computed each time. Cached per candidate pool, which is per run.
 */
export class ProfileSelections {
  private readonly byPool = new WeakMap<CandidatePool, WeakMap<object, Map<string, Selected>>>();

  select(pool: CandidatePool, req: SelectionRequest, frequency: Frequency): Selected {
    if (!isEmptyProfile(req.profile)) return selectDigest(pool, req, frequency);
    let byNames = this.byPool.get(pool);
    if (!byNames) this.byPool.set(pool, (byNames = new WeakMap()));
    const names = req.topicNames ?? NO_NAMES;
    let cache = byNames.get(names);
    if (!cache) byNames.set(names, (cache = new Map()));
    const key = profileKey(req, frequency);
    let found = cache.get(key);
    if (!found) {
      if (cache.size >= KEPT) cache.clear();
      cache.set(key, (found = selectDigest(pool, req, frequency)));
    }
    return found;
  }
}

/** Everything of a request that a selection depends on, besides the pool and the topic names (the run's, one object). */
function profileKey(req: SelectionRequest, frequency: Frequency): string {
  return JSON.stringify([frequency, req.topics, req.keywords, req.muted ?? [], req.windowStart.getTime(), req.windowEnd.getTime(), req.max]);
}
