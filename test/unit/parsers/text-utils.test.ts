import { describe, expect, it } from '@jest/globals';
import { LIMITS } from '../../../src/papers/paper.types.js';
import { findArxivId, isArxivId, normalizeArxivId, stripVersion } from '../../../src/papers/parsers/arxiv-id.util.js';
import { scanJson } from '../../../src/papers/parsers/json-scan.js';
import { makePaper, paperEvent } from '../../../src/papers/parsers/paper.util.js';
import { parsePythonLiteral } from '../../../src/papers/parsers/python-literal.js';
import { collectText } from '../../../src/papers/parsers/source.util.js';
import { decodeTexAccents } from '../../../src/papers/parsers/tex.util.js';
import { cleanText, decodeEntities, normalizeWhitespace, rfc2822DatePart, splitAuthorList } from '../../../src/papers/parsers/text.util.js';

describe('text helpers', () => {
  it('collapses whitespace runs, newlines included', () => {
    expect(normalizeWhitespace('  Scaling Laws for\n  Neural\tLanguage   Models \r\n')).toBe('Scaling Laws for Neural Language Models');
  });

  it('decodes entities strictly and once, leaving LaTeX and bare ampersands alone', () => {
    expect(decodeEntities('Q&amp;A &lt;b&gt; &#233;t&#xE9; &quot;x&quot;')).toBe('Q&A <b> été "x"');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeEntities('R&D, AT&T, &not in TeX \\& $a&b$')).toBe('R&D, AT&T, &not in TeX \\& $a&b$');
    expect(cleanText('$\\textit{Foo}$:\n  A &amp; B')).toBe('$\\textit{Foo}$: A & B');
  });

  it('splits author strings on commas and "and", dropping affiliations', () => {
    expect(splitAuthorList('A. Smith (MIT, Cambridge), B. Jones and C. Wu')).toEqual(['A. Smith', 'B. Jones', 'C. Wu']);
    expect(splitAuthorList('Ana Costa, Rui Oliveira, and Alexander Anderson')).toEqual(['Ana Costa', 'Rui Oliveira', 'Alexander Anderson']);
    expect(splitAuthorList('X (Dept. (Physics)), Y')).toEqual(['X', 'Y']);
  });

  it('takes the calendar day of an RFC 2822 date in its own zone', () => {
    expect(rfc2822DatePart('Thu, 20 Aug 2026 00:00:00 -0400')).toBe('2026-08-20');
    expect(rfc2822DatePart('Thu, 31 Feb 2026 00:00:00 -0400')).toBeNull();
  });
});

describe('arXiv ids', () => {
  it('validates new and old id shapes', () => {
    for (const id of ['0704.0001', '2608.16590', 'quant-ph/0210005', 'math.GT/0309136', 'cond-mat/9901001']) expect(isArxivId(id)).toBe(true);
    for (const id of ['2608.165901', '2608.165', 'quant-ph/021000', 'Quant-ph/0210005', '2608.16590v2', '']) expect(isArxivId(id)).toBe(false);
  });

  it('strips versions', () => {
    expect(stripVersion('2501.05441v12')).toBe('2501.05441');
    expect(stripVersion('quant-ph/0210005v1')).toBe('quant-ph/0210005');
    expect(normalizeArxivId(' arXiv:2403.05135v2 ')).toBe('2403.05135');
    expect(normalizeArxivId('hello')).toBeNull();
  });

  it('finds ids in links and citations, not in longer numbers', () => {
    expect(findArxivId('see https://huggingface.co/papers/2403.05135')).toBe('2403.05135');
    expect(findArxivId('![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2403.05135.png)')).toBe('2403.05135');
    expect(findArxivId('https://arxiv.org/pdf/hep-th/9901001v2')).toBe('hep-th/9901001');
    expect(findArxivId('arXiv: 2403.54321v2')).toBe('2403.54321');
    expect(findArxivId('https://arxiv.org/abs/2403.123456')).toBeNull();
    expect(findArxivId('version 2403.05135 of something')).toBeNull();
  });
});

describe('TeX accents in author names', () => {
  it.each([
    ["M\\'etris", 'Métris'],
    ["C. Bal\\'{a}zs", 'C. Balázs'],
    ["{\\'E}mile", 'Émile'],
    ['Fran\\c{c}ois', 'François'],
    ['Fran\\c cois', 'François'],
    ['G\\"{o}del', 'Gödel'],
    ['\\v{S}ime\\v{c}ek', 'Šimeček'],
    ['Ma\\~{n}ana', 'Mañana'],
    ['\\`Ecole', 'Ècole'],
    ['Erd\\H{o}s', 'Erdős'],
    ["L\\'{\\i}a", 'Lía'],
    ['{\\O}rsted', 'Ørsted'],
    ['Gro\\ss', 'Groß'],
    ['\\^{o}', 'ô'],
    ['Plain Name', 'Plain Name'],
  ])('%s → %s', (tex, text) => {
    expect(decodeTexAccents(tex)).toBe(text);
  });
});

