import { describe, expect, it } from '@jest/globals';
import { ArxivRssParser } from '../../../src/papers/parsers/arxiv-rss.parser.js';
import { byId, fileSource, fixture, parseAll, rejectionOf, textSource } from './parse-helpers.js';

const parser = new ArxivRssParser();

describe('arXiv RSS parser', () => {
  it('reads every announce type with ids, abstracts, authors, categories and the announcement day', async () => {
    const { papers, skips } = await parseAll(parser, fileSource(fixture('arxiv-rss-cs.AI.xml'), 512), 'cs.AI.xml');
    expect(skips).toEqual([]);
    expect(papers.map((p) => p.arxivId)).toEqual(['2608.14412', '2608.14437', '2608.13990', '2603.08811', '2511.02046']);
    const first = papers[0];
    expect(first).toMatchObject({
      title: 'Planning with Latent World Models for Long-Horizon Web Agents',
      authors: ['María Fernández', 'Tobias Müller', 'Wei Zhang'],
      categories: ['cs.AI', 'cs.CL'],
      arxivUrl: 'https://arxiv.org/abs/2608.14412',
      pdfUrl: 'https://arxiv.org/pdf/2608.14412',
      // The day as arXiv announces it (Eastern time), not the UTC day of the timestamp.
      trendingDate: '2026-08-20',
      line: 17,
    });
    expect(first.abstract).toMatch(/^Web agents built on large language models struggle/);
    expect(first.abstract).toMatch(/calling the language model 3\$\\times\$ less often\.$/);
    expect(first.publishedAt?.toISOString()).toBe('2026-08-20T04:00:00.000Z');
    expect(papers.map((p) => p.line)).toEqual([17, 30, 46, 60, 72]);
  });

  it('decodes entities, joins wrapped abstracts and splits "and"-joined creators', async () => {
    const { papers } = await parseAll(parser, fileSource(fixture('arxiv-rss-cs.AI.xml')), 'cs.AI.xml');
    const tabHop = byId(papers, '2608.14437');
    expect(tabHop.title).toBe('Q&A over Tables: Benchmarking Multi-Hop Reasoning in Spreadsheets');
    expect(tabHop.abstract).toBe(
      'We introduce TabHop, a benchmark of 12,400 questions that require joining information across several spreadsheet tables. ' +
        'Models that score above 90% on single-table question answering drop below 55% on TabHop & the gap widens with the number of hops (p < 0.01).',
    );
    expect(tabHop.authors).toEqual(['Priya Raman', 'Jonas Lindqvist']);
    expect(byId(papers, '2608.13990').authors).toEqual(['Ana Costa', 'Rui Oliveira', 'Mei Lin', "Daniel O'Connor"]);
  });

  it('gives replacements no publication date (the feed only knows the announcement)', async () => {
    const { papers } = await parseAll(parser, fileSource(fixture('arxiv-rss-cs.AI.xml')), 'cs.AI.xml');
    expect(byId(papers, '2608.13990').publishedAt).not.toBeNull();
    expect(byId(papers, '2603.08811').publishedAt).toBeNull();
    expect(byId(papers, '2511.02046').publishedAt).toBeNull();
    expect(byId(papers, '2511.02046').trendingDate).toBe('2026-08-20');
    expect(byId(papers, '2511.02046').categories).toEqual(['q-bio.BM', 'cs.AI', 'cs.LG']);
  });

  it('reads a weekend feed without items as no papers', async () => {
    expect(await parseAll(parser, fileSource(fixture('arxiv-rss-empty.xml')), 'empty.xml')).toEqual({ papers: [], skips: [] });
  });

  it('takes the id from the guid or description when the link is missing', async () => {
    const xml = `<rss version="2.0"><channel><title>x</title><pubDate>Mon, 17 Aug 2026 00:00:00 -0400</pubDate>
<item><title>T1</title><guid>oai:arXiv.org:2608.00001v2</guid><description>arXiv:2608.00001v2 Announce Type: replace Abstract: A.</description></item>
<item><title>T2</title><description>arXiv:2608.00002v1 Announce Type: new
Abstract: B.</description></item>
<item><title>T3</title><description>No header here.</description></item>
</channel></rss>`;
    const { papers, skips } = await parseAll(parser, textSource(xml));
    expect(papers.map((p) => [p.arxivId, p.abstract, p.trendingDate])).toEqual([
      ['2608.00001', 'A.', '2026-08-17'],
      ['2608.00002', 'B.', '2026-08-17'],
    ]);
    expect(skips).toEqual([{ line: 5, reason: 'item has no arXiv id in <link>, <guid> or <description>' }]);
  });

  it('rejects XML that is not RSS, an RSS without channel, and truncated RSS', async () => {
    const atom = await rejectionOf(parseAll(parser, fileSource(fixture('arxiv_api_atom_2025-10-17_cs.RO.xml')), 'a.xml'));
    expect(atom.reason).toBe('expected an RSS <rss>, found <feed>');
    const noChannel = await rejectionOf(parseAll(parser, textSource('<rss version="2.0"></rss>')));
    expect(noChannel.reason).toBe('RSS document without a <channel>');
    const cut = await rejectionOf(parseAll(parser, textSource('<rss version="2.0">\n<channel>\n<item>\n<title>x</title>\n')));
    expect(cut).toMatchObject({ line: 4, reason: 'truncated XML: unclosed <rss>, <channel>, <item>' });
  });
});
