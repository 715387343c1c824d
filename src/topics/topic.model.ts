import { readFileSync } from 'node:fs';
import { fromRoot } from '../common/paths.js';
import { fieldOf, type PreparedDocument } from './document.index.js';
import { isFunctionWord, stem } from './text.tokenizer.js';

/**
 * A topic model learned from hand-labelled papers (`npm run train:topics`), one small logistic
 * regression per topic on top of the queries:
 *
 *   p(topic) = σ(bias + queryScale × (queryWeight × own query score + Σ topics[other] × its query score)
 *                + Σ words[stem] × x(stem))
 *
 * The query stays the main evidence and the explanation (its matched terms are what a tag shows);
 * the learned part weighs that evidence against the rest of the paper's words, which no
 * hand-written query can enumerate (an "efficient" that is about inference cost, a "benchmark"
 * that is the contribution rather than a baseline), and against the other topics' queries (a
 * vision-language paper that also says "language model" is rarely what an `llm` subscriber wants).
 * A paper the query misses can still be tagged on its words alone; its tag then shows those words.
 *
 * A topic's weights were fitted to one query; once an operator changes that query (or adds a
 * topic) the topic is scored by its query alone, as before any model existed.
 */
export interface TopicModelFile {
  version: 1;
  /** What the model was fitted on, for people reading the file. */
  trainedOn: string;
  /** Tag when p ≥ threshold. */
  threshold: number;
  /**
   * The model decides a topic only when it learned from at least this many papers labelled with
   * it; rarer topics (a handful of NAS or metric-learning papers) are left to their query.
   */
  minPositives: number;
  queryScale: number;
  fieldWeights: FeatureWeights;
  topics: Record<string, TopicWeights>;
}

export interface TopicWeights {
  /** The query these weights were fitted with; a different query means they no longer apply. */
  query: string;
  /** How many training papers were labelled with the topic. */
  positives: number;
  bias: number;
  queryWeight: number;
  /** Weights of the other topics' query scores, by slug. */
  topics: Record<string, number>;
  words: Record<string, number>;
}

/** How a word's occurrences become its feature value x(stem). */
export interface FeatureWeights {
  title: number;
  abstract: number;
  keywords: number;
}

export const DEFAULT_FEATURE_WEIGHTS: FeatureWeights = { title: 1, abstract: 0.5, keywords: 0.3 };

/**
 * x(stem) = title × [in title] + abstract × log2(1 + mentions in abstract) + keywords × [in AI
 * keywords]: the same shape as the query scoring, a title word weighs most and repetition less
 * and less. (Pairs of adjacent words were tried as features too and added nothing.)
 */
export function wordFeatures(doc: PreparedDocument, weights: FeatureWeights): Map<string, number> {
  const features = new Map<string, number>();
  forEachWordFeature(doc, weights, (stem, x) => features.set(stem, x));
  return features;
}

/** wordFeatures without building the map: tagging calls this once per paper. */
export function forEachWordFeature(doc: PreparedDocument, weights: FeatureWeights, visit: (stem: string, x: number) => void): void {
  for (const [stem, occurrences] of doc.stems) {
    let title = 0;
    let abstract = 0;
    let keywords = 0;
    for (let i = 0; i < occurrences.length; i += 2) {
      const field = fieldOf(occurrences[i]);
      if (field === 0) title++;
      else if (field === 1) abstract++;
      else keywords++;
    }
    visit(stem, featureValue(weights, title, abstract, keywords));
  }
}

/** x(stem) from a stem's occurrences in each field (see wordFeatures). */
export function featureValue(weights: FeatureWeights, title: number, abstract: number, keywords: number): number {
  return (title > 0 ? weights.title : 0) + (abstract > 0 ? weights.abstract * Math.log2(1 + abstract) : 0) + (keywords > 0 ? weights.keywords : 0);
}

