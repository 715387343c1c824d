import { bucketOf, isPreparedDocument, PREFIX_BUCKET } from './document.index.js';
import { compileQuery, type CompiledQuery, type Leaf, type WordPattern } from './query.compiler.js';
import { QuerySyntaxError } from './query.errors.js';
import { TOPIC_QUERY_LIMITS } from './query.parser.js';
import {
  DEFAULT_SCORING,
  matchQuery,
  prepareDocument,
  type CandidateFilter,
  type MatchResult,
  type PaperText,
  type PreparedDocument,
  type ScoringOptions,
} from './matcher.js';
import { TermIndex } from './term.index.js';
import { bundledTopicModel, type TopicModel, type TopicScorer } from './topic.model.js';

export interface TopicQuery {
  slug: string;
  query: string;
}

export interface TopicTag {
  slug: string;
  score: number;
  matched: string[];
}

export interface TaggerOptions {
  /**
   * Minimum query score for a tag of a topic the model does not cover. 0.5 needs more than a
   * passing mention: a title hit, or several abstract mentions of the topic's terms (one mention
   * scores 0.28, two distinct terms ~0.49).
   */
  threshold: number;
  scoring: ScoringOptions;
  /**
   * The learned model that decides which of the topics it covers a paper is about (see
   * topic.model.ts); by default the bundled one. null scores every topic by its query alone.
   */
  model: TopicModel | null;
}

export const DEFAULT_TAG_THRESHOLD = 0.5;

/** A topic whose query does not parse; names the topic so a bad import points at it. */
export class TopicQueryError extends Error {
  constructor(
    readonly slug: string,
    readonly cause: QuerySyntaxError,
  ) {
    super(`topic "${slug}": ${cause.message}`);
    this.name = 'TopicQueryError';
  }
}

/**
 * Tags papers with the topics whose queries they match strongly enough. Queries are compiled
 * once; a document's word lookups are memoized, so terms shared between topics cost once.
 */
export class TopicTagger {
  private readonly topics: readonly { slug: string; query: CompiledQuery; leafIds: number[] }[];
  private readonly options: TaggerOptions;
  private readonly candidates: CandidateIndex;
  private readonly scorer: TopicScorer | null;
  private readonly terms: TermIndex;

  constructor(topics: readonly TopicQuery[], options: Partial<TaggerOptions> = {}) {
    const model = options.model === undefined ? bundledTopicModel() : options.model;
    this.options = { threshold: DEFAULT_TAG_THRESHOLD, scoring: DEFAULT_SCORING, ...options, model };
    this.topics = topics.map((t) => {
      const query = compileTopic(t);
      return { slug: t.slug, query, leafIds: query.leaves.map((l) => l.id) };
    });
    const leaves = this.topics.flatMap((t) => t.query.leaves);
    this.candidates = new CandidateIndex(leaves);
    this.scorer = this.options.model?.scorer(topics) ?? null;
    this.terms = new TermIndex(leaves, this.scorer);
  }

  /**
   * Topics above the threshold, best first. Paper text takes the fast path (term.index.ts); a
   * prepared document (shared with other callers) is matched as it is, with the same result.
   */
  tag(paper: PaperText | PreparedDocument): TopicTag[] {
    if (isPreparedDocument(paper)) return this.tagPrepared(paper);
    const scan = this.terms.scan(paper);
    const matches = this.topics.map(({ query, leafIds }) =>
      scan.anyCandidate(leafIds) ? matchQuery(query, NO_DOCUMENT, this.options.scoring, scan.filter) : null,
    );
    const probabilities = this.scorer?.probabilitiesOf(
      scan.features,
      matches.map((m) => m?.score ?? 0),
    );
    return this.collect(matches, probabilities, (topic) => this.scorer!.explainWordsOf(topic, scan.features));
  }

  private tagPrepared(doc: PreparedDocument): TopicTag[] {
    const filter = this.candidates.filterFor(doc);
    const matches = this.topics.map(({ query }) => matchQuery(query, doc, this.options.scoring, filter));
    const probabilities = this.scorer?.probabilities(
      doc,
      matches.map((m) => m?.score ?? 0),
    );
    return this.collect(matches, probabilities, (topic) => this.scorer!.explainWords(topic, doc));
  }

