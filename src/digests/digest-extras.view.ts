import { coverageLine, type CatchUp, type Coverage } from './catch-up.js';
import type { PaperUpdate } from './digest-updates.js';

/** What a digest says besides its new papers: updates to papers sent before, a catch-up, its coverage. */
export interface DigestExtras {
  updates?: PaperUpdate[];
  catchUp?: CatchUp | null;
  coverage?: Coverage | null;
}

export function catchUpHeadline(c: CatchUp): string {
  return `While you were away: the best ${c.shown} of ${c.matched} ${c.matched === 1 ? 'paper' : 'papers'} from ${c.days} days`;
}

/** Template fields for templates/partials/updates.* and the footer's coverage line. */
export function extrasData(extras: DigestExtras) {
  return {
    updates: (extras.updates ?? []).map((u) => ({ title: u.title, url: u.url, codeUrl: u.codeUrl, projectUrl: u.projectUrl, changes: u.changes.join(', ') })),
    catchUp: extras.catchUp ?? null,
    coverage: coverageLine(extras.coverage ?? null),
  };
}