// The paper's own spelling of a stem (its first word with that stem).
function spelling(doc: PreparedDocument, stemmed: string): string {
  for (const word of doc.words.keys()) if (stem(word) === stemmed) return word;
  return stemmed;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A loaded model, indexed for scoring many documents against a fixed list of topics. */
export class TopicModel {
  constructor(readonly file: TopicModelFile) {}

  /** Scores documents for these topics; a topic whose query differs from the fitted one is not covered. */
  scorer(topics: readonly { slug: string; query: string }[]): TopicScorer {
    return new TopicScorer(this.file, topics);
  }
}

/**
 * Per document, one pass over its words sums every topic's word evidence at once: each stem maps
 * to the (topic, weight) pairs that use it.
 */
export class TopicScorer {
  /** Per topic, its weights when the model decides it, else null. */
  private readonly weights: (TopicWeights | null)[];
  /** Per covered topic: (index of another topic, weight of its query score). */
  private readonly cross: { topic: number; weight: number }[][];
  /** Stem → its index in byIndex: the topics that weigh it and their weights, side by side. */
  private readonly stems = new Map<string, number>();
  private readonly stemNames: string[];
  // The (topic, weight) pairs of stem i are at [starts[i], starts[i + 1]) of two flat arrays.
  private readonly starts: Int32Array;
  private readonly useTopics: Int32Array;
  private readonly useWeights: Float64Array;

  constructor(
    private readonly file: TopicModelFile,
    topics: readonly { slug: string; query: string }[],
  ) {
    // A topic's score means what it meant in training only while its query is unchanged.
    const unchanged = topics.map((t) => file.topics[t.slug]?.query.trim() === t.query.trim());
    this.weights = topics.map((t, i) => {
      const w = file.topics[t.slug];
      return unchanged[i] && w.positives >= file.minPositives ? w : null;
    });
    const index = new Map(topics.map((t, i) => [t.slug, i]));
    this.cross = this.weights.map((w) =>
      Object.entries(w?.topics ?? {})
        .map(([slug, weight]) => ({ topic: index.get(slug) ?? -1, weight }))
        .filter((c) => c.topic >= 0 && unchanged[c.topic]),
    );
    const lists = new Map<string, { topic: number; weight: number }[]>();
    this.weights.forEach((w, topic) => {
      for (const [stem, weight] of Object.entries(w?.words ?? {})) {
        const list = lists.get(stem);
        if (list) list.push({ topic, weight });
        else lists.set(stem, [{ topic, weight }]);
      }
    });
    const all = [...lists.values()];
    this.starts = new Int32Array(all.length + 1);
    this.useTopics = Int32Array.from(all.flat(), (u) => u.topic);
    this.useWeights = Float64Array.from(all.flat(), (u) => u.weight);
    this.stemNames = [...lists.keys()];
    this.stemNames.forEach((stem, i) => {
      this.stems.set(stem, i);
      this.starts[i + 1] = this.starts[i] + all[i].length;
    });
  }

  /** How occurrences become feature values (term.index.ts computes them itself). */
  get fieldWeights(): FeatureWeights {
    return this.file.fieldWeights;
  }

  /** How many stems some topic weighs (stem indexes run below this). */
  get weighedStems(): number {
    return this.starts.length - 1;
  }

  /** A stem's index for probabilitiesOf, or -1 when no topic weighs it. */
  stemIndex(stem: string): number {
    return this.stems.get(stem) ?? -1;
  }

  get threshold(): number {
    return this.file.threshold;
  }

  /** Whether topic i is scored by the model (else by its query alone). */
  covers(topic: number): boolean {
    return this.weights[topic] !== null;
  }

  /** The covered topics whose score weighs any of these topics' query scores (their indexes). */
  dependentsOf(slugs: readonly string[]): number[] {
    const out: number[] = [];
    this.weights.forEach((w, t) => {
      if (w && slugs.some((slug) => (w.topics[slug] ?? 0) !== 0)) out.push(t);
    });
    return out;
  }

  /** p(topic) for every covered topic (NaN for the others), given every topic's query score. */
  probabilities(doc: PreparedDocument, queryScores: ArrayLike<number>): Float64Array {
    return this.probabilitiesOf((visit) => {
      forEachWordFeature(doc, this.file.fieldWeights, (stem, x) => {
        const i = this.stems.get(stem);
        if (i !== undefined) visit(i, x);
      });
    }, queryScores);
  }

  /**
   * probabilities() from a paper's weighed stems, visited as (stemIndex, x) in the order the
   * paper's words first use them (the sums are then added in the same order, to the same bits).
   */
  probabilitiesOf(features: (visit: (stemIndex: number, x: number) => void) => void, queryScores: ArrayLike<number>): Float64Array {
    const z = new Float64Array(this.weights.length);
    const { starts, useTopics, useWeights } = this;
    features((i, x) => {
      for (let k = starts[i]; k < starts[i + 1]; k++) z[useTopics[k]] += useWeights[k] * x;
    });
    const scale = this.file.queryScale;
    this.weights.forEach((w, t) => {
      if (!w) return void (z[t] = NaN);
      let query = w.queryWeight * queryScores[t];
      for (const c of this.cross[t]) query += c.weight * queryScores[c.topic];
      z[t] = sigmoid(w.bias + scale * query + z[t]);
    });
    return z;
  }

  /** The paper's words that weigh most for a topic, as written in the paper: why it was tagged. */
  explainWords(topic: number, doc: PreparedDocument, limit = 3): string[] {
    const w = this.weights[topic]?.words ?? {};
    const best = [...wordFeatures(doc, this.file.fieldWeights)]
      .map(([stem, x]) => ({ stem, c: (w[stem] ?? 0) * x }))
      // A function word may weigh (it is a feature like any other) but explains nothing to a reader.
      .filter((e) => e.c > 0 && !isFunctionWord(e.stem))
      .sort((a, b) => b.c - a.c);
    return best.slice(0, limit).map((e) => spelling(doc, e.stem));
  }

  /**
   * explainWords from a paper's weighed stems, visited as (stem index, x, the paper's first
   * spelling of it) in the order the paper first uses them: the same words, in the same order.
   */
  explainWordsOf(topic: number, features: (visit: (stemIndex: number, x: number, spelling: string) => void) => void, limit = 3): string[] {
    const best: { c: number; spelling: string }[] = [];
    features((i, x, spelling) => {
      let weight = 0;
      for (let k = this.starts[i]; k < this.starts[i + 1]; k++) if (this.useTopics[k] === topic) weight = this.useWeights[k];
      const c = weight * x;
      if (c > 0 && !isFunctionWord(this.stemNames[i])) best.push({ c, spelling });
    });
    return best
      .sort((a, b) => b.c - a.c)
      .slice(0, limit)
      .map((e) => e.spelling);
  }
}

/** Runtime data lives in data/ at the package root, read the same from src/ (jest) and dist/. */
export const DEFAULT_MODEL_PATH = ['data', 'topic-model.json'];
export const DEFAULT_TOPICS_PATH = ['data', 'default-topics.json'];

let bundled: TopicModel | undefined;

/** The model shipped with Paperboy, fitted to the default topics' queries; read once. */
export function bundledTopicModel(): TopicModel {
  bundled ??= new TopicModel(JSON.parse(readFileSync(fromRoot(...DEFAULT_MODEL_PATH), 'utf8')) as TopicModelFile);
  return bundled;
}
