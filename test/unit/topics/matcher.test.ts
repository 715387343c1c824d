import { describe, expect, it } from '@jest/globals';
import { compileQuery, matchQuery, prepareDocument, type PaperText } from '../../../src/topics/matcher.js';

function match(query: string, paper: PaperText) {
  return matchQuery(compileQuery(query), prepareDocument(paper));
}

function matches(query: string, abstract: string, title = 'A paper'): boolean {
  return match(query, { title, abstract }) !== null;
}

describe('matchQuery: words, stemming and case', () => {
  it('folds case and matches across inflections through the Porter stemmer', () => {
    expect(matches('quantization', 'We study QUANTIZED weights.')).toBe(true);
    expect(matches('quantized', 'Post-training quantization of weights.')).toBe(true);
    expect(matches('agents', 'An LLM agent that browses.')).toBe(true);
    expect(matches('agent', 'Web agents in the wild.')).toBe(true);
    expect(matches('pruning', 'We prune channels.')).toBe(true);
    expect(matches('pruning', 'We distill a model.')).toBe(false);
  });

  it('strips accents', () => {
    expect(matches('schrodinger', 'A Schrödinger bridge.')).toBe(true);
  });

  it('matches a hyphenated word in its hyphenated, closed and spaced forms', () => {
    expect(matches('pre-training', 'large scale pretraining')).toBe(true);
    expect(matches('pre-training', 'large scale pre training')).toBe(true);
    expect(matches('pretraining', 'large scale pre-training')).toBe(true);
    expect(matches('"vision language model"', 'a vision-language model')).toBe(true);
    expect(matches('"multimodal large language model"', 'a multi-modal large language model')).toBe(true);
  });
});

describe('matchQuery: phrases and wildcards', () => {
  it('needs the words of a phrase adjacent and in order', () => {
    expect(matches('"graph neural network"', 'We train graph neural networks on molecules.')).toBe(true);
    expect(matches('"graph neural network"', 'A neural network over a graph.')).toBe(false);
    expect(matches('"graph neural network"', 'graph and neural network')).toBe(false);
  });

  it('does not run a phrase from one AI keyword into the next', () => {
    const paper = { title: 'T', abstract: '', aiKeywords: ['graph', 'neural network'] };
    expect(match('"graph neural network"', paper)).toBeNull();
    expect(match('"neural network"', paper)).not.toBeNull();
  });

  it('matches prefixes on the words as written, not on stems', () => {
    expect(matches('quantiz*', 'a quantizer and quantized models')).toBe(true);
    expect(matches('segmentation*', 'we segment the video into segments')).toBe(false);
    expect(matches('segmentation', 'we segment the video into segments')).toBe(true);
  });

  it('matches suffix and infix wildcards, and wildcards inside phrases', () => {
    expect(matches('*bench', 'We release ProBench.')).toBe(true);
    expect(matches('*bench*', 'the SoccerBench-Lite suite')).toBe(true);
    expect(matches('*bench', 'benchmarks')).toBe(false);
    expect(matches('"vision transform*"', 'vision transformers for detection')).toBe(true);
  });

  it('lets "a b"~N put up to N words between the words of a phrase, in order', () => {
    const q = '"introduce benchmark"~3';
    expect(matches(q, 'We introduce a new challenging benchmark.')).toBe(true);
    expect(matches(q, 'We introduce a new, large and challenging benchmark.')).toBe(false);
    expect(matches(q, 'On this benchmark we introduce a method.')).toBe(false);
    expect(matches('"introduce benchmark"', 'We introduce a new benchmark.')).toBe(false);
  });
});

describe('matchQuery: boolean operators', () => {
  const abstract = 'We quantize diffusion models for image generation.';

  it('needs every AND term, and any OR term', () => {
    expect(matches('diffusion quantize', abstract)).toBe(true);
    expect(matches('diffusion AND robot', abstract)).toBe(false);
    expect(matches('robot OR diffusion', abstract)).toBe(true);
    expect(matches('robot, speech', abstract)).toBe(false);
  });

  it('excludes with NOT and -term', () => {
    expect(matches('diffusion NOT robot', abstract)).toBe(true);
    expect(matches('diffusion NOT quantize', abstract)).toBe(false);
    expect(matches('diffusion -quantize', abstract)).toBe(false);
    expect(matches('diffusion -"image generation"', abstract)).toBe(false);
  });

  it('respects precedence and parentheses', () => {
    // a OR (b AND c): robot is absent, but "diffusion image" both hit.
    expect(matches('robot OR diffusion image', abstract)).toBe(true);
    // (a OR b) AND c: speech is absent.
    expect(matches('(robot OR diffusion) speech', abstract)).toBe(false);
    expect(matches('robot OR (diffusion speech)', abstract)).toBe(false);
  });

  it('expands aliases and reports them as written', () => {
    const result = match('GNN', { title: 'T', abstract: 'We use graph neural networks.' });
    expect(result?.matched).toEqual(['GNN']);
    expect(matches('LLM', 'Large language models (LLMs) can reason.')).toBe(true);
    expect(matches('RAG', 'retrieval-augmented generation with long context')).toBe(true);
    expect(matches('"RAG"', 'retrieval-augmented generation with long context')).toBe(false);
  });

  it('limits a term to a field with title:, abstract: and keywords:', () => {
    const paper = { title: 'A New Benchmark', abstract: 'We test diffusion models.', aiKeywords: ['image synthesis'] };
    expect(match('title:benchmark', paper)).not.toBeNull();
    expect(match('title:diffusion', paper)).toBeNull();
    expect(match('abstract:diffusion', paper)).not.toBeNull();
    expect(match('keywords:synthesis', paper)).not.toBeNull();
    expect(match('abstract:synthesis', paper)).toBeNull();
  });
});

