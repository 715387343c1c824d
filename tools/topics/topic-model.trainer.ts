import { prepareDocument, type PaperText } from '../../src/topics/document.index.js';
import { fitLogistic, type SparseRow } from './logistic.fit.js';
import {
  DEFAULT_FEATURE_WEIGHTS,
  TopicModel,
  wordFeatures,
  type FeatureWeights,
  type TopicModelFile,
  type TopicWeights,
} from '../../src/topics/topic.model.js';
import { TopicTagger, type TopicQuery } from '../../src/topics/topic.tagger.js';

/** A paper read and labelled by people with the topics a subscriber of each would clearly want. */
export interface LabelledPaper extends PaperText {
  id: string;
  labels: string[];
  /** hf (the Hugging Face corpus, 2024–2026; the default) or older (2015–2022 venues and arXiv). */
  era?: string;
}

export interface TrainingOptions {
  /**
   * L2 strength on the topic's own query score, on the other topics' scores and on word weights:
   * words are many and each is weak evidence, so they are held closer to 0. With ~25,000 labelled
   * papers the words need less holding: l2Words 7e-4 against 3e-3 moved cross-validated F1 by
   * +0.028 on older papers and +0.007 on the HF era (1.5e-3: +0.016 and +0.004).
   */
  l2Query: number;
  l2Topics: number;
  l2Words: number;
  /** Words seen in fewer labelled papers than this get no weight (too rare to learn from). */
  minDocumentFrequency: number;
  threshold: number;
  /** See TopicModelFile.minPositives: below it the model was worse than the query in cross-validation. */
  minPositives: number;
  queryScale: number;
  fieldWeights: FeatureWeights;
  /** Word weights smaller than this are dropped from the file; they change no decision. */
  pruneBelow: number;
  /**
   * Weight of a paper in the loss by its era (1 when its era is not listed). Older papers weighed
   * twice moved cross-validated older F1 by +0.007 and HF by −0.002 with 2,000 older papers; with
   * 7,200 they are weighed like the rest.
   */
  eraWeights: Record<string, number>;
}

// Chosen by 5-fold cross-validation on the training sets (tools/topics/train-topics.ts prints it).
export const DEFAULT_TRAINING: TrainingOptions = {
  l2Query: 1e-3,
  l2Topics: 1e-2,
  l2Words: 7e-4,
  minDocumentFrequency: 3,
  threshold: 0.35,
  minPositives: 30,
  queryScale: 4,
  fieldWeights: DEFAULT_FEATURE_WEIGHTS,
  pruneBelow: 0.03,
  eraWeights: {},
};

export interface Example {
  era: string;
  words: Map<string, number>;
  /** Query score per topic (0 when the query does not match). */
  queryScores: number[];
  labels: Set<string>;
}

/** Fits one logistic regression per topic on the labelled papers; returns the model file. */
export function trainTopicModel(
  papers: readonly LabelledPaper[],
  topics: readonly TopicQuery[],
  options: TrainingOptions = DEFAULT_TRAINING,
  trainedOn = `${papers.length} labelled papers`,
): TopicModelFile {
  return trainFromExamples(toExamples(papers, topics, options), topics, options, trainedOn);
}

/** trainTopicModel on papers already turned into features (toExamples), so experiments reuse them. */
export function trainFromExamples(
  examples: readonly Example[],
  topics: readonly TopicQuery[],
  options: TrainingOptions,
  trainedOn = `${examples.length} labelled papers`,
): TopicModelFile {
  const vocabulary = buildVocabulary(examples, options.minDocumentFrequency, topics.length);
  const l2 = new Float64Array(vocabulary.size + topics.length).fill(options.l2Words);
  l2.fill(options.l2Topics, 1, topics.length);
  l2[0] = options.l2Query;
  const model: Record<string, TopicWeights> = {};
  topics.forEach((topic, t) => (model[topic.slug] = fitTopic(examples, topics, t, vocabulary, l2, options)));
  const { threshold, minPositives, queryScale, fieldWeights } = options;
  return { version: 1, trainedOn, threshold, minPositives, queryScale, fieldWeights, topics: model };
}

function fitTopic(
  examples: readonly Example[],
  topics: readonly TopicQuery[],
  t: number,
  vocabulary: Map<string, number>,
  l2: Float64Array,
  options: TrainingOptions,
): TopicWeights {
  const { slug, query } = topics[t];
  const labels = examples.map((e) => (e.labels.has(slug) ? 1 : 0));
  const positives = labels.reduce((n: number, y) => n + y, 0);
  // Left to its query; recorded so the other topics can still weigh its score.
  if (positives < options.minPositives) return { query, positives, bias: 0, queryWeight: 0, topics: {}, words: {} };
  const others = topics.map((_, i) => i).filter((i) => i !== t);
  const sampleWeights = examples.map((e) => options.eraWeights[e.era] ?? 1);
  const fit = fitLogistic(
    examples.map((e) => toRow(e, t, others, vocabulary, options.queryScale)),
    labels,
    { l2, sampleWeights },
  );
  return {
    query,
    positives,
    bias: round(fit.bias),
    queryWeight: round(fit.weights[0]),
    topics: Object.fromEntries(others.map((i, k) => [topics[i].slug, round(fit.weights[1 + k])])),
    words: keptWords(vocabulary, fit.weights, options.pruneBelow),
  };
}

