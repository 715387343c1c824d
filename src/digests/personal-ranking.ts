import type { ReaderModel, ReaderProfile } from '../feedback/feedback.types.js';
import { buildModel, termsOf } from '../feedback/reader-model.js';
import { followedAmong, nameKey } from './author-names.js';

/**
 * A personal ranking per reader, learned from their votes ("more / less like this") and the
 * papers they like, in the spirit of arxiv-sanity's per-user classifier but fitted in
 * microseconds: a linear model over a paper's words and topic tags (TF-IDF, the IDF taken from
 * the run's candidate pool), Rocchio's rule: the mean of what the reader asked more of, minus three
 * quarters of the mean of what they asked less of. The model is built when the reader's votes change and
 * stored (../feedback/reader-model.ts); a run only maps its terms onto the pool's and scores.
 *
 *   rank = (1 − w) × base + w × personal
 *   base     = the usual rank (topic or keyword match blended with the trending signal)
 *   personal = the paper's place (0..1) among this digest's candidates by the model's score
 *   w        = n / (n + 4), at most 0.75, n = votes + likes: one vote nudges, a dozen steer
 *
 * (4 and ¾ chosen on `npm run bench -- feedback`: they lift every replayed reader after 8 votes.)
 *
 * Feedback only reorders: a paper stays in the section of what the reader asked for, and every
 * section keeps its fair share of the digest, so "less like this" on one paper cannot mute a
 * topic. Papers outside the reader's topics come in only as a few "you might also like", each
 * close to a paper the reader asked more of. Followed authors' papers get their own section.
 */

/** The fields of a candidate paper the personal ranking reads (CandidatePaper has them all). */
export interface RankablePaper {
  id: number;
  title: string;
  abstract: string | null;
  aiKeywords: string[];
  authors: string[];
  upvotes: number | null;
  tags: ReadonlyMap<string, unknown>;
}

/** A reason the personal ranking adds; the same shape as digest.selection's Reason. */
export interface PersonalReason {
  kind: 'author' | 'similar';
  key: string;
  label: string;
  words: string[];
  score: number;
  /** "like “Title you liked”": said instead of the label in the why line. */
  note?: string;
}

export const SIMILAR_SECTION = { key: 'similar', label: 'You might also like' } as const;
/** At most this many papers outside the reader's topics, ever, per digest. */
export const MAX_SIMILAR = 3;
const SIMILAR_MIN_COSINE = 0.2;
const EXPLAIN_MIN_COSINE = 0.15;
const WEIGHT_HALF = 4;
const WEIGHT_MAX = 0.75;
/** Explanations are looked for among this many of the best-placed papers: bounded work per reader. */
const EXPLAINED = 20;

/** A paper as a unit vector over term ids (sorted), so a reader's model is a plain array and products are merges. */
interface Vec {
  ids: Int32Array;
  vals: Float64Array;
}

/** What a run's candidate pool knows of its words: computed once, shared by every reader of the run. */
interface PoolStats {
  /** Term → id. */
  vocab: Map<string, number>;
  /** Inverse document frequency by term id. */
  idf: Float64Array;
  /** Each candidate's TF-IDF unit vector, and its words' spellings (for explanations), by index in the pool. */
  vectors: (Vec & { words: Map<number, string> })[];
  /** Paper id → index in the pool. */
  index: Map<number, number>;
  /** The IDF of a term none of the pool's papers has. */
  rare: number;
}

const pools = new WeakMap<readonly RankablePaper[], PoolStats>();

function statsOf(pool: readonly RankablePaper[]): PoolStats {
  let s = pools.get(pool);
  if (s) return s;
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const all = pool.map((p) => {
    const terms = [...termsOf(p)].map(([k, t]) => {
      let id = vocab.get(k);
      if (id === undefined) vocab.set(k, (id = vocab.size));
      df[id] = (df[id] ?? 0) + 1;
      return { id, tf: t.tf, word: t.word };
    });
    return { p, terms: terms.sort((x, y) => x.id - y.id) };
  });
  const idf = Float64Array.from(df, (d) => Math.log((pool.length + 1) / (d + 1)) + 1);
  const vectors: PoolStats['vectors'] = [];
  for (const { terms } of all) {
    const vals = terms.map((t) => (1 + Math.log(t.tf)) * idf[t.id]);
    const norm = Math.hypot(...vals) || 1;
    const words = new Map<number, string>();
    for (const t of terms) if (t.word) words.set(t.id, t.word);
    vectors.push({ ids: Int32Array.from(terms, (t) => t.id), vals: Float64Array.from(vals, (v) => v / norm), words });
  }
  s = { vocab, idf, vectors, index: new Map(pool.map((p, i) => [p.id, i])), rare: Math.log(pool.length + 1) + 1 };
  pools.set(pool, s);
  return s;
}

