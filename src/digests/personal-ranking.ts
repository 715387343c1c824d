import type { ProfilePaper, ReaderProfile } from '../feedback/feedback.types.js';
import { isFunctionWord, splitWords, stem } from '../topics/text.tokenizer.js';
import { followedAmong, nameKey } from './author-names.js';
import { STOP_WORDS } from './reason.words.js';

/**
 * A personal ranking per reader, learned from their votes ("more / less like this") and the
 * papers they like, in the spirit of arxiv-sanity's per-user classifier but fitted in
 * microseconds: a linear model over a paper's words and topic tags (TF-IDF, the IDF taken from
 * the run's candidate pool), Rocchio's rule: the mean of what the reader asked more of, minus half
 * the mean of what they asked less of.
 *
 *   rank = (1 − w) × base + w × personal
 *   base     = the usual rank (topic or keyword match blended with the trending signal)
 *   personal = the paper's place (0..1) among this digest's candidates by the model's score
 *   w        = n / (n + 6), at most 0.75, n = votes + likes: one vote nudges, thirty steer
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
const WEIGHT_HALF = 6;
const WEIGHT_MAX = 0.75;
const NEGATIVE_SHARE = 0.5;
const TAG_WEIGHT = 1.5;
/** Explanations are looked for among this many of the best-placed papers, against the latest this-many liked ones: bounded work per reader. */
const EXPLAINED = 20;
const NEAREST_AMONG = 50;

/** A paper as a unit vector over term ids (sorted), so a reader's model is a plain array and products are merges. */
interface Vec {
  ids: Int32Array;
  vals: Float64Array;
  /** Term id → the paper's own spelling, for explanations. */
  words: Map<number, string>;
}

type Terms = Map<string, { tf: number; word: string }>;

interface PoolStats {
  df: Map<string, number>;
  /** Term → id, shared by every reader of the pool. */
  vocab: Map<string, number>;
  n: number;
  vectors: Map<number, Vec>;
  /** Terms of pool papers counted but not yet turned into vectors (each paper is tokenized once). */
  pending: Map<number, Terms>;
}

const pools = new WeakMap<readonly RankablePaper[], PoolStats>();

/** Document frequencies of the pool's words, computed once per pool (a run's candidate pool is shared by every reader). */
function statsOf(pool: readonly RankablePaper[]): PoolStats {
  let s = pools.get(pool);
  if (s) return s;
  s = { df: new Map(), vocab: new Map(), n: pool.length, vectors: new Map(), pending: new Map() };
  for (const p of pool) {
    const terms = termsOf(p);
    s.pending.set(p.id, terms);
    for (const t of terms.keys()) s.df.set(t, (s.df.get(t) ?? 0) + 1);
  }
  pools.set(pool, s);
  return s;
}

function termsOf(p: ProfilePaper | RankablePaper): Terms {
  const terms: Terms = new Map();
  const add = (text: string, weight: number) => {
    for (const whole of splitWords(text)) {
      for (const word of whole.includes('-') ? [whole, ...whole.split('-')] : [whole]) {
        if (word.length < 3 || isFunctionWord(word) || STOP_WORDS.has(word) || /^\d+$/.test(word)) continue;
        const key = stem(word);
        const t = terms.get(key);
        if (t) t.tf += weight;
        else terms.set(key, { tf: weight, word });
      }
    }
  };
  add(p.title, 2);
  add(p.abstract ?? '', 1);
  add(p.aiKeywords.join(' , '), 1);
  for (const slug of Array.isArray(p.tags) ? (p.tags as string[]) : (p.tags as ReadonlyMap<string, unknown>).keys())
    terms.set(`#${slug}`, { tf: TAG_WEIGHT, word: '' });
  return terms;
}

function vectorOf(stats: PoolStats, p: ProfilePaper | RankablePaper): Vec {
  let v = stats.vectors.get(p.id);
  if (v) return v;
  const terms = stats.pending.get(p.id) ?? termsOf(p);
  stats.pending.delete(p.id);
  const entries = [...terms].map(([k, t]) => {
    let id = stats.vocab.get(k);
    if (id === undefined) stats.vocab.set(k, (id = stats.vocab.size));
    const idf = Math.log((stats.n + 1) / ((stats.df.get(k) ?? 0) + 1)) + 1;
    return { id, val: (1 + Math.log(t.tf)) * idf, word: t.word };
  });
  entries.sort((a, b) => a.id - b.id);
  const norm = Math.sqrt(entries.reduce((n, e) => n + e.val * e.val, 0)) || 1;
  const words = new Map<number, string>();
  for (const e of entries) if (e.word) words.set(e.id, e.word);
  v = { ids: Int32Array.from(entries, (e) => e.id), vals: Float64Array.from(entries, (e) => e.val / norm), words };
  stats.vectors.set(p.id, v);
  return v;
}

