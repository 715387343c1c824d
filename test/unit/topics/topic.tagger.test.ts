import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { prepareDocument } from '../../../src/topics/matcher.js';
import { bundledTopicModel } from '../../../src/topics/topic.model.js';
import { TopicQueryError, TopicTagger, type TopicQuery } from '../../../src/topics/topic.tagger.js';

const defaults = JSON.parse(readFileSync(fromRoot('data', 'default-topics.json'), 'utf8')) as TopicQuery[];
const tagger = new TopicTagger(defaults);

const quantizedDiffusion = {
  title: 'Post-Training Quantization for Diffusion Models',
  abstract:
    'Diffusion models have achieved remarkable success in image generation, but their iterative denoising ' +
    'process and large networks make inference slow and memory-hungry. Post-training quantization (PTQ) is an ' +
    'attractive way to compress pretrained models without retraining, yet PTQ methods designed for ' +
    'convolutional classifiers fail on diffusion models because activation distributions change across ' +
    'timesteps. We propose a timestep-aware calibration scheme that collects calibration data along the ' +
    'denoising trajectory, and a quantizer that handles the skip connections of the UNet. Our method quantizes ' +
    'Stable Diffusion to 4-bit weights and 8-bit activations while keeping FID within 0.5 of the full-precision ' +
    'model on text-to-image generation.',
};

/** The page capture: a date line, then papers as a title line, a blank line and an abstract line. */
function pagePapers(): { title: string; abstract: string }[] {
  const lines = readFileSync(fromRoot('samples', 'hf-papers-page.txt'), 'utf8').split('\n');
  const dateLine = lines.findIndex((l) => /^[A-Z][a-z]{2} \d{1,2}$/.test(l.trim()));
  const text = lines
    .slice(dateLine + 1)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const papers = [];
  for (let i = 0; i + 1 < text.length; i += 2) papers.push({ title: text[i], abstract: text[i + 1] });
  return papers;
}

describe('TopicTagger with the default topics', () => {
  it('tags a paper on quantized diffusion models under quantization and image generation, saying why', () => {
    const tags = tagger.tag(quantizedDiffusion);
    const bySlug = new Map(tags.map((t) => [t.slug, t]));
    expect(bySlug.get('quantization')?.matched).toEqual(expect.arrayContaining(['quantiz*', 'PTQ']));
    expect(bySlug.get('image-generation')?.matched).toEqual(expect.arrayContaining(['diffusion', '"text-to-image"']));
    // With the model, a score is the probability that a subscriber of the topic wants the paper.
    expect(bySlug.get('quantization')?.score).toBeGreaterThanOrEqual(0.8);
    expect(bySlug.has('robotics')).toBe(false);
    expect(bySlug.has('speech-audio')).toBe(false);
  });

  it('returns tags best first, each above the threshold', () => {
    const tags = tagger.tag(quantizedDiffusion);
    expect(tags.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < tags.length; i++) expect(tags[i - 1].score).toBeGreaterThanOrEqual(tags[i].score);
    for (const t of tags) expect(t.score).toBeGreaterThanOrEqual(bundledTopicModel().file.threshold);
  });

  it('does not tag a topic for a word mentioned once in passing', () => {
    const paper = {
      title: 'Learning Dexterous Manipulation from Human Videos',
      abstract:
        'We train a robot hand to manipulate tools from videos of people. Unlike prior work on model ' +
        'quantization or pruning, we focus on data. Policies transfer to a real robot with high success.',
    };
    const slugs = tagger.tag(paper).map((t) => t.slug);
    expect(slugs).toContain('robotics');
    expect(slugs).not.toContain('quantization');
    expect(slugs).not.toContain('pruning-sparsity');
    expect(tagger.explain(paper, 'quantization')?.score).toBeLessThan(bundledTopicModel().file.threshold);
  });

  it('gives the same tags for raw text and for a prepared document', () => {
    expect(tagger.tag(prepareDocument(quantizedDiffusion))).toEqual(tagger.tag(quantizedDiffusion));
  });

  it('tags most of the 80 papers of the page capture, every tag with matched terms', () => {
    const papers = pagePapers();
    expect(papers).toHaveLength(80);
    const tagged = papers.map((p) => tagger.tag(p));
    expect(tagged.filter((tags) => tags.length > 0).length).toBeGreaterThanOrEqual(60);
    for (const tag of tagged.flat()) {
      expect(tag.matched.length).toBeGreaterThan(0);
      for (const term of tag.matched) expect(term.trim()).not.toBe('');
    }
    const titles = papers.map((p, i) => [p.title, tagged[i].map((t) => t.slug)] as const);
    const slugsOf = (start: string) => titles.find(([t]) => t.startsWith(start))?.[1] ?? [];
    expect(slugsOf('BPKD: Boundary Privileged Knowledge Distillation')).toEqual(expect.arrayContaining(['knowledge-distillation', 'segmentation']));
    expect(slugsOf('Tackling Data Heterogeneity in Federated Learning')).toContain('federated-learning');
    // Too rare in the labelled papers for the model to learn: their queries still decide.
    expect(slugsOf('SimQ-NAS')).toEqual(expect.arrayContaining(['architecture-search', 'quantization']));
    expect(slugsOf('Threshold-Consistent Margin Loss')).toContain('metric-learning');
  });
});

describe('TopicTagger with custom topics', () => {
  it('uses the threshold it is given', () => {
    const topics = [{ slug: 'pruning', query: 'prun*' }];
    const paper = { title: 'T', abstract: 'We compress networks. We prune weights.' };
    expect(new TopicTagger(topics).tag(paper)).toEqual([]);
    expect(new TopicTagger(topics, { threshold: 0.2 }).tag(paper)).toEqual([{ slug: 'pruning', score: 0.283, matched: ['prun*'] }]);
  });

  it('names the topic whose query does not parse', () => {
    const build = () =>
      new TopicTagger([
        { slug: 'ok', query: 'a' },
        { slug: 'broken', query: 'graph (neural' },
      ]);
    expect(build).toThrow(TopicQueryError);
    expect(build).toThrow('topic "broken": missing ")" for the "(" at position 6');
  });

  it('shares term lookups between topics without mixing them up', () => {
    const t = new TopicTagger([
      { slug: 'a', query: 'title:graph' },
      { slug: 'b', query: 'graph -robot' },
      { slug: 'c', query: '*bench' },
    ]);
    const paper = { title: 'Graph Learning', abstract: 'graph graph graph robot', aiKeywords: ['GraphBench'] };
    expect(t.tag(paper).map((x) => x.slug)).toEqual(['a']);
    expect(t.explain(paper, 'c')?.matched).toEqual(['*bench']);
    expect(t.explain(paper, 'missing')).toBeNull();
  });
});