describe('Python literals (HF items written with repr())', () => {
  it('reads dicts, lists, strings with both quote styles and escapes, numbers, True/False/None', () => {
    const text = `{'paper': {'id': '2412.19723', 'title': "It's a \\"test\\"\\n  wrapped", 'upvotes': 47, 'score': -1.5e3, 'hidden': False, 'x': None, 'ok': True, 'tags': ['a', 'b',], 'pair': (1, 2), 'u': 'caf\\xe9 \\u4e2d \\\\d'}}`;
    expect(parsePythonLiteral(text)).toEqual({
      paper: {
        id: '2412.19723',
        title: 'It\'s a "test"\n  wrapped',
        upvotes: 47,
        score: -1500,
        hidden: false,
        x: null,
        ok: true,
        tags: ['a', 'b'],
        pair: [1, 2],
        u: 'café 中 \\d',
      },
    });
  });

  it('keeps a __proto__ key as plain data', () => {
    const value = parsePythonLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not a literal', () => {
    expect(() => parsePythonLiteral("{'a': datetime(2024, 1, 1)}")).toThrow(SyntaxError);
    expect(() => parsePythonLiteral("{'a': 'unterminated}")).toThrow('unterminated string');
    expect(() => parsePythonLiteral("{'a': 1} trailing")).toThrow('unexpected text after the literal');
    expect(() => parsePythonLiteral('['.repeat(200))).toThrow('nesting too deep');
  });
});

describe('JSON scan', () => {
  it('records the start line of each item, in a bare array or a {data: [...]} wrapper', () => {
    expect(scanJson('[\n  {"a": 1},\n  {"b": [1,\n 2]},\n  "s"\n]')).toEqual({ itemLines: [2, 3, 5], error: null });
    expect(scanJson('{\n "status": "ok",\n "data": [\n  1,\n  2\n ]\n}').itemLines).toEqual([4, 5]);
  });

  it('locates faults and truncation by line', () => {
    expect(scanJson('[\n{"a": 1}\n{"b": 2}]').error).toEqual({ line: 3, reason: `expected ',' or ']', found "{"` });
    expect(scanJson('[\n{"a": tru}]').error).toEqual({ line: 2, reason: 'unexpected character "t"' });
    expect(scanJson('[\n{"a": "x\\q"}]').error?.reason).toBe('invalid escape sequence \\q in a string');
    expect(scanJson('[\n{"a": "line\nbreak"}]').error?.line).toBe(2);
    expect(scanJson('[\n{"a": 1},\n{"b": \n\n').error).toEqual({ line: 3, reason: 'unexpected end of JSON input: the file is truncated' });
    expect(scanJson('[1] [2]').error?.reason).toBe('unexpected "[" after the end of the JSON document');
    expect(scanJson('[1,]').error?.reason).toBe('unexpected character "]"');
  });

  it('survives hostile nesting', () => {
    expect(scanJson('['.repeat(1_000_000)).error?.reason).toMatch(/truncated/);
  });
});

describe('limits', () => {
  it('refuses a whole document past the size limit while collecting it, without reading further', async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Buffer> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 'a');
      }
    }
    await expect(collectText(endless(), 'huge.json', 10 * 1024)).rejects.toThrow('huge.json: file is larger than 10240 bytes, the limit for this format');
    expect(pulled).toBe(11);
    expect(LIMITS.maxDocumentBytes).toBe(256 * 1024 * 1024);
  });

  it('collects chunks that split a character, dropping a byte order mark', async () => {
    const bytes = Buffer.from('\uFEFFPoincaré', 'utf8');
    expect(
      await collectText(
        (async function* () {
          yield bytes.subarray(0, 11);
          yield bytes.subarray(11);
        })(),
        'x',
      ),
    ).toBe('Poincaré');
  });

  it('cuts author lists past the limit instead of refusing the paper', () => {
    const authors = Array.from({ length: LIMITS.maxAuthors + 154 }, (_, i) => `Author ${i}`);
    const event = paperEvent(7, { title: 'Combined Measurement of the Higgs Boson Mass', authors });
    expect(event.kind).toBe('paper');
    if (event.kind === 'paper') expect(event.paper.authors).toHaveLength(LIMITS.maxAuthors);
  });

  it('skips records without a title', () => {
    expect(paperEvent(3, { title: '  \n ' })).toEqual({ kind: 'skip', line: 3, reason: 'record has no title' });
  });

  it('fills unknown fields and derives arXiv links from the id', () => {
    expect(makePaper({ title: 'T', arxivId: 'hep-th/9901001' })).toMatchObject({
      arxivUrl: 'https://arxiv.org/abs/hep-th/9901001',
      pdfUrl: 'https://arxiv.org/pdf/hep-th/9901001',
      authors: [],
      aiKeywords: [],
      upvotes: null,
    });
  });
});
