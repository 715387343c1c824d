import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { HfPageParser } from '../../../src/papers/parsers/hf-page.parser.js';
import { fileSource, fixture, parseAll, rejectionOf, textSource } from './parse-helpers.js';

const parser = new HfPageParser();
const capture = fromRoot('samples', 'hf-papers-page.txt');
const page = (text: string, date?: string) => parseAll(parser, textSource(text), 'page.txt', date ? { date } : {});

const ABSTRACT_A = 'We study how language models plan over long horizons. '.repeat(5).trim();
const ABSTRACT_B = 'Sparse attention lets video models scale to minutes of footage without losing detail. '.repeat(4).trim();

describe('HF papers page parser: the real capture (plain lines)', () => {
  it('finds all 80 papers with their abstracts, keyed by title (no ids in this layout)', async () => {
    const { papers, skips } = await parseAll(parser, fileSource(capture, 2048), capture, { date: '2024-03-20' });
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(80);
    expect(papers[0]).toMatchObject({
      title: 'Graph Density-Aware Losses for Novel Compositions in Scene Graph Generation',
      arxivId: null,
      arxivUrl: null,
      trendingDate: '2024-03-11',
      line: 11,
    });
    expect(papers[0].abstract).toMatch(/^Scene graph generation \(SGG\) aims to predict graph-structured descriptions/);
    expect(papers[0].abstract).toMatch(/introduce a novel weighted metric\.$/);
    expect(papers[79]).toMatchObject({ title: 'M-FAC: Efficient Matrix-Free Approximations of Second-Order Information', line: 327 });
    expect(papers.map((p) => p.title)).toContain('I&S-ViT: An Inclusive & Stable Method for Pushing the Limit of Post-Training ViTs Quantization');
    expect(papers.map((p) => p.title)).toContain('Poincaré ResNet');
    expect(papers.every((p) => p.abstract !== null && p.abstract.length > 200)).toBe(true);
  });

  it('gives the yearless "Mar 11" the most recent year not in the future when no date is given', async () => {
    const { papers } = await parseAll(parser, fileSource(capture), capture);
    const today = new Date().toISOString().slice(0, 10);
    const thisYear = `${today.slice(0, 4)}-03-11`;
    const expected = thisYear <= today ? thisYear : `${+today.slice(0, 4) - 1}-03-11`;
    expect(papers[0].trendingDate).toBe(expected);
  });

  it('takes the year nearest options.date, across a new year', async () => {
    const { papers } = await page(`Dec 31\n\nA Title Across the Year\n\n${ABSTRACT_A}\n`, '2025-01-02');
    expect(papers[0].trendingDate).toBe('2024-12-31');
    const later = await page(`Mar 11\n\nA Title\n\n${ABSTRACT_A}\n`, '2024-03-10');
    expect(later.papers[0].trendingDate).toBe('2024-03-11');
  });
});

describe('HF papers page parser: other capture layouts', () => {
  it('reads the markdown digest: linked headings, votes, author lists, bullet summaries, ISO date', async () => {
    const file = fixture('hf_daily_papers_markdown_l-yohai_2024-03-11.md');
    const { papers, skips } = await parseAll(parser, fileSource(file), file);
    expect(skips).toEqual([]);
    expect(papers.map((p) => [p.arxivId, p.upvotes, p.line])).toEqual([
      ['2403.05135', 31, 3],
      ['2403.05530', 24, 19],
      ['2403.05525', expect.any(Number), 33],
      ['2403.05185', expect.any(Number), 48],
      ['2403.05438', expect.any(Number), 64],
      ['2403.05121', expect.any(Number), 80],
      ['2403.05034', 9, 94],
    ]);
    const ella = papers[0];
    expect(ella.title).toBe('ELLA: Equip Diffusion Models with LLM for Enhanced Semantic Alignment');
    expect(ella.authors).toEqual(['Yixiao Fang', 'Xiwei Hu', 'Pei Cheng', 'Rui Wang', 'Bin Fu', 'Gang Yu']);
    expect(ella.trendingDate).toBe('2024-03-11');
    expect(ella.arxivUrl).toBe('https://arxiv.org/abs/2403.05135');
    expect(ella.abstract).toMatch(/^ELAA는 저자들이 소개하는/);
    // "+" stands for elided authors in this digest, not for a person.
    expect(papers[1].authors).not.toContain('+');
    expect(papers[1].authors).toHaveLength(22);
  });

  it('reads headings with paper links, vote and author-count lines, wrapped abstracts, dates with a year', async () => {
    const md = [
      '# Daily Papers',
      '',
      '## March 11, 2024',
      '',
      '### [Long-Horizon Planning in Language\n Models](https://huggingface.co/papers/2403.12345)'.replace('\n ', ' '),
      '▲ 42',
      '· 5 authors',
      '',
      '#### Abstract',
      ...ABSTRACT_A.match(/.{1,70}(\s|$)/g)!.map((l) => l.trim()),
      '',
      '### Sparse Attention for &quot;Minute-Long&quot; Video',
      '-',
      'https://github.com/acme/sparse-video',
      'arXiv: 2403.54321v2',
      '',
      `Abstract: ${ABSTRACT_B}`,
    ].join('\n');
    const { papers, skips } = await page(md);
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(2);
    expect(papers[0]).toMatchObject({
      arxivId: '2403.12345',
      title: 'Long-Horizon Planning in Language Models',
      upvotes: 42,
      trendingDate: '2024-03-11',
      abstract: ABSTRACT_A,
      line: 5,
    });
    expect(papers[1]).toMatchObject({
      arxivId: '2403.54321',
      title: 'Sparse Attention for "Minute-Long" Video',
      upvotes: 0,
      codeUrl: 'https://github.com/acme/sparse-video',
      abstract: ABSTRACT_B,
    });
  });

  it('resolves link references', async () => {
    const md = ['## [Reference Style Title][1]', '', ABSTRACT_A, '', '[1]: https://arxiv.org/abs/2403.00077v3 "arXiv"'].join('\n');
    const { papers } = await page(md, '2024-03-12');
    expect(papers[0]).toMatchObject({ arxivId: '2403.00077', title: 'Reference Style Title', trendingDate: '2024-03-12' });
  });

  it('reads plain captures with votes before titles and organisation lines after them', async () => {
    const text = [
      'Mar 11',
      '',
      '12',
      'Title One: Planning',
      'Google DeepMind',
      'Submitted by akhaliq',
      '',
      ABSTRACT_A,
      '',
      '-',
      'Title Two: A Rather Long Title That The Capture Tool Wrapped',
      'Onto A Second Line',
      '',
      ABSTRACT_B,
      '',
    ].join('\n');
    const { papers, skips } = await page(text, '2024-06-01');
    expect(skips).toEqual([]);
    expect(papers.map((p) => [p.title, p.upvotes, p.line, p.trendingDate])).toEqual([
      ['Title One: Planning', 12, 4, '2024-03-11'],
      ['Title Two: A Rather Long Title That The Capture Tool Wrapped Onto A Second Line', 0, 11, '2024-03-11'],
    ]);
  });

  it('reads a capture of titles only as papers without abstracts', async () => {
    const { papers } = await page(['Mar 11, 2024', '', 'First Title Only', '3', '', 'Second Title Only', '1.2k'].join('\n'));
    expect(papers.map((p) => [p.title, p.abstract, p.upvotes])).toEqual([
      ['First Title Only', null, 3],
      ['Second Title Only', null, 1200],
    ]);
  });

  it('reports fragments that belong to no paper', async () => {
    const plain = await page([ABSTRACT_A, '', 'A Title', '', ABSTRACT_B, '', 'Dangling Title'].join('\n'));
    expect(plain.papers.map((p) => p.title)).toEqual(['A Title']);
    expect(plain.skips).toEqual([
      { line: 1, reason: 'abstract-like paragraph without a title' },
      { line: 7, reason: 'no abstract follows "Dangling Title"' },
    ]);
    const md = await page(['Some preface text.', '', '## A Title', ABSTRACT_A].join('\n'));
    expect(md.skips).toEqual([{ line: 1, reason: 'text before the first paper title' }]);
  });

  it('skips a title past the limit', async () => {
    const { papers, skips } = await page([`## ${'Long '.repeat(1000)}`, ABSTRACT_A, '## Fine Title', ABSTRACT_B].join('\n'));
    expect(papers.map((p) => p.title)).toEqual(['Fine Title']);
    expect(skips).toEqual([{ line: 1, reason: 'title is 4999 characters long (limit 1000)' }]);
  });
});