/** A stored vector (unit log-tf over terms) in the pool's terms, IDF-weighted and unit again; terms the pool lacks only count in the length. */
function inPool(stats: PoolStats, terms: [string, number][]): Vec {
  const entries: { id: number; val: number }[] = [];
  let norm = 0;
  for (const [k, x] of terms) {
    const id = stats.vocab.get(k);
    const val = x * (id === undefined ? stats.rare : stats.idf[id]);
    norm += val * val;
    if (id !== undefined) entries.push({ id, val });
  }
  entries.sort((a, b) => a.id - b.id);
  norm = Math.sqrt(norm) || 1;
  return { ids: Int32Array.from(entries, (e) => e.id), vals: Float64Array.from(entries, (e) => e.val / norm) };
}

function dot(w: Float64Array, x: Vec): number {
  let s = 0;
  for (let i = 0; i < x.ids.length; i++) s += w[x.ids[i]] * x.vals[i];
  return s;
}

/** Cosine of two unit vectors: a merge of their sorted ids. */
function cosine(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0, j = 0; i < a.ids.length && j < b.ids.length;) {
    if (a.ids[i] === b.ids[j]) s += a.vals[i++] * b.vals[j++];
    else if (a.ids[i] < b.ids[j]) i++;
    else j++;
  }
  return s;
}

/** The personal part's share of the rank for a reader with `n` votes and likes. */
export function personalWeight(n: number): number {
  return n <= 0 ? 0 : Math.min(WEIGHT_MAX, n / (n + WEIGHT_HALF));
}

/** One reader's model over one pool: fitted when made, then asked about each candidate. */
export class PersonalRanker {
  readonly weight: number;
  private readonly pool: readonly RankablePaper[];
  /** The pool's stats and the model over them: fitted when first needed (never for a reader with no votes or likes, whose ranking the model does not touch). */
  private fitted: { stats: PoolStats; w: Float64Array; scores: Float64Array } | null = null;
  private readonly positives: number;
  private readonly model: ReaderModel;
  /** The latest liked papers, in the pool's terms, for "like “Title”" (mapped when first asked). */
  private near: { title: string; vec: Vec }[] | null = null;
  private readonly followed: { name: string; key: ReturnType<typeof nameKey> }[];
  /** Papers the reader voted on or named as liked: they know them, so a digest does not show them again. */
  readonly known: ReadonlySet<number>;
  private percentile = new Map<number, number>();

  /** `profile.model` is the stored model; without one (a bench, a test) it is built here from the votes and likes. */
  constructor(pool: readonly RankablePaper[], profile: ReaderProfile) {
    this.pool = pool;
    const model: ReaderModel = (this.model = profile.model ?? buildModel(profile));
    this.positives = model.positives;
    this.weight = personalWeight(model.positives + model.negatives);
    this.followed = profile.authors.map((name) => ({ name, key: nameKey(name) })).filter((f) => f.key.full.length > 0);
    this.known = new Set(model.known);
  }

  /** The model's raw score of a paper: positive when it looks like what the reader asked more of. */
  score(p: RankablePaper): number {
    return this.fit.scores[this.stats.index.get(p.id)!];
  }

  private get stats(): PoolStats {
    return this.fit.stats;
  }

  private get w(): Float64Array {
    return this.fit.w;
  }

  // Words of the whole pool are read here: the costly part (milliseconds per thousand papers), done once per pool.
  private get fit(): { stats: PoolStats; w: Float64Array; scores: Float64Array } {
    if (this.fitted) return this.fitted;
    const stats = statsOf(this.pool);
    const w = new Float64Array(stats.vocab.size);
    for (const [k, x] of this.model.terms) {
      const id = stats.vocab.get(k);
      if (id !== undefined) w[id] = x * stats.idf[id];
    }
    const scores = new Float64Array(stats.vectors.length);
    for (let i = 0; i < scores.length; i++) scores[i] = dot(w, stats.vectors[i]);
    return (this.fitted = { stats, w, scores });
  }