function dot(w: Float64Array, x: Vec): number {
  let s = 0;
  for (let i = 0; i < x.ids.length; i++) s += (w[x.ids[i]] ?? 0) * x.vals[i];
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
  private readonly stats: PoolStats;
  private w = new Float64Array(0);
  private readonly liked: { paper: ProfilePaper; vec: Vec }[];
  /** The latest liked papers, indexed, for "like “Title”". */
  private readonly near: { title: string; vec: Vec }[];
  private readonly scores = new Map<number, number>();
  private readonly followed: { name: string; key: ReturnType<typeof nameKey> }[];
  /** Papers the reader voted on or named as liked: they know them, so a digest does not show them again. */
  readonly known: ReadonlySet<number>;
  private percentile = new Map<number, number>();

  constructor(pool: readonly RankablePaper[], profile: ReaderProfile) {
    this.stats = statsOf(pool);
    const positive = [...profile.likes, ...profile.votes.filter((v) => v.vote > 0).map((v) => v.paper)];
    const negative = profile.votes.filter((v) => v.vote < 0).map((v) => v.paper);
    this.liked = dedupe(positive).map((paper) => ({ paper, vec: vectorOf(this.stats, paper) }));
    this.near = this.liked.slice(-NEAREST_AMONG).map((l) => ({ title: l.paper.title, vec: l.vec }));
    const against = negative.map((p) => vectorOf(this.stats, p));
    this.w = new Float64Array(this.stats.vocab.size);
    this.accumulate(
      this.liked.map((l) => l.vec),
      1,
    );
    this.accumulate(against, -NEGATIVE_SHARE);
    this.weight = personalWeight(this.liked.length + negative.length);
    this.followed = profile.authors.map((name) => ({ name, key: nameKey(name) })).filter((f) => f.key.full.length > 0);
    this.known = new Set([...positive, ...negative].map((p) => p.id));
  }

  /** The model's raw score of a paper: positive when it looks like what the reader asked more of. */
  score(p: RankablePaper): number {
    let s = this.scores.get(p.id);
    if (s === undefined) this.scores.set(p.id, (s = dot(this.w, vectorOf(this.stats, p))));
    return s;
  }

  /**
   * Adds this reader's own reasons to the papers of the window: a followed author's paper, a few
   * "you might also like" from outside their topics, and, on matched papers the model ranks high,
   * which liked paper they resemble. `found` is the selection's map of matched papers, which `add` grows.
   */
  extend(window: readonly RankablePaper[], found: ReadonlyMap<number, unknown>, add: (p: RankablePaper, r: PersonalReason) => void): void {
    for (const p of window) for (const name of followedAmong(this.followed, p.authors)) add(p, { kind: 'author', key: name, label: name, words: [], score: 1 });
    const matched = new Set(found.keys());
    if (this.weight === 0) return;
    const outside = this.liked.length >= 2 ? window.filter((p) => !matched.has(p.id) && !this.known.has(p.id) && this.score(p) > 0) : [];
    const similar = outside
      .sort((a, b) => this.score(b) - this.score(a))
      .slice(0, EXPLAINED)
      .map((p) => ({ p, near: this.nearest(p) }))
      .filter((x) => x.near && x.near.cos >= SIMILAR_MIN_COSINE)
      .slice(0, MAX_SIMILAR);
    for (const { p, near } of similar) add(p, this.likeReason(p, near!.cos, near!.title));
    const ranked = window.filter((p) => found.has(p.id));
    this.place(ranked);
    if (this.liked.length === 0) return;
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
    const v = vectorOf(this.stats, p);
    let best: { cos: number; title: string } | null = null;
    for (const l of this.near) {
      const cos = cosine(v, l.vec);
      if (!best || cos > best.cos) best = { cos, title: l.title };
    }
    return best;
  }

  /** The paper's words that weighed most for this reader, as the paper spells them. */
  private topWords(p: RankablePaper): string[] {
    const v = vectorOf(this.stats, p);
    return [...v.ids]
      .map((k, i) => ({ k, c: (this.w[k] ?? 0) * v.vals[i] }))
      .filter((x) => x.c > 0 && v.words.has(x.k))
      .sort((a, b) => b.c - a.c)
      .slice(0, 3)
      .map((x) => v.words.get(x.k)!);
  }

  private accumulate(vectors: Vec[], sign: number): void {
    if (vectors.length === 0) return;
    const share = sign / vectors.length;
    for (const v of vectors) for (let i = 0; i < v.ids.length; i++) this.w[v.ids[i]] += share * v.vals[i];
  }
}

function dedupe(papers: ProfilePaper[]): ProfilePaper[] {
  const seen = new Set<number>();
  return papers.filter((p) => !seen.has(p.id) && seen.add(p.id));
}
