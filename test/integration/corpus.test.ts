import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';
import { readDb } from '../support/db.js';

const CORPUS = fromRoot('../shared/data/hf-daily-papers');
const dir = mkdtempSync(join(tmpdir(), 'paperboy-corpus-'));
const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, VAR_DIR: join(dir, 'var') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sighting {
  upvotes: number;
  day: string;
}

/** What the corpus holds, read independently of the parsers: items are JSON objects or Python-repr strings. */
function corpusSightings(files: string[]): Map<string, Sighting[]> {
  const seen = new Map<string, Sighting[]>();
  for (const file of files) {
    const data = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
    const items: unknown[] = Array.isArray(data) ? data : data.data;
    for (const item of items) {
      const text = typeof item === 'string' ? item : JSON.stringify(item);
      const id = /["']id["']: ?["'](\d{4}\.\d{4,5})["']/.exec(text)?.[1];
      const upvotes = Number(/["']upvotes["']: ?(\d+)/.exec(text)?.[1] ?? 0);
      if (id) seen.set(id, [...(seen.get(id) ?? []), { upvotes, day: file.slice(0, 10) }]);
    }
  }
  return seen;
}

describe('the 580-day Hugging Face corpus', () => {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const sightings = corpusSightings(files);

  it('stores exactly one paper per distinct paper.id, and a second ingest adds none', async () => {
    const first = await runCli(['ingest', '--json', ...files.map((f) => join(CORPUS, f))], env);
    expect(first.code).toBe(0);
    const reports = JSON.parse(first.stdout) as { new: number; rejected?: unknown }[];
    expect(reports).toHaveLength(580);
    expect(reports.filter((r) => r.rejected)).toEqual([]);
    const [{ n }] = readDb<{ n: number }>(env.DATABASE_URL.slice(7), 'SELECT count(*) AS n FROM papers');
    expect(n).toBe(sightings.size);
    const again = await runCli(['ingest', '--json', ...files.map((f) => join(CORPUS, f))], env);
    expect((JSON.parse(again.stdout) as { new: number }[]).reduce((s, r) => s + r.new, 0)).toBe(0);
  }, 180_000);

  it('keeps the higher upvotes and the later trending day of a paper that trended twice', () => {
    const twice = [...sightings].filter(([, s]) => new Set(s.map((x) => x.day)).size > 1);
    expect(twice.length).toBeGreaterThan(0);
    for (const [id, s] of twice) {
      const [row] = readDb<{ upvotes: number; trending_date: string }>(
        env.DATABASE_URL.slice(7),
        'SELECT upvotes, trending_date FROM papers WHERE paper_key = ?',
        [id],
      );
      expect(row).toEqual({
        upvotes: Math.max(...s.map((x) => x.upvotes)),
        trending_date: s
          .map((x) => x.day)
          .sort()
          .pop(),
      });
    }
  });

  it('lists papers with their topics in the contract shape', async () => {
    const res = await runCli(['papers', 'list', '--json', '--since', '2026-08-21'], env);
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout) as { arxivId: string; trendingDate: string; topics: { slug: string; matched: string[] }[] }[];
    expect(list.length).toBe([...sightings.values()].filter((s) => s.some((x) => x.day === '2026-08-21')).length);
    expect(list.every((p) => p.trendingDate === '2026-08-21' && /^\d{4}\.\d{4,5}$/.test(p.arxivId))).toBe(true);
    expect(list.some((p) => p.topics.length > 0 && p.topics.every((t) => t.matched.length > 0))).toBe(true);
  });
});
