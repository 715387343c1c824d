import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock.js';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { DigestViewService, previewJson } from '../../src/digests/digest-view.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import type { StartApp, TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, titlesIn } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

type Item = { paper: Record<string, unknown> & { title: string } };
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const AUG19: Item[] = JSON.parse(readFileSync(fromRoot('test/fixtures/trust/hf-api-2026-08-19.json'), 'utf8'));
const [ASI, NAV, SKILLS] = [AUG19[0], AUG19[2], AUG19[5]];
/** Days of real dumps for a pause; each is ingested on its own day of the injected clock. */
const DAYS = [
  'digest/2026-07-16',
  'digest/2026-07-17',
  'trust/hf-api-2026-08-19',
  'hf-api/2025-08-25',
  'hf-api/2026-07-15',
  'hf-api/2025-01-10',
  'hf-api/2025-01-02',
  'hf-api/2024-09-03',
];

/**
 * Updates, catch-up and the coverage line, with the clock injected (no sleeping).
 * Run on SQLite by test/e2e/trust.digest.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeTrustDigests(start: StartApp): void {
  let t: TestApp;
  let sink: SmtpSink;
  const clock = () => t.app.get(Clock);
  const run = (iso: string) => t.app.get(DigestService).run({}, 'cli', at(iso));

  async function ingestItems(name: string, items: Item[], iso: string): Promise<void> {
    const file = join(t.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(items));
    clock().set(at(iso));
    await t.app.get(IngestService).ingestFile(file);
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '5' });
    await clearPapers(t.app);
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('updated since we sent it', () => {
    const noCode = { ...ASI, paper: { ...ASI.paper, githubRepo: undefined, projectPage: undefined, upvotes: 12 } };

    beforeAll(async () => {
      await addConfirmed(t.app, 'updates@example.org', { topics: [], keywords: 'title:superintelligence, title:navigation, title:"agent skills"', hour: 0 });
    });

    it('sends a paper without a code link as new', async () => {
      await ingestItems('d1', [noCode], '2026-08-19T06:00:00Z');
      await run('2026-08-19T08:00:00Z');
      await sink.waitFor(1);
      const [first] = sink.to('updates@example.org');
      expect(titlesIn(first.parsed)).toEqual([ASI.paper.title.replace(/\s+/g, ' ')]);
      expect(first.parsed.text).not.toContain('UPDATED SINCE WE SENT IT');
    });

    it('the next digest tells once that it gained a code link, a project page and upvotes', async () => {
      await ingestItems('d2', [ASI, NAV], '2026-08-19T12:00:00Z');
      const preview = await t.app.get(DigestViewService).preview('updates@example.org', { now: at('2026-08-20T08:00:00Z') });
      expect(preview.items.map((i) => i.section)).toEqual(['new', 'updated']);
      expect(preview.items[1]).toMatchObject({ title: ASI.paper.title.replace(/\s+/g, ' '), changes: ['code released', 'project page'] });
      const summary = await run('2026-08-20T08:00:00Z');
      expect(summary).toMatchObject({ sent: 1 });
      await sink.waitFor(2);
      const [, second] = sink.to('updates@example.org');
      expect(titlesIn(second.parsed)).toEqual([NAV.paper.title.replace(/\s+/g, ' ')]);
      const text = second.parsed.text ?? '';
      const section = text.slice(text.indexOf('UPDATED SINCE WE SENT IT'));
      expect(section).toContain(ASI.paper.title.replace(/\s+/g, ' '));
      expect(section).toContain('code released, project page');
      expect(section).toContain(`code: ${ASI.paper.githubRepo}`);
      expect(second.parsed.html).toContain('Updated since we sent it');
      // the footer says what the digest looked through: one dump of one new paper (ASI was not new)
      expect(text).toContain('Picked from 1 new paper of 1 dump.');
    });

    it('never again', async () => {
      await ingestItems('d3', [ASI, SKILLS], '2026-08-20T12:00:00Z');
      await run('2026-08-21T08:00:00Z');
      await sink.waitFor(3);
      const [, , third] = sink.to('updates@example.org');
      expect(titlesIn(third.parsed)).toEqual([SKILLS.paper.title.replace(/\s+/g, ' ')]);
      expect(third.parsed.text).not.toContain('UPDATED SINCE WE SENT IT');
      const rows = await queryApp<{ n: number }>(t.app, 'SELECT count(*) AS n FROM sent_papers WHERE update_sent_at IS NOT NULL');
      expect(Number(rows[0].n)).toBe(1);
    });
    it('a sent paper whose upvotes double past 50 comes back once as trending, one that does not stays away', async () => {
      const title = (it: Item) => it.paper.title.replace(/\s+/g, ' ');
      const sentNav = Number(NAV.paper.upvotes);
      const trending = { paper: { ...NAV.paper, upvotes: Math.max(50, 2 * sentNav) } };
      const notDoubled = { paper: { ...SKILLS.paper, upvotes: Number(SKILLS.paper.upvotes) + 1 } };
      const fresh = (n: number) => ({ paper: { ...AUG19[8].paper, id: `2698.0000${n}`, title: `Navigation, trending test ${n}` } });
      await ingestItems('d4', [trending, notDoubled, fresh(1)], '2026-08-21T12:00:00Z');

      const json = previewJson(await t.app.get(DigestViewService).preview('updates@example.org', { now: at('2026-08-22T08:00:00Z') }));
      expect(json.items.filter((i) => i.section === 'updated')).toEqual([
        { id: expect.any(Number), title: title(NAV), section: 'updated', changes: [`trending: ${sentNav} → ${Math.max(50, 2 * sentNav)} upvotes`] },
      ]);

      await run('2026-08-22T08:00:00Z');
      await sink.waitFor(4);
      const text = sink.to('updates@example.org')[3].parsed.text ?? '';
      const section = text.slice(text.indexOf('UPDATED SINCE WE SENT IT'));
      expect(section).toContain(title(NAV));
      expect(section).toContain(`trending: ${sentNav} → ${Math.max(50, 2 * sentNav)} upvotes`);
      expect(section).not.toContain(title(SKILLS));

      await ingestItems('d5', [{ paper: { ...trending.paper, upvotes: 500 } }, fresh(2)], '2026-08-22T12:00:00Z');
      await run('2026-08-23T08:00:00Z');
      await sink.waitFor(5);
      expect(sink.to('updates@example.org')[4].parsed.text).not.toContain('UPDATED SINCE WE SENT IT');
    });
  });

  describe('while you were away', () => {
    let reader: Subscriber;
    const start0 = at('2026-09-01T06:00:00Z');
    const dayIso = (n: number, hour: number) => new Date(start0.getTime() + n * DAY + (hour - 6) * 3600_000).toISOString();

    it('a reader paused for 10 days gets the best of the pause, capped, not 10 days of papers', async () => {
      reader = await addConfirmed(t.app, 'away@example.org', { topics: [], keywords: 'model', hour: 0 });
      await t.app.get(DataSource).getRepository(Subscriber).update({ email: 'updates@example.org' }, { paused: true });
      await ingestItems('p0', AUG19.slice(10, 14), dayIso(0, 6));
      expect(await run(dayIso(0, 8))).toMatchObject({ sent: 1 });
      await t.app.get(DataSource).getRepository(Subscriber).update({ id: reader.id }, { paused: true });
      for (let n = 1; n <= DAYS.length; n++) {
        clock().set(at(dayIso(n, 6)));
        await t.app.get(IngestService).ingestFile(fromRoot('test/fixtures', `${DAYS[n - 1]}.json`));
        expect(await run(dayIso(n, 8))).toMatchObject({ sent: 0 });
      }
      await t.app.get(DataSource).getRepository(Subscriber).update({ id: reader.id }, { paused: false });
      const before = sink.messages.length;
      expect(await run(dayIso(10, 8))).toMatchObject({ sent: 1 });
      await sink.waitFor(before + 1);
      const mail = sink.to('away@example.org').at(-1)!.parsed;
      const m =
        /While you were away: the best (\d+) of (\d+) papers from 10 days/.exec(mail.subject ?? mail.text ?? '') ??
        /While you were away: the best (\d+) of (\d+) papers from 10 days/.exec(mail.text ?? '');
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBe(5);
      expect(Number(m![2])).toBeGreaterThan(20);
      expect(titlesIn(mail)).toHaveLength(5);
      expect(mail.text).not.toMatch(/more matching papers/);
      const [row] = await queryApp<{ paper_ids: string }>(t.app, 'SELECT paper_ids FROM digest_deliveries WHERE subscriber_id = ? ORDER BY id DESC LIMIT 1', [
        reader.id,
      ]);
      expect(JSON.parse(row.paper_ids)).toHaveLength(5);
      // the best of the whole pause: the shown papers came on more than one day
      const days = await queryApp<{ available_at: string }>(
        t.app,
        `SELECT DISTINCT available_at FROM papers WHERE id IN (${JSON.parse(row.paper_ids).join(', ')})`,
      );
      expect(days.length).toBeGreaterThan(1);
    });

    it('the digest after it is an ordinary one again', async () => {
      const fresh = AUG19.slice(14, 26).map((it, i) => ({ paper: { ...it.paper, id: `2699.${10000 + i}`, title: `Revisited ${it.paper.title}` } }));
      await ingestItems('p11', fresh, dayIso(11, 6));
      expect(await run(dayIso(11, 8))).toMatchObject({ sent: 1 });
      const mail = sink.to('away@example.org').at(-1)!.parsed;
      expect(mail.text).not.toContain('While you were away');
      expect(mail.text).toMatch(/new papers? for you/);
    });
  });
}
