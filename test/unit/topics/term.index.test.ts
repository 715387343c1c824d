import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { prepareDocument, type PaperText } from '../../../src/topics/document.index.js';
import { bundledTopicModel, TopicModel } from '../../../src/topics/topic.model.js';
import { TopicTagger, type TopicQuery } from '../../../src/topics/topic.tagger.js';

/**
 * TopicTagger.tag(paper text) takes the fast path (term.index.ts); tag(prepareDocument(paper))
 * matches the prepared document as tagging always did. They must agree exactly: same topics,
 * scores and explanations, in the same order.
 */
const defaults = JSON.parse(readFileSync(fromRoot('data', 'default-topics.json'), 'utf8')) as TopicQuery[];

function fixture(name: string): PaperText[] {
  const papers = JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'topic-eval', name), 'utf8')) as {
    title: string;
    abstract?: string | null;
    aiKeywords?: string[];
  }[];
  return papers.map((p) => ({ title: p.title, abstract: p.abstract ?? null, aiKeywords: p.aiKeywords ?? [] }));
}

// Real papers of every era (HF papers with AI keywords, older ones without), LaTeX, accents and Greek included.
const real = [...fixture('tune.json'), ...fixture('older-train.json').slice(0, 1500)];

// Returns how many tags the papers got, and the papers whose fast tags differ (none).
function compare(tagger: TopicTagger, papers: readonly PaperText[]): { tags: number; wordsOnly: number; differ: unknown[] } {
  let tags = 0;
  let wordsOnly = 0;
  const differ: unknown[] = [];
  for (const paper of papers) {
    const fast = tagger.tag(paper);
    const reference = tagger.tag(prepareDocument(paper));
    if (JSON.stringify(fast) !== JSON.stringify(reference)) differ.push({ title: paper.title, fast, reference });
    tags += fast.length;
    // A tag explained by the model's words (the paper's own lowercase words) rather than query terms.
    if (fast.some((t) => t.matched.every((m) => /^[a-z0-9]+$/.test(m)))) wordsOnly++;
  }
  return { tags, wordsOnly, differ };
}

function expectSameTags(tagger: TopicTagger, papers: readonly PaperText[]): number {
  const { tags, differ } = compare(tagger, papers);
  expect(differ.slice(0, 3)).toEqual([]);
  return tags;
}

describe('the tagger fast path', () => {
  it('gives exactly the tags, scores and explanations of the prepared-document path on thousands of real papers', () => {
    const { tags, wordsOnly, differ } = compare(new TopicTagger(defaults), real);
    expect(differ.slice(0, 3)).toEqual([]);
    // The comparison means something only if plenty of papers are tagged, some by the model's words alone.
    expect(tags).toBeGreaterThan(real.length);
    expect(wordsOnly).toBeGreaterThan(10);
  });

  it('agrees with queries alone (no model), and with a model whose topics no longer fit', () => {
    expectSameTags(new TopicTagger(defaults, { model: null }), real.slice(0, 1000));
    const changed = defaults.map((t, i) => (i % 3 === 0 ? { ...t, query: `${t.query} OR "${t.slug} method"` } : t));
    expectSameTags(new TopicTagger(changed, { model: bundledTopicModel() }), real.slice(0, 1000));
  });

  it('agrees on every kind of term: wildcards of any length, phrases with slop, compounds, fields, negation', () => {
    const topics: TopicQuery[] = [
      { slug: 'wild', query: 'quantiz* OR *former OR *bench* OR dif* OR tra* OR *ing' },
      { slug: 'phrases', query: '"language model"~2 OR "vision-language model" OR "state-of-the-art" OR pre-training^2' },
      { slug: 'fields', query: 'title:(diffusion OR agent*) AND (image* OR -video) OR keywords:reasoning' },
      { slug: 'nots', query: '(robot* OR manipulation) -title:(survey OR benchmark*) -"large language model"' },
      { slug: 'greek', query: 'αβγ OR schrodinger OR "naïve bayes" OR über*' },
    ];
    const tagger = new TopicTagger(topics, { model: null, threshold: 0.01 });
    expect(expectSameTags(tagger, real.slice(0, 2000))).toBeGreaterThan(500);
  });

  it('agrees on awkward text: hyphen runs, possessives, LaTeX, accents, Greek, empty fields, many keywords', () => {
    const odd: PaperText[] = [
      { title: '--', abstract: null },
      { title: 'a--b- -x- vision--language-model ---', abstract: 'Pre-training. The LLM\u2019s state-of-the-art pre-training! Of --- fine-tuning' },
      { title: "Schrödinger's naïve Bayes über-models", abstract: 'We use \\textit{quantized} $\\mathbf{x}$ models. Ünïcödé άλφα αβγ-δ transformer-based' },
      {
        title: 'Large Language Model Agents',
        abstract: '',
        aiKeywords: ['reasoning', 'LLM agents', 'robot-manipulation', 'diffusion', 'image generation', 'VQA'],
      },
      { title: 'Diffusion', abstract: 'Diffusion diffusion DIFFUSION. Image, images; imaging: image-to-image.', aiKeywords: [] },
      { title: 'CJK 大规模 language models 模型', abstract: 'Tokenizers for 中文 LLMs. Second sentence about robots.' },
    ];
    expectSameTags(new TopicTagger(defaults), odd);
    expectSameTags(new TopicTagger(defaults, { model: null, threshold: 0.01 }), odd);
  });

  it('keeps agreeing when one tagger meets a changing vocabulary over many papers', () => {
    // The same tagger instance, fed papers in a different order: its learnt vocabulary must not leak between papers.
    const tagger = new TopicTagger(defaults, { model: new TopicModel(bundledTopicModel().file) });
    expectSameTags(tagger, [...real].reverse().slice(0, 1000));
  });
});
