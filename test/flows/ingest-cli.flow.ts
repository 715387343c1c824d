import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';
import { papersSnapshot, type CliDatabase, type OpenCliDatabase } from '../support/db.js';

/**
 * `paperboy ingest` and `papers list` as a user runs them: the upsert rules, and dumps rejected
 * whole with nothing stored. Run on SQLite by test/e2e/ingest.cli.test.ts and on PostgreSQL by
 * test/integration/postgres.test.ts.
 */
export function describeIngestCli(open: OpenCliDatabase): void {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-'));
  let db: CliDatabase;
  const cli = (args: string[]) => runCli(args, { DATABASE_URL: db.url, VAR_DIR: join(dir, 'var') });
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
        authors: [
          { name: 'Ada Lovelace', hidden: false },
          { name: 'Alan Turing', hidden: false },
        ],
        publishedAt: `${day}T00:00:00.000Z`,
        submittedOnDailyAt: `${day}T12:00:00.000Z`,
        upvotes,
      },
      title,
      publishedAt: `${day}T00:00:00.000Z`,
    };
  }

  beforeAll(async () => {
    db = await open();
    const first = await cli(['ingest', '--json', fixture('arxiv_api_atom_2025-10-17_cs.RO.xml')]);
    expect(first.code).toBe(0);
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('paperboy ingest', () => {
    it('stores a paper once, keeping its higher upvotes and later trending day', async () => {
      const day1 = write('2026-01-05.json', JSON.stringify([hfItem('2601.00001', 'Twice Trending', 40, '2026-01-05')]));
      const day2 = write('2026-01-07.json', JSON.stringify([hfItem('2601.00001', 'Twice Trending', 90, '2026-01-07')]));
      const later = await cli(['ingest', '--json', day2]);
      expect(later.code).toBe(0);
      const earlier = await cli(['ingest', '--json', day1]);
      expect(JSON.parse(earlier.stdout)[0]).toMatchObject({ read: 1, new: 0, updated: 0, unchanged: 1 });
      const rows = await db.rows<{ upvotes: number; trending_date: string }>("SELECT * FROM papers WHERE paper_key = '2601.00001'");
      expect(rows).toEqual([expect.objectContaining({ upvotes: 90, trending_date: '2026-01-07' })]);
    });

    it('reports 0 new when the same dump is ingested again', async () => {
      const again = await cli(['ingest', '--json', fixture('arxiv_api_atom_2025-10-17_cs.RO.xml')]);
      expect(again.code).toBe(0);
      const [report] = JSON.parse(again.stdout);
      expect(report.new).toBe(0);
      expect(report.read).toBeGreaterThan(0);
    });

    it('lists papers in the contract shape', async () => {
      const res = await cli(['papers', 'list', '--json']);
      expect(res.code).toBe(0);
      const list = JSON.parse(res.stdout);
      expect(list.length).toBeGreaterThan(1);
      for (const p of list) {
        expect(Object.keys(p)).toEqual(
          expect.arrayContaining(['id', 'arxivId', 'title', 'authors', 'publishedAt', 'trendingDate', 'upvotes', 'url', 'topics']),
        );
        expect(Array.isArray(p.authors)).toBe(true);
      }
    });

    it('lists papers with their topics and matched words, and filters by topic', async () => {
      type Listed = { id: number; topics: { slug: string; matched: string[] }[] };
      const all = JSON.parse((await cli(['papers', 'list', '--json'])).stdout) as Listed[];
      const robotics = all.filter((p) => p.topics.some((t) => t.slug === 'robotics'));
      expect(robotics.length).toBeGreaterThan(0);
      expect(robotics.length).toBeLessThan(all.length);
      for (const p of robotics) expect(p.topics.find((t) => t.slug === 'robotics')!.matched.length).toBeGreaterThan(0);
      const filtered = await cli(['papers', 'list', '--topic', 'robotics', '--json']);
      expect(filtered.code).toBe(0);
      expect((JSON.parse(filtered.stdout) as Listed[]).map((p) => p.id)).toEqual(robotics.map((p) => p.id));
    });
  });

  describe('paperboy ingest rejects hostile input whole, exit 2, naming file, line and reason', () => {
    const cases: [string, () => string, RegExp][] = [
      ['an empty file', () => write('empty.json', ''), /empty\.json.*empty/i],
      [
        'truncated JSON',
        () => write('truncated.json', JSON.stringify([hfItem('2601.00002', 'Cut Short', 3, '2026-01-08')], null, 2).slice(0, 150)),
        /truncated\.json:\d+: /,
      ],
      ['JSON of the wrong shape', () => write('shape.json', JSON.stringify({ papers: 'none' })), /shape\.json.*(array|shape|expected)/i],
      ['XML that is neither Atom nor RSS', () => write('other.xml', '<?xml version="1.0"?>\n<html><body>hi</body></html>'), /other\.xml.*html/i],
      ['a binary file', () => write('binary.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 255, 254])), /binary\.json.*binary/i],
      ['a file that does not exist', () => join(dir, 'missing.json'), /missing\.json.*does not exist/],
      ['a 50 MB title', () => write('huge.json', JSON.stringify([hfItem('2601.00003', 'x'.repeat(50 * 1024 * 1024), 1, '2026-01-08')])), /huge\.json.*title/i],
    ];

    it.each(cases)('%s', async (_name, make, message) => {
      const file = make();
      const before = await papersSnapshot(db);
      const res = await cli(['ingest', file]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).toContain('nothing stored');
      expect(await papersSnapshot(db)).toBe(before);
    });

    const line = (id: string) =>
      JSON.stringify({
        id,
        title: `Paper ${id}`,
        abstract: 'About things.',
        authors: 'A. One and B. Two',
        categories: 'cs.LG',
        versions: [{ version: 'v1', created: 'Mon, 5 Jan 2026 10:00:00 GMT' }],
        update_date: '2026-01-05',
      });

    it('skips and counts one broken JSON Lines record; --strict rejects the file', async () => {
      const file = write('snapshot.jsonl', [line('2601.10001'), '{"id": "2601.10002", "title": ', line('2601.10003')].join('\n') + '\n');
      const before = await papersSnapshot(db);
      const strict = await cli(['ingest', '--strict', file]);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toMatch(/snapshot\.jsonl:2: .*strict/);
      expect(await papersSnapshot(db)).toBe(before);
      const lenient = await cli(['ingest', '--json', file]);
      expect(lenient.code).toBe(0);
      expect(JSON.parse(lenient.stdout)[0]).toMatchObject({ read: 2, new: 2, skipped: 1, skips: [{ line: 2 }] });
    });

    it('rolls back the batches already written when --strict meets a broken line late in the file', async () => {
      // More good lines than one write batch (500), so rows reach the database before the bad line does.
      const good = Array.from({ length: 600 }, (_, i) => line(`2602.${String(20000 + i)}`));
      const file = write('late-break.jsonl', [...good, '{"id": "2602.29999", "title": '].join('\n') + '\n');
      const before = await papersSnapshot(db);
      const strict = await cli(['ingest', '--strict', file]);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toMatch(/late-break\.jsonl:601: /);
      expect(await papersSnapshot(db)).toBe(before);
    });

    it('answers bad usage with exit 2', async () => {
      const res = await cli(['ingest', '--format', 'pdf', 'x.json']);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/pdf/);
    });
  });
}
