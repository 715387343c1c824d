import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clock } from '../../src/common/clock.js';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import type { StartApp, TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, titlesIn } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

const CAPTURE = fromRoot('test/fixtures/trust/hf-page-2026-08-19.txt');
const API_DUMP = fromRoot('test/fixtures/trust/hf-api-2026-08-19.json');
const THREE = ['2608.17271', '2608.17512', '2608.14036'];
const at = (iso: string) => new Date(iso);

interface Row {
  id: number;
  paper_key: string;
  arxiv_id: string | null;
  title: string;
  code_url: string | null;
  upvotes: number | null;
  available_at: string | Date;
}

/**
 * One paper, one entry: a page capture keyed by title, then the day's API dump with arXiv ids.
 * Run on SQLite by test/e2e/trust.identity.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describePaperIdentity(start: StartApp): void {
  let t: TestApp;
  let sink: SmtpSink;
  const ingest = (file: string, options = {}) => t.app.get(IngestService).ingestFile(file, options);
  const papers = () => queryApp<Row>(t.app, 'SELECT id, paper_key, arxiv_id, title, code_url, upvotes, available_at FROM papers ORDER BY id');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '10' });
    await clearPapers(t.app);
    await addConfirmed(t.app, 'reader@example.org', { topics: [], keywords: 'title:superintelligence, title:navigation, title:"agent skills"', hour: 0 });
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('one paper, one entry', () => {
    let captured: Row[];

    it('stores a page capture of three papers of 2026-08-19 by title, and mails them', async () => {
      t.app.get(Clock).set(at('2026-08-19T06:00:00Z'));
      const report = await ingest(CAPTURE, { format: 'hf-page', date: '2026-08-19' });
      expect(report).toMatchObject({ read: 3, new: 3 });
      captured = await papers();
      expect(captured.map((p) => p.arxiv_id)).toEqual([null, null, null]);
      expect(captured.every((p) => p.paper_key.startsWith('t:'))).toBe(true);
      const sent = await t.app.get(DigestService).run({}, 'cli', at('2026-08-19T08:00:00Z'));
      expect(sent).toMatchObject({ sent: 1 });
      await sink.waitFor(1);
      expect(titlesIn(sink.messages[0].parsed)).toHaveLength(3);
    });

    it("after that day's API dump, the three are three papers, each with its arXiv id, the same rows", async () => {
      t.app.get(Clock).set(at('2026-08-19T10:00:00Z'));
      const report = await ingest(API_DUMP);
      expect(report).toMatchObject({ read: 26, new: 23, updated: 3 });
      const all = await papers();
      expect(all).toHaveLength(26);
      for (const before of captured) {
        const now = all.find((p) => p.id === before.id)!;
        expect(THREE).toContain(now.arxiv_id);
        expect(now.paper_key).toBe(now.arxiv_id);
        expect(now.code_url).toMatch(/^https:\/\/github\.com\//); // the best of both records
        expect(now.upvotes).toBeGreaterThan(0);
        expect(String(now.available_at)).toBe(String(before.available_at)); // never news again
      }
      expect(new Set(all.map((p) => p.arxiv_id)).size).toBe(26);
    });

    it('never mails them twice as new papers', async () => {
      await t.app.get(DigestService).run({}, 'cli', at('2026-08-20T08:00:00Z'));
      const titles = sink.to('reader@example.org').flatMap((m) => titlesIn(m.parsed));
      expect(titles.length).toBeGreaterThanOrEqual(3);
      expect(new Set(titles).size).toBe(titles.length);
    });

    it('a capture of papers already stored with arXiv ids adds nothing', async () => {
      const report = await ingest(CAPTURE, { format: 'hf-page', date: '2026-08-19' });
      expect(report).toMatchObject({ read: 3, new: 0 });
      expect(await papers()).toHaveLength(26);
    });

    it('the same title from two dumps, and an arXiv v2, are one paper', async () => {
      const dir = t.dir;
      const md = join(dir, 'capture.md');
      writeFileSync(
        md,
        '# Daily Papers\n\n## Aug 21\n\n### A Title Only Seen In Captures: Part One\n\nWe study a problem that matters to everyone who reads papers. Our method solves it well on three benchmarks.\n',
      );
      const plain = join(dir, 'capture.txt');
      writeFileSync(
        plain,
        'Daily Papers\n\nAug 21\n\nA title only seen in captures — part one\n\nWe study a problem that matters to everyone who reads papers. Our method solves it well on three benchmarks. It is longer this time.\n',
      );
      await ingest(md, { format: 'hf-page', date: '2026-08-21' });
      await ingest(plain, { format: 'hf-page', date: '2026-08-21' });
      const atom = (v: number) => `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2608.99999v${v}</id>
        <published>2026-08-21T00:00:00Z</published><updated>2026-08-2${v}T00:00:00Z</updated><title>A Title Only Seen In Captures: Part One</title>
        <summary>Version ${v} of the abstract.</summary><author><name>A. Author</name></author></entry></feed>`;
      for (const v of [1, 2]) {
        writeFileSync(join(dir, `v${v}.xml`), atom(v));
        await ingest(join(dir, `v${v}.xml`), { format: 'arxiv-atom' });
      }
      const rows = (await papers()).filter((p) => /captures/i.test(p.title));
      expect(rows).toHaveLength(1);
      expect(rows[0].arxiv_id).toBe('2608.99999');
    });

    it('two rows of one paper stored before (a title row and an arXiv row) fold into the arXiv row, keeping the earlier availability', async () => {
      const dir = t.dir;
      writeFileSync(
        join(dir, 'dup.txt'),
        'Daily Papers\n\nAug 21\n\nA Paper Stored Twice\n\nWe study a problem that matters to everyone who reads papers. Our method solves it well on three benchmarks.\n',
      );
      await ingest(join(dir, 'dup.txt'), { format: 'hf-page', date: '2026-08-21' });
      const [titleRow] = (await papers()).filter((p) => p.title === 'A Paper Stored Twice');
      await queryApp(t.app, 'UPDATE papers SET paper_key = ? WHERE id = ?', ['hidden', titleRow.id]); // as if stored before identities were resolved
      const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2608.88888v1</id>
        <published>2026-08-21T00:00:00Z</published><title>A Paper Stored Twice</title><summary>The arXiv abstract.</summary><author><name>B. Author</name></author></entry></feed>`;
      writeFileSync(join(dir, 'dup.xml'), atom);
      t.app.get(Clock).set(at('2026-08-22T10:00:00Z'));
      await ingest(join(dir, 'dup.xml'), { format: 'arxiv-atom' });
      await queryApp(t.app, 'UPDATE papers SET paper_key = ? WHERE id = ?', [titleRow.paper_key, titleRow.id]);
      expect((await papers()).filter((p) => p.title === 'A Paper Stored Twice')).toHaveLength(2);
      await ingest(join(dir, 'dup.xml'), { format: 'arxiv-atom' });
      const rows = (await papers()).filter((p) => p.title === 'A Paper Stored Twice');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ arxiv_id: '2608.88888', paper_key: '2608.88888' });
      expect(String(rows[0].available_at)).toBe(String(titleRow.available_at));
    });
  });
}
