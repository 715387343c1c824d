import { describe, expect, it } from '@jest/globals';
import { prepareDocument } from '../../../src/topics/document.index.js';
import { fitLogistic, type SparseRow } from '../../../tools/topics/logistic.fit.js';
import { DEFAULT_FEATURE_WEIGHTS, TopicModel, wordFeatures, type TopicModelFile } from '../../../src/topics/topic.model.js';
import {
  crossValidate,
  crossValidateByEra,
  DEFAULT_TRAINING,
  microTotal,
  trainTopicModel,
  type LabelledPaper,
} from '../../../tools/topics/topic-model.trainer.js';
import { TopicTagger } from '../../../src/topics/topic.tagger.js';

function row(pairs: [number, number][]): SparseRow {
  return { index: Int32Array.from(pairs.map((p) => p[0])), value: Float64Array.from(pairs.map((p) => p[1])) };
}

describe('fitLogistic', () => {
  // Feature 0 decides the label; feature 1 comes as often with either label.
  const rows = [
    row([
      [0, 1],
      [1, 1],
    ]),
    row([[0, 1]]),
    row([[1, 1]]),
    row([]),
    row([
      [0, 1],
      [1, 1],
    ]),
    row([[1, 1]]),
  ];
  const labels = [1, 1, 0, 0, 1, 0];

  it('puts its weight on the feature that predicts the label', () => {
    const fit = fitLogistic(rows, labels, { l2: Float64Array.from([1e-3, 1e-3]) });
    expect(fit.weights[0]).toBeGreaterThan(3);
    expect(Math.abs(fit.weights[1])).toBeLessThan(0.1);
    expect(fit.bias).toBeLessThan(0);
  });

  it('shrinks weights as the L2 strength grows, and gives the same answer every time', () => {
    const loose = fitLogistic(rows, labels, { l2: Float64Array.from([1e-3, 1e-3]) });
    const tight = fitLogistic(rows, labels, { l2: Float64Array.from([1, 1]) });
    expect(tight.weights[0]).toBeLessThan(loose.weights[0]);
    expect(fitLogistic(rows, labels, { l2: Float64Array.from([1e-3, 1e-3]) })).toEqual(loose);
  });
});

describe('wordFeatures', () => {
  it('weighs a title word over one abstract mention, and repeated mentions less and less', () => {
    const doc = prepareDocument({ title: 'Pruning networks', abstract: 'We prune. Pruning helps. Graphs are fine.', aiKeywords: ['graph'] });
    const x = wordFeatures(doc, DEFAULT_FEATURE_WEIGHTS);
    expect(x.get('prune')).toBeCloseTo(1 + 0.5 * Math.log2(3));
    expect(x.get('graph')).toBeCloseTo(0.5 + 0.3);
    expect(x.get('network')).toBe(1);
  });
});

const topics = [
  { slug: 'pruning', query: 'prun*' },
  { slug: 'graphs', query: '"graph neural network"' },
];

function model(overrides: Partial<TopicModelFile['topics'][string]> = {}): TopicModelFile {
  return {
    version: 1,
    trainedOn: 'test',
    threshold: 0.5,
    minPositives: 30,
    queryScale: 4,
    fieldWeights: DEFAULT_FEATURE_WEIGHTS,
    topics: {
      pruning: { query: 'prun*', positives: 50, bias: -2, queryWeight: 1, topics: { graphs: -1 }, words: { sparsiti: 2 }, ...overrides },
      graphs: { query: '"graph neural network"', positives: 50, bias: -2, queryWeight: 1, topics: {}, words: {} },
    },
  };
}

