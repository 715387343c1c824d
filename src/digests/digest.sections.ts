import { createHash } from 'node:crypto';

/**
 * A digest is grouped by what the reader asked for: one section per keyword query, per topic and,
 * as they come, per followed author, "more like this" and "updated since we sent it". Every
 * section gets a fair share of the budget (DIGEST_MAX_PAPERS), so a narrow interest always gets
 * its best papers in however many papers a broad topic matches; a paper matching several
 * sections is shown once, in the most explicit of them (its strongest match within that kind).
 */

export type SectionKind = 'update' | 'keyword' | 'author' | 'topic' | 'similar';

export interface Section {
  kind: SectionKind;
  /** Topic slug, keyword query, author name, …: unique within the kind. */
  key: string;
  label: string;
}

/** What the reader said outweighs what we inferred: lower comes first, and is a paper's home. */
export const KIND_ORDER: Record<SectionKind, number> = { update: 0, keyword: 1, author: 2, topic: 3, similar: 4 };

/** Papers a section takes per round of the allocation: the reader's own words get twice a broad topic's share. */
export const KIND_WEIGHT: Record<SectionKind, number> = { update: 1, keyword: 2, author: 2, topic: 1, similar: 1 };

export interface RankedReason extends Section {
  /** The paper's digest rank for this match (match strength blended with trend), 0..1. */
  rank: number;
}

export interface Candidate<T, R extends RankedReason> {
  item: T;
  id: number;
  reasons: R[];
}

export interface Placed<T, R extends RankedReason> extends Candidate<T, R> {
  section: Section;
  rank: number;
}

export interface Allocation<T, R extends RankedReason> {
  /** Within the budget, grouped by section in section order, best first in each. */
  shown: Placed<T, R>[];
  /** Every candidate, in the same order. */
  all: Placed<T, R>[];
  sections: (Section & { shown: number; total: number })[];
}

export function sectionId(s: Section): string {
  return `${s.kind}:${s.key}`;
}

/**
 * The short reference a mute link signs for a section (`t-agents`, `k-<hash of the query>`), or
 * null for kinds a reader cannot mute (yet).
 */
export function sectionRef(s: Pick<Section, 'kind' | 'key'>): string | null {
  if (s.kind === 'topic') return /^[A-Za-z0-9_-]{1,60}$/.test(s.key) ? `t-${s.key}` : null;
  if (s.kind === 'keyword') return `k-${createHash('sha256').update(s.key).digest('base64url').slice(0, 16)}`;
  return null;
}

/**
 * `merit` (0..1, the reader's personal weight, 0 without feedback) is the part of the budget given
 * to the best papers whatever their section, once every section has had its turn: a reader whose
 * votes say which papers they want gets more of those, and still at least one of each section.
 */
export function allocate<T, R extends RankedReason>(candidates: Candidate<T, R>[], budget: number, merit = 0): Allocation<T, R> {
  const groups = new Map<string, { section: Section; papers: Placed<T, R>[] }>();
  for (const c of candidates) {
    const reasons = [...c.reasons].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.rank - a.rank);
    const home = reasons[0];
    const section = { kind: home.kind, key: home.key, label: home.label };
    const placed = { ...c, reasons, section, rank: home.rank };
    const group = groups.get(sectionId(section)) ?? { section, papers: [] };
    group.papers.push(placed);
    groups.set(sectionId(section), group);
  }
  const ordered = [...groups.values()];
  for (const g of ordered) g.papers.sort((a, b) => b.rank - a.rank || b.id - a.id);
  ordered.sort((a, b) => KIND_ORDER[a.section.kind] - KIND_ORDER[b.section.kind] || b.papers[0].rank - a.papers[0].rank);
  const fair = merit > 0 ? Math.max(Math.min(budget, ordered.length), Math.ceil(budget * (1 - merit))) : budget;
  const taken = shares(
    ordered.map((g) => g.papers.length),
    fair,
    ordered.map((g) => KIND_WEIGHT[g.section.kind]),
  );
  if (fair < budget) byMerit(ordered, taken, budget - taken.reduce((a, b) => a + b, 0));
  return {
    shown: ordered.flatMap((g, i) => g.papers.slice(0, taken[i])),
    all: ordered.flatMap((g) => g.papers),
    sections: ordered.map((g, i) => ({ ...g.section, shown: taken[i], total: g.papers.length })),
  };
}

/** Gives `left` more papers, one at a time, to the section whose next paper ranks best. */
function byMerit(groups: { papers: { rank: number }[] }[], taken: number[], left: number): void {
  for (; left > 0; left--) {
    let best = -1;
    groups.forEach((g, i) => {
      const next = g.papers[taken[i]];
      if (next && (best < 0 || next.rank > groups[best].papers[taken[best]].rank)) best = i;
    });
    if (best < 0) return;
    taken[best]++;
  }
}

/**
 * Round robin: each section in turn takes `weight` more papers, until the budget or the papers run
 * out; so every section gets its fair share, and what one cannot use goes to the others.
 */
export function shares(sizes: number[], budget: number, weights: number[] = sizes.map(() => 1)): number[] {
  const taken = sizes.map(() => 0);
  let left = Math.max(0, budget);
  for (let progress = true; left > 0 && progress;) {
    progress = false;
    for (let i = 0; i < sizes.length && left > 0; i++) {
      const take = Math.min(weights[i], sizes[i] - taken[i], left);
      if (take > 0) {
        taken[i] += take;
        left -= take;
        progress = true;
      }
    }
  }
  return taken;
}
