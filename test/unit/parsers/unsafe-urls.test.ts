import { describe, expect, it } from '@jest/globals';
import { httpUrl } from '../../../src/common/http-url.js';
import { ArxivAtomParser, HfApiParser, HfPageParser } from '../../../src/papers/parsers/index.js';
import { parseAll, textSource } from './parse-helpers.js';

const HOSTILE = [
  'javascript:alert(document.cookie)',
  ' JavaScript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  'vbscript:msgbox',
  '//evil.example/x',
  'https://',
  'http://exa mple.org',
];

describe('only http(s) links are kept from dumps', () => {
  it('httpUrl keeps absolute http(s) URLs and nothing else', () => {
    expect(httpUrl('https://github.com/a/b')).toBe('https://github.com/a/b');
    expect(httpUrl(' http://example.org/x ')).toBe('http://example.org/x');
    for (const bad of HOSTILE) expect(httpUrl(bad)).toBeNull();
  });

  it('HF API: a javascript: code link or a data: project page is dropped, the paper kept', async () => {
    const items = HOSTILE.map((url, i) => ({
      paper: { id: `2401.0000${i}`, title: `Paper ${i}`, summary: 'An abstract.', githubRepo: url, projectPage: url, upvotes: 1 },
    }));
    const { papers, skips } = await parseAll(new HfApiParser(), textSource(JSON.stringify(items)), '2024-01-02.json');
    expect(skips).toEqual([]);
    expect(papers).toHaveLength(HOSTILE.length);
    for (const p of papers) expect([p.codeUrl, p.projectUrl]).toEqual([null, null]);
    const safe = await parseAll(
      new HfApiParser(),
      textSource(JSON.stringify([{ paper: { id: '2401.00009', title: 'Safe', githubRepo: 'https://github.com/a/b' } }])),
      '2024-01-02.json',
    );
    expect(safe.papers[0].codeUrl).toBe('https://github.com/a/b');
  });

  it('arXiv Atom: a javascript: pdf link is dropped for the one derived from the id', async () => {
    const xml = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>T</title><summary>S</summary>
      <link title="pdf" href="javascript:alert(1)" rel="related" type="application/pdf"/></entry></feed>`;
    const { papers } = await parseAll(new ArxivAtomParser(), textSource(xml), 'feed.xml');
    expect(papers[0].pdfUrl).toBe('https://arxiv.org/pdf/2401.00001');
  });

  it('HF page capture: a javascript: link is neither a code link nor part of a title', async () => {
    const text =
      '## [A Paper About Agents](javascript:alert(1))\n\n[Code](javascript:alert(2))\n\nAn abstract long enough to be one, about agents that plan. It has two sentences, and it says so.\n';
    const { papers } = await parseAll(new HfPageParser(), textSource(text), 'page.md');
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({ title: 'A Paper About Agents', codeUrl: null, projectUrl: null, arxivUrl: null });
    expect(JSON.stringify(papers[0])).not.toMatch(/javascript/i);
  });
});
