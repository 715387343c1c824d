import { describe, expect, it } from '@jest/globals';
import { ArxivJsonlParser } from '../../../src/papers/parsers/arxiv-jsonl.parser.js';
import { byId, fixture, parseAll, readFixture, rejectionOf, textSource } from './parse-helpers.js';

const parser = new ArxivJsonlParser();
const snapshot = readFixture('arxiv-snapshot.jsonl');

/** The text as a stream of `size`-byte chunks, so lines and UTF-8 characters straddle chunks. */
async function* chunked(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('arXiv metadata snapshot (JSON Lines) parser', () => {
  it('reads every record: versionless ids, joined titles, parsed authors with TeX accents decoded, v1 dates', async () => {
    const { papers, skips } = await parseAll(parser, chunked(snapshot, 4096), fixture('arxiv-snapshot.jsonl'));
    expect(skips).toEqual([]);
    expect(papers.map((p) => [p.arxivId, p.line])).toEqual([
      ['0704.0001', 1],
      ['0704.0002', 2],
      ['math/0611176', 3],
      ['2403.05135', 4],
      ['hep-th/9901001', 5],
    ]);
    const diphoton = papers[0];
    expect(diphoton.title).toBe('Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
    expect(diphoton.authors).toEqual(['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan']);
    expect(diphoton.publishedAt?.toISOString()).toBe('2007-04-02T19:18:42.000Z');
    expect(diphoton.trendingDate).toBe('2007-04-02');
    expect(diphoton.categories).toEqual(['hep-ph']);
    expect(diphoton.abstract).toMatch(/^A fully differential calculation in perturbative quantum chromodynamics is presented for/);
    expect(diphoton.arxivUrl).toBe('https://arxiv.org/abs/0704.0001');
    expect(diphoton.upvotes).toBeNull();
    expect(byId(papers, 'hep-th/9901001').authors).toEqual(['J. Smith Jr.', 'A. Jones']);
  });

  it('keeps LaTeX in titles and abstracts, decodes entities, splits the author string when unparsed', async () => {
    const { papers } = await parseAll(parser, chunked(snapshot, 4096));
    const metris = byId(papers, 'math/0611176');
    expect(metris.title).toBe('Sur les op\\\'erateurs de Schr\\"odinger \\& leurs spectres');
    expect(metris.abstract).toBe('We study the spectrum of Schr\\"odinger operators $-\\Delta + V$ on compact manifolds & their semiclassical limit.');
    expect(metris.authors).toEqual(['Laurent Métris', 'François Götze']);
    expect(metris.categories).toEqual(['math.SP', 'math-ph', 'math.MP']);
    expect(byId(papers, '0704.0002').abstract).toMatch(/the \$\(k,\\ell\)\$-pebble game with colors/);
    expect(byId(papers, '0704.0002').trendingDate).toBe('2007-03-31');
  });

  it('gives the same result for 1-byte chunks (split UTF-8 characters) and CRLF line ends', async () => {
    const reference = await parseAll(parser, chunked(snapshot, 4096));
    expect(await parseAll(parser, chunked(snapshot, 1))).toEqual(reference);
    expect(await parseAll(parser, chunked(snapshot.replace(/\n/g, '\r\n'), 7))).toEqual(reference);
    expect(await parseAll(parser, chunked(`\uFEFF${snapshot}`, 3))).toEqual(reference);
  });

  it('skips a broken line with its number and the JSON error, reading the others', async () => {
    const lines = snapshot.trimEnd().split('\n');
    const text = [
      lines[0],
      '',
      lines[1],
      '{"id": "0704.0003", "title": "cut',
      '[1, 2]',
      '{"title": "no id"}',
      '{"id": "not-an-id", "title": "x"}',
      lines[3],
      '',
    ].join('\n');
    const { papers, skips } = await parseAll(parser, textSource(text));
    expect(papers.map((p) => [p.arxivId, p.line])).toEqual([
      ['0704.0001', 1],
      ['0704.0002', 3],
      ['2403.05135', 8],
    ]);
    expect(skips.map((s) => s.line)).toEqual([4, 5, 6, 7]);
    expect(skips[0].reason).toMatch(/^invalid JSON: (Unterminated string|Unexpected end)/);
    expect(skips.slice(1).map((s) => s.reason)).toEqual(['line is not a JSON object', 'record has no id', 'id "not-an-id" is not an arXiv id']);
  });

  it('skips a 50 MB line without accumulating it, and reads the lines around it', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'A');
    let peak = 0;
    const base = process.memoryUsage();
    async function* source(): AsyncIterable<Buffer | string> {
      yield '{"id":"2401.00001","title":"Before"}\n{"id":"2401.00002","title":"';
      for (let i = 0; i < 50; i++) {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - base.heapUsed - base.arrayBuffers);
        yield megabyte; // the same buffer each time: only the parser could make memory grow
      }
      yield '"}\n{"id":"2401.00003","title":"After"}\n';
    }
    const { papers, skips } = await parseAll(parser, source());
    expect(skips).toEqual([{ line: 2, reason: 'line is longer than 4 MiB' }]);
    expect(papers.map((p) => [p.arxivId, p.title, p.line])).toEqual([
      ['2401.00001', 'Before', 1],
      ['2401.00003', 'After', 3],
    ]);
    expect(peak).toBeLessThan(30 * 1024 * 1024);
  });

  it('rejects a file whose first lines are not JSON at all', async () => {
    const csv = 'id,title\n' + Array.from({ length: 20 }, (_, i) => `2401.0000${i},Paper ${i}`).join('\n');
    const error = await rejectionOf(parseAll(parser, textSource(csv), 'papers.csv'));
    expect(error).toMatchObject({ file: 'papers.csv', line: 1, reason: 'not JSON Lines: the first 10 lines are not JSON' });
  });

  it('rejects empty, blank and binary files', async () => {
    expect((await rejectionOf(parseAll(parser, textSource('')))).reason).toBe('empty file');
    expect((await rejectionOf(parseAll(parser, textSource('\n\r\n  \n')))).reason).toBe('empty file');
    const gzip = Buffer.from('1f8b0800000000000003cb48cdc9c95728cf2fca49e10200d0c3c2a50d000000', 'hex');
    expect((await rejectionOf(parseAll(parser, textSource(gzip), 'snapshot.json.gz'))).reason).toMatch(/^binary file/);
  });

  // Its speed is measured by `npm run bench -- ingest`, never asserted here.
  it('reads every line of a 60,000-line file split into 1 MB chunks', async () => {
    const lines = snapshot.trimEnd().split('\n');
    const count = 60_000;
    const body = Array.from({ length: count }, (_, i) => lines[i % lines.length]).join('\n') + '\n';
    const { papers, skips } = await parseAll(parser, chunked(body, 1 << 20));
    expect(papers).toHaveLength(count);
    expect(skips).toEqual([]);
  });
});