  // `explain` gives the model's words for a topic it tagged on them alone (see decide).
  private collect(matches: (MatchResult | null)[], probabilities: Float64Array | undefined, explain: (topic: number) => string[]): TopicTag[] {
    const tags: TopicTag[] = [];
    this.topics.forEach(({ slug }, i) => {
      const tag = this.decide(i, explain, matches[i], probabilities, this.thresholdOf(i));
      if (tag) tags.push({ slug, ...tag });
    });
    return tags.sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug));
  }

  /**
   * One topic's score and matched terms, even below the threshold: why a paper is, or is not,
   * tagged. The score is the model's when it covers the topic, as in tag(); null when the topic
   * is unknown, or neither its query nor the model has anything to say.
   */
  explain(paper: PaperText | PreparedDocument, slug: string): (MatchResult & { queryScore: number }) | null {
    const i = this.topics.findIndex((t) => t.slug === slug);
    if (i < 0) return null;
    const doc = isPreparedDocument(paper) ? paper : prepareDocument(paper);
    const matches = this.topics.map(({ query }) => matchQuery(query, doc, this.options.scoring));
    const probabilities = this.scorer?.probabilities(
      doc,
      matches.map((m) => m?.score ?? 0),
    );
    const tag = this.decide(i, (topic) => this.scorer!.explainWords(topic, doc), matches[i], probabilities, -Infinity);
    return tag && { ...tag, queryScore: matches[i]?.score ?? 0 };
  }

  /**
   * The topics whose tags change when these topics' queries change: themselves, and the topics
   * the model scores partly by their query scores.
   */
  affectedBy(slugs: readonly string[]): string[] {
    const dependents = this.scorer?.dependentsOf(slugs) ?? [];
    return [...new Set([...slugs, ...dependents.map((i) => this.topics[i].slug)])];
  }

  private thresholdOf(topic: number): number {
    return this.scorer?.covers(topic) ? this.scorer.threshold : this.options.threshold;
  }

  // The topic's score and its explanation (the query's terms, or the model's words when the
  // query did not match at all); null below `threshold`.
  private decide(
    topic: number,
    explain: (topic: number) => string[],
    m: MatchResult | null,
    probabilities: Float64Array | undefined,
    threshold: number,
  ): MatchResult | null {
    if (!this.scorer?.covers(topic)) return m && m.score >= threshold ? m : null;
    const score = round((probabilities as Float64Array)[topic]);
    if (score < threshold) return null;
    const matched = m ? m.matched : explain(topic);
    return matched.length > 0 ? { score, matched } : null;
  }
}

/** Stands in for the document on the fast path, where the filter counts every leaf itself. */
const NO_DOCUMENT = prepareDocument({ title: '' });

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Most of a topic's terms are absent from any given paper. Indexing terms by the stem (or prefix
 * bucket) they start with lets the tagger mark, per paper and from the paper's own words, the few
 * that can occur, and skip every other lookup.
 */
class CandidateIndex {
  private readonly byStem = new Map<string, number[]>();
  private readonly byBucket = new Map<number, number[]>();
  // Terms starting with a suffix or infix wildcard cannot be indexed; they are always looked up.
  private readonly always: number[] = [];
  private stamp: Uint32Array;
  private counted: Uint32Array;
  private readonly counts: Int32Array;
  private generation = 0;

  constructor(leaves: readonly Leaf[]) {
    for (const leaf of leaves) {
      const firsts = leaf.sequences.map((seq) => seq[0]);
      if (firsts.some((p) => !indexable(p))) this.always.push(leaf.id);
      else for (const p of firsts) p.kind === 'stem' ? addTo(this.byStem, p.value, leaf.id) : addTo(this.byBucket, bucketOf(p.value), leaf.id);
    }
    const size = Math.max(0, ...leaves.map((l) => l.id)) + 1;
    this.stamp = new Uint32Array(size);
    this.counted = new Uint32Array(size);
    this.counts = new Int32Array(size);
  }

  filterFor(doc: PreparedDocument): CandidateFilter {
    if (this.generation === 0xffffffff) {
      this.stamp = new Uint32Array(this.stamp.length);
      this.counted = new Uint32Array(this.counted.length);
      this.generation = 0;
    }
    const generation = ++this.generation;
    this.mark(this.byStem, doc.stems.keys(), generation);
    this.mark(this.byBucket, doc.buckets.keys(), generation);
    for (const id of this.always) this.stamp[id] = generation;
    return { stamp: this.stamp, generation, counts: this.counts, counted: this.counted };
  }

  private mark<K>(index: Map<K, number[]>, keys: Iterable<K>, generation: number): void {
    for (const key of keys) {
      const ids = index.get(key);
      if (ids) for (const id of ids) this.stamp[id] = generation;
    }
  }
}

function indexable(p: WordPattern): boolean {
  return p.kind === 'stem' || (p.kind === 'prefix' && p.value.length >= PREFIX_BUCKET);
}

function addTo<K>(index: Map<K, number[]>, key: K, id: number): void {
  const ids = index.get(key);
  if (ids) ids.push(id);
  else index.set(key, [id]);
}

function compileTopic(topic: TopicQuery): CompiledQuery {
  try {
    return compileQuery(topic.query, TOPIC_QUERY_LIMITS);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new TopicQueryError(topic.slug, e);
    throw e;
  }
}
