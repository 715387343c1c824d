import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { isEmptyProfile } from '../feedback/feedback.types.js';
import { CandidateLoader } from './candidate.loader.js';
import { CandidateRepository } from './candidate.repository.js';
import { CATCH_UP_MAX, isCatchUp, selectDigest, type CatchUp, type Coverage } from './catch-up.js';
import type { Frequency } from './digest-period.js';
import { CandidatePool, type Selection, type SelectionRequest } from './digest.selection.js';
import { rankScore } from '../topics/ranking.js';

/**
 * One reader's digest over a large window without loading the window: only papers tagged with one
 * of their topics can match a topics-only reader, and ranking and sections need only each tag's
 * score and the paper's upvotes (firstPass). The few papers that can be shown are then loaded whole
 * and selected again by the usual code, to be explained and rendered, with the first pass's counts.
 * Readers with their own keywords or a personal profile need every paper's text, so they are not
 * this class's (see applies()).
 */
@Injectable()
export class BoundedSelection {
  private readonly candidates: CandidateRepository;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly loader: CandidateLoader,
  ) {
    this.candidates = new CandidateRepository(dataSource);
  }

  applies(req: Pick<SelectionRequest, 'keywords' | 'profile'>): boolean {
    return !req.keywords?.trim() && isEmptyProfile(req.profile);
  }

  /** selectDigest() over the window's papers: the same selection, with only the papers it can show loaded. */
  async selectDigest(req: SelectionRequest, frequency: Frequency): Promise<{ selection: Selection; catchUp: CatchUp | null }> {
    const budget = isCatchUp(frequency, req.windowStart, req.windowEnd) ? Math.min(req.max, CATCH_UP_MAX) : req.max;
    const first = await this.firstPass(req, budget);
    const { selection, catchUp } = selectDigest(await this.poolOf(first), req, frequency);
    if (catchUp) return { selection, catchUp: { ...catchUp, matched: first.total } };
    return { selection: withCounts(selection, first), catchUp };
  }

  /** pool.select() with another budget (a preview's `limit`). */
  async select(req: SelectionRequest): Promise<Selection> {
    const first = await this.firstPass(req, req.max);
    return withCounts((await this.poolOf(first)).select(req), first);
  }

  /** What the window held: papers and dumps (coverageOf() without the papers). */
  coverage(windowStart: Date, windowEnd: Date): Promise<Coverage> {
    return this.candidates.coverageBetween(windowStart, windowEnd);
  }

  /**
   * Ranks every paper of the window tagged with one of the reader's topics from a few numbers, puts
   * each in its section (its best-ranked topic, the earlier topic on a tie, as allocate() does) and
   * keeps each section's best `budget`: allocate() never shows more of one section, so those are
   * all the papers the digest can show.
   */
  private async firstPass(req: SelectionRequest, budget: number): Promise<FirstPass> {
    const muted = new Set(req.muted ?? []);
    const topics = req.topics.filter((t) => !muted.has(`topic:${t}`));
    const order = new Map(topics.map((t, i) => [t, i]));
    const home = new Map<number, { slug: string; rank: number }>();
    for (const r of await this.candidates.rankRowsBetween(topics, req.windowStart, req.windowEnd)) {
      const id = Number(r.paper_id);
      const rank = rankScore({ matchScore: Number(r.score), upvotes: r.upvotes == null ? null : Number(r.upvotes) });
      const current = home.get(id);
      if (!current || rank > current.rank || (rank === current.rank && order.get(r.topic_slug)! < order.get(current.slug)!))
        home.set(id, { slug: r.topic_slug, rank });
    }
    const sections = new Map<string, { id: number; rank: number }[]>();
    for (const [id, { slug, rank }] of home) {
      const list = sections.get(slug) ?? [];
      list.push({ id, rank });
      sections.set(slug, list);
    }
    const keep: number[] = [];
    const totals = new Map<string, number>();
    for (const [slug, list] of sections) {
      totals.set(`topic:${slug}`, list.length);
      keep.push(
        ...list
          .sort((a, b) => b.rank - a.rank || b.id - a.id)
          .slice(0, budget)
          .map((p) => p.id),
      );
    }
    return { keep, total: home.size, totals };
  }

  private async poolOf(first: FirstPass): Promise<CandidatePool> {
    return new CandidatePool(await this.loader.byIds(first.keep));
  }
}

interface FirstPass {
  /** Ids of the papers the digest can show. */
  keep: number[];
  /** Papers matched in all, and by section. */
  total: number;
  totals: Map<string, number>;
}

/** The second pass's selection with the first pass's counts (the web view's list of every match is not a preview's business). */
function withCounts(selection: Selection, first: FirstPass): Selection {
  const sections = selection.sections?.map((s) => ({ ...s, total: first.totals.get(`${s.kind}:${s.key}`) ?? s.total }));
  return { ...selection, total: first.total, allIds: undefined, sections };
}