describe('TopicTagger with a learned model', () => {
  const passing = { title: 'Graph Neural Networks at Scale', abstract: 'Unlike pruning, we scale graph neural networks.' };

  it('scores the topics it covers with the model, the others with their query', () => {
    const tagger = new TopicTagger(topics, { model: new TopicModel(model()) });
    const doc = { title: 'Pruning for speed', abstract: 'We prune weights.' };
    const tag = tagger.tag(doc).find((t) => t.slug === 'pruning');
    // σ(−2 + 4 × query score): the query alone would score the paper 0.78.
    const query = new TopicTagger(topics, { model: null }).explain(doc, 'pruning')?.score as number;
    expect(tag).toEqual({ slug: 'pruning', score: Math.round(1000 / (1 + Math.exp(2 - 4 * query))) / 1000, matched: ['prun*'] });
    expect(tagger.tag(passing).map((t) => t.slug)).toEqual(['graphs']);
  });

  it('weighs the other topics: a paper that is about graphs is less about pruning', () => {
    const doc = { title: 'Pruning graph neural networks', abstract: 'We prune graph neural networks.' };
    const without = new TopicTagger(topics, { model: new TopicModel(model({ topics: {} })) }).explain(doc, 'pruning');
    const withCross = new TopicTagger(topics, { model: new TopicModel(model()) }).explain(doc, 'pruning');
    expect(withCross?.score).toBeLessThan(without?.score as number);
    expect(withCross?.queryScore).toBe(without?.queryScore);
  });

  it('tags a paper its query misses on learned words alone, and shows those words as written', () => {
    const tagger = new TopicTagger(topics, { model: new TopicModel(model({ words: { sparsiti: 3 } })) });
    const doc = { title: 'Sparsity at scale', abstract: 'Structured sparsity makes models smaller.' };
    const tag = tagger.tag(doc).find((t) => t.slug === 'pruning');
    expect(tag?.matched).toEqual(['sparsity']);
    expect(tag?.score).toBeGreaterThanOrEqual(0.5);
  });

  it('names the topics whose tags change with a query: itself and the topics that weigh its score', () => {
    const tagger = new TopicTagger(topics, { model: new TopicModel(model()) });
    expect(tagger.affectedBy(['graphs'])).toEqual(['graphs', 'pruning']);
    expect(tagger.affectedBy(['pruning'])).toEqual(['pruning']);
    expect(new TopicTagger(topics, { model: null }).affectedBy(['graphs'])).toEqual(['graphs']);
  });

  it('falls back to the query alone for a topic whose query changed since the model was fitted', () => {
    const changed = [{ slug: 'pruning', query: 'prun* OR sparse' }, topics[1]];
    const tagger = new TopicTagger(changed, { model: new TopicModel(model()) });
    const doc = { title: 'Pruning for speed', abstract: 'We prune weights.' };
    expect(tagger.tag(doc)).toEqual(new TopicTagger(changed, { model: null }).tag(doc));
  });
});

describe('trainTopicModel', () => {
  // "sparsity" is never in the query, yet every labelled pruning paper says it.
  const papers: LabelledPaper[] = Array.from({ length: 40 }, (_, i) => ({
    id: String(i),
    title: i % 2 === 0 ? `Structured sparsity study ${i}` : `Graph neural network study ${i}`,
    abstract: i % 2 === 0 ? 'Sparsity reduces cost. Some weights prune away.' : 'A graph neural network for molecules; no pruning.',
    labels: i % 2 === 0 ? ['pruning'] : ['graphs'],
  }));

  const options = { ...DEFAULT_TRAINING, minPositives: 5 };

  it('learns words the query lacks and records the query it was fitted to', () => {
    const file = trainTopicModel(papers, topics, options, 'synthetic');
    expect(file.topics.pruning.query).toBe('prun*');
    expect(file.topics.pruning.words.sparsiti).toBeGreaterThan(0);
    expect(file.topics.graphs.topics.pruning).toBeDefined();
    const tagger = new TopicTagger(topics, { model: new TopicModel(file) });
    expect(tagger.tag({ title: 'Sparsity everywhere', abstract: 'Sparsity helps.' }).map((t) => t.slug)).toEqual(['pruning']);
  });

  it('leaves a topic with too few labelled papers to its query', () => {
    const file = trainTopicModel(papers, topics, { ...options, minPositives: 21 });
    expect(file.topics.pruning).toEqual({ query: 'prun*', positives: 20, bias: 0, queryWeight: 0, topics: {}, words: {} });
    const doc = { title: 'Sparsity everywhere', abstract: 'Sparsity helps.' };
    expect(new TopicTagger(topics, { model: new TopicModel(file) }).tag(doc)).toEqual([]);
  });

  it('cross-validates on folds it was not fitted on, counting every label once', () => {
    const c = crossValidate(papers, topics, options, 4);
    expect(c.tp + c.fn).toBe(40);
    expect(c.tp).toBeGreaterThanOrEqual(36);
  });

  it('keeps cross-validated counts apart by era, summing to the overall counts', () => {
    const mixed = papers.map((p, i) => (i < 10 ? { ...p, era: 'older' } : p));
    const eras = crossValidateByEra(mixed, topics, options, 4);
    expect([...eras.keys()]).toEqual(['hf', 'older']);
    expect((eras.get('older')?.tp ?? 0) + (eras.get('older')?.fn ?? 0)).toBe(10);
    expect(microTotal(eras.values())).toEqual(crossValidate(mixed, topics, options, 4));
  });
});
