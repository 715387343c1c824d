import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { DumpRejectedError } from '../../../src/papers/paper.types.js';
import { detectFormat } from '../../../src/papers/parsers/detect.js';
import { getParser, parserFor } from '../../../src/papers/parsers/index.js';
import { fileSource, fixture, textSource } from './parse-helpers.js';

/** The first 16 KB, decoded the way the ingest layer does it (possibly cutting a character in half). */
const head = (path: string) =>
  readFileSync(path)
    .subarray(0, 16 * 1024)
    .toString('utf8');

function rejection(run: () => unknown): DumpRejectedError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DumpRejectedError);
    return e as DumpRejectedError;
  }
  throw new Error('expected a DumpRejectedError');
}

describe('detectFormat on the real samples', () => {
  it.each([
    ['hf-api/2024-09-03.json', 'hf-api'],
    ['hf-api/2025-01-02.json', 'hf-api'],
    ['hf-api/2025-01-10.json', 'hf-api'],
    ['hf-api/2025-08-25.json', 'hf-api'],
    ['arxiv-snapshot.jsonl', 'arxiv-jsonl'],
    ['arxiv_api_atom_2019-08-10_all-science.xml', 'arxiv-atom'],
    ['arxiv_api_atom_2026-07-17_all-nicotine.xml', 'arxiv-atom'],
    ['arxiv-rss-cs.AI.xml', 'arxiv-rss'],
    ['arxiv-rss-empty.xml', 'arxiv-rss'],
    ['hf_daily_papers_markdown_l-yohai_2024-03-11.md', 'hf-page'],
  ])('%s is %s', (name, format) => {
    expect(detectFormat(head(fixture(name)), name)).toBe(format);
  });

  it('reads the HF page capture as hf-page', () => {
    expect(detectFormat(head(fromRoot('samples', 'hf-papers-page.txt')), 'hf-papers-page.txt')).toBe('hf-page');
  });
});

describe('detectFormat on ambiguous starts', () => {
  it('tells JSON Lines from a pretty-printed or one-line JSON object', () => {
    const record = '{"id":"0704.0001","title":"T","authors":"A"}';
    expect(detectFormat(`${record}\n${record}\n`, 'arxiv-metadata-oai-snapshot.json')).toBe('arxiv-jsonl');
    expect(detectFormat('{\n    "status": "success",\n    "data": [\n', 'x.json')).toBe('hf-api');
    expect(detectFormat('{"status":"success","date":"2025-01-10","data":[]}\n', 'x.json')).toBe('hf-api');
    // A first record longer than the head: no complete line to look at.
    expect(detectFormat(`{"id":"0704.0001","abstract":"${'x'.repeat(20000)}`.slice(0, 16384), 'snapshot.json')).toBe('arxiv-jsonl');
    expect(detectFormat(`{"title":"${'x'.repeat(20000)}`.slice(0, 16384), 'dump.jsonl')).toBe('arxiv-jsonl');
  });

  it('tells a JSON array from markdown that starts with a link', () => {
    expect(detectFormat('[\n  {"paper": {}}\n]', 'a.json')).toBe('hf-api');
    expect(detectFormat('[]', 'a.json')).toBe('hf-api');
    expect(detectFormat('[1, 2, 3]', 'a.json')).toBe('hf-api');
    expect(detectFormat('[3D Gaussians for Everyone](https://huggingface.co/papers/2403.00001)\n', 'a.md')).toBe('hf-page');
    expect(detectFormat('<https://huggingface.co/papers>\n\nMar 11\n', 'a.md')).toBe('hf-page');
  });

  it('ignores a byte order mark and a character cut at the end of the head', () => {
    expect(detectFormat('\uFEFF[\n{"paper": {}}', 'bom.json')).toBe('hf-api');
    expect(detectFormat(Buffer.from('Mar 11\n\nPoincaré', 'utf8').subarray(0, 16), 'cut.txt')).toBe('hf-page');
  });
});

describe('detectFormat rejections', () => {
  it('rejects empty and blank files', () => {
    expect(rejection(() => detectFormat('', 'a.json'))).toMatchObject({ file: 'a.json', line: null, reason: 'empty file' });
    expect(rejection(() => detectFormat('\uFEFF \n\t ', 'a.json')).reason).toBe('empty file');
  });

  it('rejects binary files', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    expect(rejection(() => detectFormat(png, 'x.png')).reason).toBe('binary file: contains NUL bytes');
    const noisy = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(rejection(() => detectFormat(noisy.toString('latin1'), 'x.bin')).reason).toMatch(/^binary file: 134 of the first 400 characters/);
  });

  it('rejects XML that is neither Atom nor RSS, naming its root element', () => {
    const html = '<?xml version="1.0"?>\n<!-- saved page -->\n<!DOCTYPE html>\n<html lang="en"><body>';
    expect(rejection(() => detectFormat(html, 'papers.html')).reason).toBe(
      'unsupported HTML document: root element <html>, expected an Atom <feed> or an RSS <rss>',
    );
    const rdf = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">';
    expect(rejection(() => detectFormat(rdf, 'old.rss')).reason).toBe(
      'unsupported XML document: root element <rdf:RDF>, expected an Atom <feed> or an RSS <rss>',
    );
  });
});

describe('getParser and parserFor', () => {
  it('returns the parser of each format', () => {
    expect(getParser('arxiv-jsonl').format).toBe('arxiv-jsonl');
    expect(getParser('hf-page').format).toBe('hf-page');
  });

  it('detects a streamed file and replays its first chunks to the parser', async () => {
    const { format, events } = await parserFor(fileSource(fixture('arxiv-snapshot.jsonl'), 100), 'arxiv-snapshot.jsonl');
    expect(format).toBe('arxiv-jsonl');
    const ids: Array<string | null> = [];
    for await (const event of events) if (event.kind === 'paper') ids.push(event.paper.arxivId);
    expect(ids).toEqual(['0704.0001', '0704.0002', 'math/0611176', '2403.05135', 'hep-th/9901001']);
  });

  it('uses a given format and options.date', async () => {
    const { format, events } = await parserFor(textSource('Mar 11\n\nA Title\n\n', 'An abstract. '.repeat(20)), 'page.txt', {
      format: 'hf-page',
      date: '2024-03-15',
    });
    expect(format).toBe('hf-page');
    const dates: Array<string | null> = [];
    for await (const event of events) if (event.kind === 'paper') dates.push(event.paper.trendingDate);
    expect(dates).toEqual(['2024-03-11']);
  });

  it('rejects before parsing when detection fails', async () => {
    await expect(parserFor(textSource(''), 'empty.json')).rejects.toThrow('empty.json: empty file');
  });
});
