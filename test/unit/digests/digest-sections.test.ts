import { describe, expect, it } from '@jest/globals';
import { allocate, sectionRef, shares, type RankedReason } from '../../../src/digests/digest.sections.js';
import { PaperSpelling, plainWords, splitKeywordQueries } from '../../../src/digests/reason.words.js';
import { subjectLine } from '../../../src/digests/digest.view-model.js';

const topic = (key: string, rank: number): RankedReason => ({ kind: 'topic', key, label: key, rank });
const keyword = (key: string, rank: number): RankedReason => ({ kind: 'keyword', key, label: key, rank });

describe('allocate', () => {
  it('gives each section its fair share, the unused share to the others, and keywords twice a topic', () => {
    expect(shares([50, 1, 50], 10)).toEqual([5, 1, 4]);
    expect(shares([50, 50], 10, [2, 1])).toEqual([7, 3]);
    expect(shares([2, 0], 10)).toEqual([2, 0]);
  });

  it('shows a paper once, in the explicit keyword section before any topic, and keywords first', () => {
    const broad = Array.from({ length: 30 }, (_, i) => ({ item: i, id: i, reasons: [topic('agents', 0.9 - i / 100)] }));
    const kv = { item: 99, id: 99, reasons: [topic('agents', 0.95), keyword('"KV cache"', 0.5)] };
    const { shown, all, sections } = allocate([...broad, kv], 5);
    expect(shown.map((p) => p.id)).toEqual([99, 0, 1, 2, 3]);
    expect(shown[0].section).toEqual({ kind: 'keyword', key: '"KV cache"', label: '"KV cache"' });
    expect(shown[0].reasons.map((r) => r.kind)).toEqual(['keyword', 'topic']);
    expect(all).toHaveLength(31);
    expect(sections.map((s) => [s.kind, s.shown, s.total])).toEqual([
      ['keyword', 1, 1],
      ['topic', 4, 30],
    ]);
  });

  it('signs short section references for mute links', () => {
    expect(sectionRef({ kind: 'topic', key: 'agents' })).toBe('t-agents');
    expect(sectionRef({ kind: 'keyword', key: '"KV cache"' })).toMatch(/^k-[\w-]{16}$/);
    expect(sectionRef({ kind: 'similar', key: 'x' })).toBeNull();
  });
});

describe('reasons in plain words', () => {
  const paper = new PaperSpelling({
    title: 'OasisKV: Scaling In-Decode KV Cache with Agentic Tool-Calling',
    abstract: 'We study the KV-cache of large language models.',
    aiKeywords: ['speculative decoding'],
  });

  it("spells each matched term as the paper does, without the query's syntax", () => {
    expect(paper.wordsFor(['"kv cache"', '*agent*', 'title:"tool calling"~1', 'LLM'])).toEqual([
      'KV Cache',
      'Agentic',
      'Tool-Calling',
      'large language models',
    ]);
  });

  it('shows a closed-up compound the way the paper hyphenates it', () => {
    const spot = new PaperSpelling({ title: 'SPOT: Sparse Probing for On-Policy Distillation', abstract: 'A vision-language model.' });
    expect(spot.wordsFor(['onpolicy', 'visionlanguage', 'policy'])).toEqual(['On-Policy', 'vision-language', 'Policy']);
  });

  it('drops function words and filler, and repeats nothing', () => {
    expect(paper.wordsFor(['with', 'the', 'scaling', 'Scaling', 'trained'])).toEqual(['Scaling']);
  });

  it('turns a query into plain words and splits keywords at top-level commas', () => {
    expect(plainWords('title:distill* AND "KV cache"~2^1.5 -survey')).toBe('distill "KV cache" survey'.replace(/"/g, ''));
    expect(splitKeywordQueries('"KV cache", "speculative, decoding", (a, b) c')).toEqual(['"KV cache"', '"speculative, decoding"', '(a, b) c']);
  });
});

describe('subject', () => {
  it('says what is inside in at most 70 characters', () => {
    expect(subjectLine(6, [{ label: 'KV cache' }, { label: 'Agents' }, { label: 'LLMs' }, { label: 'Vision' }], 'x')).toBe(
      '6 new papers: KV cache, Agents, LLMs, Vision',
    );
    const long = Array.from({ length: 8 }, (_, i) => ({ label: `A rather long topic name ${i}` }));
    expect(subjectLine(60, long, 'x')).toBe('60 new papers: A rather long topic name 0, +7 topics');
    expect(subjectLine(1, long, 'T'.repeat(200)).length).toBeLessThanOrEqual(70);
  });
});
