import { describe, expect, it } from '@jest/globals';
import { ArxivAtomParser } from '../../../src/papers/parsers/arxiv-atom.parser.js';
import { byId, fileSource, fixture, parseAll, readFixture, rejectionOf, textSource } from './parse-helpers.js';

const parser = new ArxivAtomParser();
const parseFixture = (name: string) => parseAll(parser, fileSource(fixture(name), 1024), name);

const feed = (entries: string) => `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=all:test</title>
${entries}
</feed>
`;

describe('arXiv Atom parser: old format (namespaces declared per element)', () => {
  it('reads the 2019 sample: versionless ids, joined titles, authors, dates, categories', async () => {
    const { papers, skips } = await parseFixture('arxiv_api_atom_2019-08-10_all-science.xml');
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(10);
    expect(papers[0]).toMatchObject({
      arxivId: '1501.05039',
      title: 'Defining Data Science',
      authors: ['Yangyong Zhu', 'Yun Xiong'],
      trendingDate: '2015-01-21',
      arxivUrl: 'https://arxiv.org/abs/1501.05039',
      pdfUrl: 'http://arxiv.org/pdf/1501.05039v1',
      categories: ['cs.DB', 'cs.CY'],
      upvotes: null,
      line: 10,
    });
    expect(papers[0].publishedAt?.toISOString()).toBe('2015-01-21T02:41:55.000Z');
    expect(papers[0].abstract).toMatch(/^Data science is gaining more and more and widespread attention, but no consensus viewpoint/);
    expect(byId(papers, '1503.01162').title).toBe(
      "Report on a Boston University Conference December 7-8, 2012 on 'How Can the History and Philosophy of Science Contribute to Contemporary U.S. Science Teaching?'",
    );
    expect(byId(papers, '1503.01162').authors).toEqual(['Peter Garik', 'Yann Benétreau-Dupin']);
  });

  it('strips the version from old-style ids and keeps only arXiv categories, primary first', async () => {
    const { papers } = await parseFixture('arxiv_api_atom_2019-08-10_all-science.xml');
    const nielsen = byId(papers, 'quant-ph/0210005');
    expect(nielsen.arxivUrl).toBe('https://arxiv.org/abs/quant-ph/0210005');
    expect(nielsen.pdfUrl).toBe('http://arxiv.org/pdf/quant-ph/0210005v1');
    expect(byId(papers, 'physics/0507092').authors).toEqual(['G. Giacomelli', 'R. Giacomelli']);
    // The entry also lists the MSC class "03B70, 68Q99" and ACM classes "F.4.1; F.4.m; K.2".
    expect(byId(papers, '1802.03292').categories).toEqual(['cs.LO']);
  });

  it('reads the 2025 sample', async () => {
    const { papers } = await parseFixture('arxiv_api_atom_2025-10-17_cs.RO.xml');
    expect(papers.map((p) => p.arxivId)).toEqual(['2510.14968', '2510.14827']);
    expect(papers[0].title).toBe('RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon Tasks');
    expect(papers[0].authors).toEqual(['Mingxuan Yan', 'Yuping Wang', 'Zechun Liu', 'Jiachen Li']);
    expect(papers[0].abstract).toMatch(/available at rdd-neurips\.github\.io\.$/);
    expect(papers[1].trendingDate).toBe('2025-10-16');
  });
});

describe('arXiv Atom parser: new format (namespaces on <feed>)', () => {
  it('reads the 2026 sample with https links and old ids', async () => {
    const { papers, skips } = await parseFixture('arxiv_api_atom_2026-07-17_all-nicotine.xml');
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(10);
    expect(papers[0]).toMatchObject({
      arxivId: '1509.01687',
      title: 'Single Molecule Transistor based Nanopore for the detection of Nicotine',
      authors: ['S. J. Ray'],
      pdfUrl: 'https://arxiv.org/pdf/1509.01687v1',
      categories: ['cond-mat.mes-hall', 'physics.comp-ph'],
      trendingDate: '2015-09-05',
    });
    expect(byId(papers, 'q-bio/0509018').authors).toEqual(['Oliver Beckstein', 'Mark S. P. Sansom']);
    expect(byId(papers, '1902.05515').authors).toEqual(['Karine Guimarães']);
    expect(byId(papers, '2603.02047').publishedAt?.toISOString()).toBe('2026-03-02T16:31:07.000Z');
  });
});

describe('arXiv Atom parser: edge cases and rejections', () => {
  it('decodes entities once', async () => {
    const xml = feed(`<entry><id>https://arxiv.org/abs/2401.00001v3</id><published>2024-01-01T10:00:00Z</published>
      <title>Q&amp;A with $p &lt; 0.05$ and &amp;lt;tags&amp;gt;</title><summary>A &#x3b1;-test.</summary>
      <author><name>Jos&#233; Silva</name></author></entry>`);
    const { papers } = await parseAll(parser, textSource(xml));
    expect(papers[0]).toMatchObject({ arxivId: '2401.00001', title: 'Q&A with $p < 0.05$ and &lt;tags&gt;', abstract: 'A α-test.', authors: ['José Silva'] });
  });

  it('reads a feed without entries as no papers', async () => {
    expect(await parseAll(parser, textSource(feed('')))).toEqual({ papers: [], skips: [] });
  });

  it('skips an entry whose id is no arXiv abs URL', async () => {
    const { skips } = await parseAll(parser, textSource(feed('<entry>\n<id>http://example.org/x</id><title>T</title></entry>')));
    expect(skips).toEqual([{ line: 4, reason: 'entry id http://example.org/x is not an arXiv abs URL' }]);
  });

  it('rejects an API error response with its message', async () => {
    const xml = feed(`  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>`);
    const error = await rejectionOf(parseAll(parser, textSource(xml), 'query.xml'));
    expect(error.reason).toBe('arXiv API error: incorrect id format for 1234.12345');
    expect(error.line).toBe(4);
  });

  it('rejects truncated XML at the line where it stops', async () => {
    const text = readFixture('arxiv_api_atom_2025-10-17_cs.RO.xml');
    const cut = text.slice(0, text.indexOf('<author>'));
    const error = await rejectionOf(parseAll(parser, textSource(cut), 'cut.xml'));
    expect(error.line).toBe(cut.trimEnd().split('\n').length);
    expect(error.reason).toBe('truncated XML: unclosed <feed>, <entry>');
  });

  it('rejects malformed XML with the validator’s line', async () => {
    const error = await rejectionOf(parseAll(parser, textSource('<feed>\n<entry>\n<title>x</entry>\n</feed>')));
    expect(error.line).toBe(3);
    expect(error.reason).toMatch(/^invalid XML: .*'title'/);
  });

  it('rejects hostile nesting instead of recursing into it', async () => {
    const deep = `<feed>${'<x>'.repeat(500)}${'</x>'.repeat(500)}</feed>`;
    expect((await rejectionOf(parseAll(parser, textSource(deep)))).reason).toMatch(/^invalid XML: .*nest/i);
  });

  it('rejects XML that is not an Atom feed, naming its root', async () => {
    const error = await rejectionOf(parseAll(parser, fileSource(fixture('arxiv-rss-cs.AI.xml')), 'feed.xml'));
    expect(error.reason).toBe('expected an Atom <feed>, found <rss>');
  });

  it('rejects an empty file', async () => {
    expect((await rejectionOf(parseAll(parser, textSource('\n')))).reason).toBe('empty file');
  });
});