  /**
   * Adds this reader's own reasons to the papers of the window: a followed author's paper, a few
   * "you might also like" from outside their topics, and, on matched papers the model ranks high,
   * which liked paper they resemble. `found` is the selection's map of matched papers, which `add` grows.
   */
  extend(window: readonly RankablePaper[], found: ReadonlyMap<number, unknown>, add: (p: RankablePaper, r: PersonalReason) => void): void {
    if (this.followed.length)
      for (const p of window)
        for (const name of followedAmong(this.followed, p.authors)) add(p, { kind: 'author', key: name, label: name, words: [], score: 1 });
    const matched = new Set(found.keys());
    if (this.weight === 0) return;
    const outside = this.positives >= 2 ? window.filter((p) => !matched.has(p.id) && !this.known.has(p.id) && this.score(p) > 0) : [];
    const similar = outside
      .sort((a, b) => this.score(b) - this.score(a))
      .slice(0, EXPLAINED)
      .map((p) => ({ p, near: this.nearest(p) }))
      .filter((x) => x.near && x.near.cos >= SIMILAR_MIN_COSINE)
      .slice(0, MAX_SIMILAR);
    for (const { p, near } of similar) add(p, this.likeReason(p, near!.cos, near!.title));
    const ranked = window.filter((p) => found.has(p.id));
    this.place(ranked);
    if (this.positives === 0) return;
    const best = ranked.filter((p) => matched.has(p.id) && (this.percentile.get(p.id) ?? 0) >= 0.75);
    for (const p of best.sort((a, b) => this.score(b) - this.score(a)).slice(0, EXPLAINED)) {
      const near = this.nearest(p);
      if (near && near.cos >= EXPLAIN_MIN_COSINE && this.score(p) > 0) add(p, this.likeReason(p, near.cos, near.title));
    }
  }

  /** The rank once the reader's feedback is blended in. */
  blend(p: RankablePaper, base: number): number {
    if (this.weight === 0) return base;
    const personal = this.percentile.get(p.id) ?? 0.5;
    return Math.round(((1 - this.weight) * base + this.weight * personal) * 10_000) / 10_000;
  }

  // Ties (papers the model cannot tell apart) share one place, so feedback never orders them by accident.
  private place(papers: readonly RankablePaper[]): void {
    const scored = papers.map((p) => ({ id: p.id, s: Math.round(this.score(p) * 1e9) })).sort((a, b) => a.s - b.s);
    const last = Math.max(1, scored.length - 1);
    this.percentile = new Map();
    for (let i = 0; i < scored.length;) {
      let j = i;
      while (j + 1 < scored.length && scored[j + 1].s === scored[i].s) j++;
      const place = scored.length === 1 ? 0.5 : (i + j) / 2 / last;
      for (let k = i; k <= j; k++) this.percentile.set(scored[k].id, place);
      i = j + 1;
    }
  }

  private likeReason(p: RankablePaper, cos: number, title: string): PersonalReason {
    return { kind: 'similar', ...SIMILAR_SECTION, words: this.topWords(p), score: Math.round(cos * 1000) / 1000, note: `like “${title}”` };
  }

  private nearest(p: RankablePaper): { cos: number; title: string } | null {
    const v = this.vectorOf(p);
    let best: { cos: number; title: string } | null = null;
    this.near ??= this.model.near.map((n) => ({ title: n.title, vec: inPool(this.stats, n.terms) }));
    for (const l of this.near) {
      const cos = cosine(v, l.vec);
      if (!best || cos > best.cos) best = { cos, title: l.title };
    }
    return best;
  }

  /** The paper's words that weighed most for this reader, as the paper spells them. */
  private topWords(p: RankablePaper): string[] {
    const v = this.vectorOf(p);
    return [...v.ids]
      .map((k, i) => ({ k, c: (this.w[k] ?? 0) * v.vals[i] }))
      .filter((x) => x.c > 0 && v.words.has(x.k))
      .sort((a, b) => b.c - a.c)
      .slice(0, 3)
      .map((x) => v.words.get(x.k)!);
  }

  private vectorOf(p: RankablePaper): Vec & { words: Map<number, string> } {
    return this.stats.vectors[this.stats.index.get(p.id)!];
  }
}