export function toExamples(papers: readonly LabelledPaper[], topics: readonly TopicQuery[], options: TrainingOptions): Example[] {
  // Threshold 0: every topic whose query matches at all, with its score.
  const queries = new TopicTagger(topics, { model: null, threshold: 0 });
  return papers.map((paper) => {
    const doc = prepareDocument(paper);
    const scores = new Map(queries.tag(doc).map((t) => [t.slug, t.score]));
    return {
      era: paper.era ?? 'hf',
      words: wordFeatures(doc, options.fieldWeights),
      queryScores: topics.map((t) => scores.get(t.slug) ?? 0),
      labels: new Set(paper.labels),
    };
  });
}

// Stem → feature column. Column 0 is the topic's own query score, the next ones the other topics'.
function buildVocabulary(examples: readonly Example[], minDocumentFrequency: number, topicCount: number): Map<string, number> {
  const df = new Map<string, number>();
  for (const e of examples) for (const stem of e.words.keys()) df.set(stem, (df.get(stem) ?? 0) + 1);
  const vocabulary = new Map<string, number>();
  for (const [stem, n] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n >= minDocumentFrequency) vocabulary.set(stem, vocabulary.size + topicCount);
  }
  return vocabulary;
}

function toRow(e: Example, topic: number, others: number[], vocabulary: Map<string, number>, queryScale: number): SparseRow {
  const index = [0];
  const value = [queryScale * e.queryScores[topic]];
  others.forEach((other, k) => {
    if (e.queryScores[other] > 0) {
      index.push(1 + k);
      value.push(queryScale * e.queryScores[other]);
    }
  });
  for (const [stem, x] of e.words) {
    const column = vocabulary.get(stem);
    if (column !== undefined) {
      index.push(column);
      value.push(x);
    }
  }
  return { index: Int32Array.from(index), value: Float64Array.from(value) };
}

// Strongest first, so the file reads as what each topic learned.
function keptWords(vocabulary: Map<string, number>, weights: Float64Array, pruneBelow: number): Record<string, number> {
  const kept = [...vocabulary].filter(([, column]) => Math.abs(weights[column]) >= pruneBelow);
  kept.sort((a, b) => weights[b[1]] - weights[a[1]]);
  return Object.fromEntries(kept.map(([stem, column]) => [stem, round(weights[column])]));
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** True/false positives and false negatives per topic of a tagger against labelled papers. */
export function countErrors(tagger: TopicTagger, papers: readonly LabelledPaper[], slugs: readonly string[]): Map<string, Counts> {
  const counts = new Map(slugs.map((s) => [s, { tp: 0, fp: 0, fn: 0 }]));
  for (const paper of papers) {
    const predicted = new Set(tagger.tag(paper).map((t) => t.slug));
    const truth = new Set(paper.labels);
    for (const slug of slugs) {
      const c = counts.get(slug) as Counts;
      if (predicted.has(slug) && truth.has(slug)) c.tp++;
      else if (predicted.has(slug)) c.fp++;
      else if (truth.has(slug)) c.fn++;
    }
  }
  return counts;
}

export function f1(c: Counts): { p: number; r: number; f: number } {
  const p = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

export function microTotal(counts: Iterable<Counts>): Counts {
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const c of counts) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return total;
}

/**
 * Micro-averaged counts of k-fold cross-validation: each fold is tagged by a model fitted on the
 * other folds. Folds come from a seeded shuffle, so a run is reproducible.
 */
export function crossValidate(
  papers: readonly LabelledPaper[],
  topics: readonly TopicQuery[],
  options: TrainingOptions = DEFAULT_TRAINING,
  folds = 5,
  seed = 1,
): Counts {
  return microTotal(crossValidateByEra(papers, topics, options, folds, seed).values());
}

/** The same cross-validation, its counts kept apart by the papers' era (hf when none is given). */
export function crossValidateByEra(
  papers: readonly LabelledPaper[],
  topics: readonly TopicQuery[],
  options: TrainingOptions = DEFAULT_TRAINING,
  folds = 5,
  seed = 1,
): Map<string, Counts> {
  const order = shuffled(papers.length, seed);
  const slugs = topics.map((t) => t.slug);
  const eras = new Map<string, Counts[]>();
  for (let k = 0; k < folds; k++) {
    const held = new Set(order.filter((_, i) => i % folds === k));
    const train = papers.filter((_, i) => !held.has(i));
    const tagger = new TopicTagger(topics, { model: new TopicModel(trainTopicModel(train, topics, options)) });
    for (const [era, test] of byEra(papers.filter((_, i) => held.has(i)))) {
      const list = eras.get(era) ?? [];
      list.push(...countErrors(tagger, test, slugs).values());
      eras.set(era, list);
    }
  }
  return new Map([...eras].sort((a, b) => a[0].localeCompare(b[0])).map(([era, counts]) => [era, microTotal(counts)]));
}

/** Papers grouped by era (hf when a paper has none). */
export function byEra<T extends LabelledPaper>(papers: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const p of papers) {
    const era = p.era ?? 'hf';
    const group = groups.get(era);
    if (group) group.push(p);
    else groups.set(era, [p]);
  }
  return groups;
}

// Indices 0..n−1 in an order fixed by the seed (mulberry32).
function shuffled(n: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