describe('matchQuery: scores and explanations', () => {
  it('scores a title hit above the same word in the abstract, and the abstract above AI keywords', () => {
    const inTitle = match('quantization', { title: 'Quantization of LLMs', abstract: 'We study models.' });
    const inAbstract = match('quantization', { title: 'Efficient LLMs', abstract: 'We study quantization.' });
    const inKeywords = match('quantization', { title: 'Efficient LLMs', abstract: 'We study models.', aiKeywords: ['quantization'] });
    expect(inTitle?.score).toBeGreaterThan(inAbstract?.score ?? 1);
    expect(inAbstract?.score).toBeGreaterThan(inKeywords?.score ?? 1);
  });

  it('rewards repeated mention with diminishing returns', () => {
    const score = (n: number) => match('pruning', { title: 'T', abstract: 'pruning. '.repeat(n) })?.score ?? 0;
    expect(score(2)).toBeGreaterThan(score(1));
    expect(score(4)).toBeGreaterThan(score(2));
    expect(score(2) - score(1)).toBeGreaterThan(score(8) - score(7));
    expect(score(50)).toBeLessThan(1);
  });

  it('rewards several distinct terms over one', () => {
    const paper = { title: 'T', abstract: 'We apply pruning and distillation to a transformer.' };
    const one = match('pruning OR sparsity', paper);
    const two = match('pruning OR distillation', paper);
    expect(two?.score).toBeGreaterThan(one?.score ?? 1);
    expect(two?.matched.sort()).toEqual(['distillation', 'pruning']);
  });

  it('lists the matched terms as written, strongest first, and nothing from NOT branches', () => {
    const result = match('"graph neural network" OR GNN* OR quantiz* -robot', {
      title: 'Quantized Graph Neural Networks',
      abstract: 'GNNs are costly; we quantize a graph neural network, then another graph neural network.',
    });
    expect(result?.matched).toEqual(['"graph neural network"', 'quantiz*', 'GNN*']);
  });

  it('applies weights to terms and groups', () => {
    const paper = { title: 'T', abstract: 'We prune a model.' };
    const plain = match('prune', paper)?.score ?? 0;
    expect(match('prune^2', paper)?.score).toBeGreaterThan(plain);
    expect(match('(prune OR sparse)^0.5', paper)?.score).toBeLessThan(plain);
  });

  it("weighs a mention in the abstract's first sentence above one further on", () => {
    const lead = match('pruning', { title: 'T', abstract: 'We study pruning. Results are good.' });
    const later = match('pruning', { title: 'T', abstract: 'We study models. We also try pruning.' });
    expect(lead?.score).toBe(0.393);
    expect(later?.score).toBe(0.283);
    // A decimal point or a lowercase word after a full stop does not end the sentence.
    expect(match('pruning', { title: 'T', abstract: 'A 3.5x smaller net, i.e. via pruning. Then more.' })?.score).toBe(0.393);
  });

  it('weighs only the leading AI keywords, but lets later ones satisfy the query', () => {
    const keywords = ['models', 'training', 'efficiency', 'quantization'];
    const paper = { title: 'T', abstract: 'We study models.', aiKeywords: keywords };
    expect(match('quantization', paper)).toBeNull();
    expect(match('keywords:quantization OR models', paper)?.matched).toEqual(['models']);
    expect(match('models -quantization', paper)).toBeNull();
    expect(match('models quantization', paper)?.score).toBe(match('models', paper)?.score);
    expect(match('quantization', { ...paper, aiKeywords: ['quantization', ...keywords] })?.score).toBe(0.154);
  });

  it('returns null when nothing matches', () => {
    expect(match('robot', { title: 'Quantization', abstract: 'No robots here... well, one robot.' })).not.toBeNull();
    expect(match('robot', { title: 'Quantization', abstract: 'Weights.' })).toBeNull();
  });
});