describe('HF papers page parser: rejections', () => {
  it('rejects a capture in which no paper can be found', async () => {
    const error = await rejectionOf(page('new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n'));
    expect(error.reason).toBe('no paper found in the page capture');
  });

  it('rejects empty and binary files', async () => {
    expect((await rejectionOf(page(''))).reason).toBe('empty file');
    const binary = await rejectionOf(parseAll(parser, textSource(Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]))));
    expect(binary.reason).toMatch(/^binary file: contains NUL bytes/);
  });
});

describe('HF papers page parser: only a capture is a capture', () => {
  const SEARCH_VIEW = fixture('hf-page', 'search-view-quantization.md');
  const DAILY = fixture('hf-page', 'daily-page-with-navigation.md');

  it('skips page chrome: a "# Web source" header, navigation, "by AK and the research community", a Subscribe link, pagination and footer', async () => {
    const { papers, skips } = await parseAll(parser, fileSource(DAILY, 1024), DAILY, { date: '2024-03-20' });
    expect(skips).toEqual([]);
    expect(papers.map((p) => [p.title, p.trendingDate])).toEqual([
      ['Sparse Mixtures of Experts for Long-Context Speech Recognition', '2024-03-11'],
      ['Calibrated Uncertainty for Robot Grasping from a Single Depth Image', '2024-03-11'],
      ['Retrieval-Augmented Theorem Proving with Lemma Graphs', '2024-03-11'],
    ]);
    expect(papers[2].abstract).toMatch(/with shorter proofs\.$/);
  });

  it('reads a search-view capture as exactly its papers, with ids and votes', async () => {
    const { papers, skips } = await parseAll(parser, fileSource(SEARCH_VIEW, 1024), SEARCH_VIEW, { date: '2024-03-20' });
    expect(skips).toEqual([]);
    expect(papers.map((p) => [p.arxivId, p.title, p.upvotes])).toEqual([
      ['2402.17764', 'The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits', 612],
      ['2402.04396', 'QuIP#: Even Better LLM Quantization with Hadamard Incoherence and Lattice Codebooks', 17],
      ['2306.00978', 'AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration', 11],
      ['2210.17323', 'GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers', 9],
      ['2208.07339', 'LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale', 6],
    ]);
    expect(papers.every((p) => p.abstract === null)).toBe(true);
  });

  it('rejects text that has none of a capture structure: a letter, a system file, a subscriber CSV, a note', async () => {
    for (const text of [
      'x',
      'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
      'email,topics,keywords\nann@example.org,llm;agents,speculative decoding\n',
      '# Shopping\n\nmilk, eggs\n',
    ]) {
      const error = await rejectionOf(page(text));
      expect(error.reason).toMatch(/^not a Hugging Face papers page capture: no line reads as a paper/);
    }
    expect((await rejectionOf(parseAll(parser, fileSource('/etc/passwd'), '/etc/passwd'))).reason).toMatch(/^no paper found in the page capture/);
  });
});
