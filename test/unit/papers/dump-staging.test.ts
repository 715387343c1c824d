import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { openStaging } from '../../../src/papers/dump-staging.js';
import { mergeRows } from '../../../src/papers/ingest.core.js';
import type { PaperRow } from '../../../src/papers/paper.repository.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-staging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function row(key: string, upvotes: number | null, abstract: string | null = null): PaperRow {
  return {
    paperKey: key,
    arxivId: key,
    title: `Paper ${key}`,
    abstract,
    authors: [],
    publishedAt: new Date('2026-01-05T10:00:00Z'),
    trendingDate: '2026-01-05',
    upvotes,
    arxivUrl: null,
    pdfUrl: null,
    codeUrl: null,
    projectUrl: null,
    aiSummary: null,
    aiKeywords: [],
    categories: [],
    source: 'hf-api',
  };
}

/** A dump with repeats: the resume point (a seq) must mean the same paper whichever staging held it. */
const DUMP = [row('a', 1), row('b', 5), row('a', 9, 'later abstract'), row('c', null), row('b', 2), row('d', 3)];

describe('dump staging', () => {
  it('stages a small dump in memory and a large one in a scratch file, with the same order, numbering and merges', () => {
    const small = openStaging(dir, 1000);
    const large = openStaging(dir, 100 * 1024 * 1024);
    for (const r of DUMP) {
      small.add({ ...r }, mergeRows);
      large.add({ ...r }, mergeRows);
    }
    const scratch = () => readdirSync(join(dir, 'staging')).filter((name) => name.endsWith('.sqlite'));
    expect(scratch()).toHaveLength(1); // only the large dump has a scratch file
    const all = small.batch(0, 100);
    expect(all.map((b) => [b.seq, b.row.paperKey, b.row.upvotes, b.row.abstract])).toEqual([
      [1, 'a', 9, 'later abstract'],
      [2, 'b', 5, null],
      [3, 'c', null, null],
      [4, 'd', 3, null],
    ]);
    expect(large.batch(0, 100)).toEqual(all);
    expect(small.batch(2, 1)).toEqual(large.batch(2, 1));
    expect(small.batch(4, 10)).toEqual([]);
    small.close();
    large.close();
    expect(readdirSync(join(dir, 'staging'))).toHaveLength(0);
  });
});
