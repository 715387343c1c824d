import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';
import { papersSnapshot, readDb } from '../support/db.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-'));
const dbPath = join(dir, 'paperboy.sqlite');
const env = { DATABASE_URL: `sqlite:${dbPath}`, VAR_DIR: join(dir, 'var') };
const fixture = (name: string) => fromRoot('test/fixtures', name);
const write = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

function hfItem(id: string, title: string, upvotes: number, day: string) {
  return {
    paper: {
      id,
      title,
      summary: `An abstract about ${title}.`,
      authors: [{ name: 'Ada Lovelace', hidden: false }, { name: 'Alan Turing', hidden: false }],
      publishedAt: `${day}T00:00:00.000Z`,
      submittedOnDailyAt: `${day}T12:00:00.000Z`,
      upvotes,
    },
    title,
    publishedAt: `${day}T00:00:00.000Z`,
  };
}

beforeAll(async () => {
  const first = await runCli(['ingest', '--json', fixture('arxiv_api_atom_2025-10-17_cs.RO.xml')], env);
  expect(first.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paperboy ingest', () => {
  it('stores a paper once, keeping its higher upvotes and later trending day', async () => {
    const day1 = write('2026-01-05.json', JSON.stringify([hfItem('2601.00001', 'Twice Trending', 40, '2026-01-05')]));
    const day2 = write('2026-01-07.json', JSON.stringify([hfItem('2601.00001', 'Twice Trending', 90, '2026-01-07')]));
    const later = await runCli(['ingest', '--json', day2], env);
    expect(later.code).toBe(0);
    const earlier = await runCli(['ingest', '--json', day1], env);
    expect(JSON.parse(earlier.stdout)[0]).toMatchObject({ read: 1, new: 0, updated: 0, unchanged: 1 });
    const rows = readDb<{ upvotes: number; trending_date: string }>(dbPath, "SELECT * FROM papers WHERE paper_key = '2601.00001'");
    expect(rows).toEqual([expect.objectContaining({ upvotes: 90, trending_date: '2026-01-07' })]);
  });

  it('reports 0 new when the same dump is ingested again', async () => {
    const again = await runCli(['ingest', '--json', fixture('arxiv_api_atom_2025-10-17_cs.RO.xml')], env);
    expect(again.code).toBe(0);
    const [report] = JSON.parse(again.stdout);
    expect(report.new).toBe(0);
    expect(report.read).toBeGreaterThan(0);
  });

  it('lists papers in the contract shape', async () => {
    const res = await runCli(['papers', 'list', '--json'], env);
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout);
    expect(list.length).toBeGreaterThan(1);
    for (const p of list) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['id', 'arxivId', 'title', 'authors', 'publishedAt', 'trendingDate', 'upvotes', 'url', 'topics']));
      expect(Array.isArray(p.authors)).toBe(true);
    }
  });
});

describe('paperboy ingest rejects hostile input whole, exit 2, naming file, line and reason', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => write('empty.json', ''), /empty\.json.*empty/i],
    ['truncated JSON', () => write('truncated.json', JSON.stringify([hfItem('2601.00002', 'Cut Short', 3, '2026-01-08')], null, 2).slice(0, 150)), /truncated\.json:\d+: /],
    ['JSON of the wrong shape', () => write('shape.json', JSON.stringify({ papers: 'none' })), /shape\.json.*(array|shape|expected)/i],
    ['XML that is neither Atom nor RSS', () => write('other.xml', '<?xml version="1.0"?>\n<html><body>hi</body></html>'), /other\.xml.*html/i],
    ['a binary file', () => write('binary.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 255, 254])), /binary\.json.*binary/i],
    ['a file that does not exist', () => join(dir, 'missing.json'), /missing\.json.*does not exist/],
    ['a 50 MB title', () => write('huge.json', JSON.stringify([hfItem('2601.00003', 'x'.repeat(50 * 1024 * 1024), 1, '2026-01-08')])), /huge\.json.*title/i],
  ];

  it.each(cases)('%s', async (_name, make, message) => {
    const file = make();
    const before = papersSnapshot(dbPath);
    const res = await runCli(['ingest', file], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toContain('nothing stored');
    expect(papersSnapshot(dbPath)).toBe(before);
  });

  it('skips and counts one broken JSON Lines record; --strict rejects the file', async () => {
    const line = (id: string) => JSON.stringify({ id, title: `Paper ${id}`, abstract: 'About things.', authors: 'A. One and B. Two', categories: 'cs.LG', versions: [{ version: 'v1', created: 'Mon, 5 Jan 2026 10:00:00 GMT' }], update_date: '2026-01-05' });
    const file = write('snapshot.jsonl', [line('2601.10001'), '{"id": "2601.10002", "title": ', line('2601.10003')].join('\n') + '\n');
    const before = papersSnapshot(dbPath);
    const strict = await runCli(['ingest', '--strict', file], env);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/snapshot\.jsonl:2: .*strict/);
    expect(papersSnapshot(dbPath)).toBe(before);
    const lenient = await runCli(['ingest', '--json', file], env);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout)[0]).toMatchObject({ read: 2, new: 2, skipped: 1, skips: [{ line: 2 }] });
  });

  it('answers bad usage with exit 2', async () => {
    const res = await runCli(['ingest', '--format', 'pdf', 'x.json'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/pdf/);
  });
});
