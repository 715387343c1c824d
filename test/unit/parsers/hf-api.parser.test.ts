import { describe, expect, it } from '@jest/globals';
import { HfApiParser } from '../../../src/papers/parsers/hf-api.parser.js';
import { byId, fileSource, fixture, parseAll, readFixture, rejectionOf, textSource } from './parse-helpers.js';

const parser = new HfApiParser();
const parseFixture = (name: string, options = {}) => parseAll(parser, fileSource(fixture('hf-api', name)), fixture('hf-api', name), options);

const item = (paper: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ paper, title: paper.title, ...extra });

describe('HF Daily Papers API parser: real vintages', () => {
  it('reads a 2024 dump: joined wrapped titles, author lists, the file name as trending day', async () => {
    const { papers, skips } = await parseFixture('2024-09-03.json');
    expect(skips).toEqual([]);
    expect(papers.map((p) => p.arxivId)).toEqual(['2408.17253', '2408.16725']);
    const visionTs = byId(papers, '2408.17253');
    expect(visionTs.title).toBe('VisionTS: Visual Masked Autoencoders Are Free-Lunch Zero-Shot Time Series Forecasters');
    expect(visionTs.authors).toEqual(['Mouxiang Chen', 'Lefei Shen', 'Zhuo Li', 'Xiaoyun Joy Wang', 'Jianling Sun', 'Chenghao Liu']);
    expect(visionTs.abstract).toMatch(/^Foundation models have emerged as a promising approach in time series forecasting \(TSF\)\. Existing/);
    expect(visionTs.abstract).not.toMatch(/\n|\s{2}/);
    // 2024 items have no submittedOnDailyAt: the day comes from the file name.
    expect(visionTs.trendingDate).toBe('2024-09-03');
    expect(visionTs.publishedAt?.toISOString()).toBe('2024-08-30T12:51:55.000Z');
    expect(visionTs.upvotes).toBe(22);
    expect(visionTs.arxivUrl).toBe('https://arxiv.org/abs/2408.17253');
    expect(visionTs.pdfUrl).toBe('https://arxiv.org/pdf/2408.17253');
    expect(visionTs.codeUrl).toBeNull();
    expect(visionTs.aiKeywords).toEqual([]);
    expect(papers.map((p) => p.line)).toEqual([2, 94]);
  });

  it('falls back from the file name to options.date, then to no day at all', async () => {
    const text = readFixture('hf-api', '2024-09-03.json');
    const withDate = await parseAll(parser, textSource(text), 'upload.json', { date: '2024-09-04' });
    expect(withDate.papers[0].trendingDate).toBe('2024-09-04');
    const without = await parseAll(parser, textSource(text), 'upload.json');
    expect(without.papers[0].trendingDate).toBeNull();
  });

  it('reads items written as Python dict reprs (Dec 2024 – Jan 2025 vintage)', async () => {
    const { papers, skips } = await parseFixture('2025-01-02.json');
    expect(skips).toEqual([]);
    expect(papers.map((p) => p.arxivId)).toEqual(['2412.19723', '2412.19638', '2412.20735']);
    const genesis = papers[0];
    expect(genesis.title).toBe('OS-Genesis: Automating GUI Agent Trajectory Construction via Reverse Task Synthesis');
    expect(genesis.authors).toHaveLength(15);
    expect(genesis.authors.slice(0, 2)).toEqual(['Qiushi Sun', 'Kanzhi Cheng']);
    expect(genesis.upvotes).toBe(47);
    expect(genesis.trendingDate).toBe('2025-01-02');
    expect(genesis.publishedAt?.toISOString()).toBe('2024-12-27T16:21:58.000Z');
    expect(papers.map((p) => p.line)).toEqual([2, 3, 4]);
  });

  it('reads the array wrapped in {status, date, count, data}, keeping non-ASCII names', async () => {
    const { papers, skips } = await parseFixture('2025-01-10.json');
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(9);
    expect(papers[0].arxivId).toBe('2501.05441');
    expect(papers[0].title).toBe('The GAN is dead; long live the GAN! A Modern GAN Baseline');
    expect(byId(papers, '2501.05032').authors).toEqual(['Ethem Yağız Çalık', 'Talha Rüzgar Akkuş']);
    expect(papers.every((p) => p.trendingDate === '2025-01-10')).toBe(true);
    expect(papers.map((p) => p.line)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('keeps LaTeX in titles and reads code, project and AI fields of 2025 items', async () => {
    const { papers } = await parseFixture('2025-08-25.json');
    expect(papers).toHaveLength(13);
    expect(byId(papers, '2508.15881').title).toBe('TPLA: Tensor Parallel Latent Attention for Efficient Disaggregated Prefill \\& Decode Inference');
    const agentFly = byId(papers, '2508.16153');
    expect(agentFly.codeUrl).toBe('https://github.com/Agent-on-the-Fly/AgentFly');
    expect(agentFly.aiSummary).toMatch(/^A novel memory-augmented reinforcement/);
    expect(byId(papers, '2508.13650').aiKeywords.slice(0, 3)).toEqual(['sparse autoencoders', 'parameter-efficient', 'concept unlearning']);
    expect(byId(papers, '2508.08240').projectUrl).toBe('https://kaijwang.github.io/odyssey.github.io/');
    expect(byId(papers, '2508.16072').upvotes).toBe(0);
    expect(papers.every((p) => p.trendingDate === '2025-08-25')).toBe(true);
  });

  it('reads a 2026 dump', async () => {
    const { papers } = await parseFixture('2026-07-15.json');
    expect(papers.map((p) => [p.arxivId, p.upvotes, p.trendingDate])).toEqual([
      ['2607.11886', 24, '2026-07-15'],
      ['2607.11111', 3, '2026-07-15'],
    ]);
    expect(papers[0].projectUrl).toBe('https://huangrh99.github.io/SpectraReward/');
  });
});

describe('HF Daily Papers API parser: broken items are skipped, the rest read', () => {
  const good = item({
    id: '2401.00001v2',
    title: 'Q&amp;A  over\n  Tables',
    summary: 'An abstract.',
    upvotes: 3,
    submittedOnDailyAt: '2024-01-03T08:00:00.000Z',
    authors: [
      { name: 'Ana Costa', hidden: false },
      { name: 'Hidden Person', hidden: true },
    ],
  });

  it('skips items without id and title, non-objects and undecodable strings, with their lines', async () => {
    const doc = ['[', JSON.stringify(good) + ',', '{"paper": {}},', '42,', '"{not python}",', '{"paper": {"id": "2401.00002"}}', ']'].join('\n');
    const { papers, skips } = await parseAll(parser, textSource(doc), '2024-01-03.json');
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({
      arxivId: '2401.00001',
      title: 'Q&A over Tables',
      authors: ['Ana Costa', 'Hidden Person'],
      trendingDate: '2024-01-03',
      line: 2,
    });
    expect(skips.map((s) => s.line)).toEqual([3, 4, 5, 6]);
    expect(skips[0].reason).toBe('item has neither paper.id nor a title');
    expect(skips[1].reason).toBe('item is a number, not an object');
    expect(skips[2].reason).toMatch(/neither JSON nor a Python dict/);
    expect(skips[3].reason).toBe('paper 2401.00002 has no title');
  });

  it('skips a 50 MB title with a reason naming its length and the limit', async () => {
    const huge = 'A'.repeat(50 * 1024 * 1024);
    const doc = `[${JSON.stringify(item({ id: '2401.00003', title: huge }))},\n${JSON.stringify(good)}]`;
    const { papers, skips } = await parseAll(parser, textSource(doc), 'big.json');
    expect(skips).toEqual([{ line: 1, reason: 'title is 52428800 characters long (limit 1000)' }]);
    expect(papers.map((p) => p.arxivId)).toEqual(['2401.00001']);
  });

  it('skips an abstract over the limit instead of truncating it', async () => {
    const doc = JSON.stringify([item({ id: '2401.00004', title: 'Long', summary: 'word '.repeat(5000) })]);
    const { papers, skips } = await parseAll(parser, textSource(doc), 'long.json');
    expect(papers).toEqual([]);
    expect(skips[0].reason).toBe('abstract is 24999 characters long (limit 20000)');
  });

  it('accepts an empty array (a day without papers)', async () => {
    expect(await parseAll(parser, textSource('[]\n'), 'x.json')).toEqual({ papers: [], skips: [] });
  });
});

describe('HF Daily Papers API parser: unreadable files are rejected whole', () => {
  const run = (doc: string | Buffer, file = 'dump.json') => rejectionOf(parseAll(parser, textSource(doc), file));

  it('rejects an empty or blank file', async () => {
    expect((await run('')).reason).toBe('empty file');
    expect((await run(' \n\t\n')).reason).toBe('empty file');
  });

  it('rejects truncated JSON with the line where it stops', async () => {
    const text = readFixture('hf-api', '2024-09-03.json');
    const cut = text.slice(0, text.indexOf('"summary"', 2000));
    const error = await run(cut, '2024-09-03.json');
    expect(error.file).toBe('2024-09-03.json');
    expect(error.line).toBe(cut.trimEnd().split('\n').length);
    expect(error.reason).toMatch(/truncated/);
  });

  it('rejects broken JSON with the line of the fault', async () => {
    const error = await run('[\n  {"paper": {"id": "2401.00001",\n  "title": "x" "upvotes": 3}}\n]');
    expect(error.line).toBe(3);
    expect(error.reason).toBe(`invalid JSON: expected ',' or '}', found "\\""`);
  });

  it('rejects JSON of the wrong shape, saying what was expected', async () => {
    const object = await run('{"status": "error", "message": "rate limited"}');
    expect(object.reason).toMatch(/^expected a JSON array of Daily Papers items .* found an object with keys status, message$/);
    expect((await run('[1, 2, 3]')).reason).toMatch(/; no item has "paper" or "title" \(the first is a number\)$/);
    expect((await run('[{"id": "2401.00001"}, {"foo": 1}]')).reason).toMatch(/\(the first is an object without "paper" or "title"\)$/);
  });

  it('rejects a binary file', async () => {
    const error = await run(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), 'image.png');
    expect(error.reason).toMatch(/^binary file/);
    expect(error.line).toBeNull();
  });
});
