import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DigestService } from '../../src/digests/digest.service.js';
import { rankScore } from '../../src/topics/ranking.js';
import type { StartApp, TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, ingestDay, titlesIn, zoneAtHour } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * The daily digest end to end with a real SMTP sink: selection, ranking, links, a second run sending nothing, the next day.
 * Run on SQLite by test/e2e/digest.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeDailyDigest(start: StartApp): void {
  let t: TestApp;
  let sink: SmtpSink;
  let day1: Date;
  let day2: Date;

  interface TaggedRow {
    title: string;
    upvotes: number;
    score: number;
  }

  /** What the database says a topic's digest should hold, best first. */
  async function expectedFor(slug: string, since: Date): Promise<string[]> {
    const rows = await queryApp<TaggedRow>(
      t.app,
      `SELECT p.title, p.upvotes, pt.score FROM papers p JOIN paper_topics pt ON pt.paper_id = p.id WHERE pt.topic_slug = ? AND p.available_at > ?`,
      [slug, since],
    );
    return rows
      .sort((a, b) => rankScore({ matchScore: b.score, upvotes: b.upvotes }) - rankScore({ matchScore: a.score, upvotes: a.upvotes }))
      .map((r) => r.title);
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '3' });
    await clearPapers(t.app);
    await ingestDay(t.app, '2026-07-16');
    day1 = new Date(); // the run's clock: after the first day's papers arrived
    day2 = new Date(day1.getTime() + 24 * 3600_000);
    await addConfirmed(t.app, 'agents@example.org', { topics: ['agents'], timezone: zoneAtHour(day1, 12), hour: 11 });
    await addConfirmed(t.app, 'distill@example.org', { topics: [], keywords: 'title:distill*', timezone: zoneAtHour(day1, 3), hour: 2 });
    await addConfirmed(t.app, 'later@example.org', { topics: ['agents'], timezone: zoneAtHour(day1, 12), hour: 13 });
    await addConfirmed(t.app, 'quiet@example.org', { topics: ['audio-speech'], timezone: zoneAtHour(day1, 20), hour: 8 });
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('the daily digest', () => {
    const before = new Date(0);

    it('sends each due subscriber exactly the matching papers, ranked and capped', async () => {
      const summary = await t.app.get(DigestService).run({}, 'cli', day1);
      expect(summary).toMatchObject({ selected: 3, sent: 2, skippedEmpty: 1, failed: 0 });
      await sink.waitFor(2);

      const [agents] = sink.to('agents@example.org');
      const expected = await expectedFor('agents', before);
      expect(expected.length).toBeGreaterThan(3);
      expect(titlesIn(agents.parsed)).toEqual(expected.slice(0, 3));
      expect(agents.parsed.text).toContain(`And ${expected.length - 3} more matching papers`);

      const [distill] = sink.to('distill@example.org');
      expect(titlesIn(distill.parsed)).toEqual(['ShortOPD: Recovering Pruned LLMs with Short-to-Long On-Policy Distillation']);
      expect(distill.parsed.text).toContain('Why: your keywords "distill" (Distillation)');

      expect(sink.to('later@example.org')).toEqual([]); // not yet their hour
      expect(sink.to('quiet@example.org')).toEqual([]); // nothing on their topic: no email
    });

    it('carries both parts, the one-click headers, and links to preferences, web view and unsubscribe', async () => {
      const [{ parsed }] = sink.to('agents@example.org');
      expect(parsed.html).toContain('agents');
      const header = (name: string) => parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, ' ') ?? '';
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(header('list-unsubscribe')).toMatch(new RegExp(`^List-Unsubscribe: <${t.url}/unsubscribe/[\\w.-]+>$`));
      expect(header('list-id')).toContain('Paperboy');
      expect(parsed.text).toMatch(/Unsubscribe: http/);
      const web = /https?:\/\/\S+\/digests\/\d+\/\S+/.exec(parsed.text ?? '')![0];
      const page = await fetch(web);
      expect(page.status).toBe(200);
      const html = await page.text();
      const all = await expectedFor('agents', before);
      expect(all.length).toBeGreaterThan(3);
      for (const title of all) expect(html).toContain(title.replace(/&/g, '&amp;'));
      expect((await fetch(web.replace(/\/digests\/(\d+)\//, (_, id) => `/digests/${Number(id) + 1000}/`))).status).toBe(404);
    });

    it('sends nothing on a second run of the same period', async () => {
      const again = await t.app.get(DigestService).run({}, 'cli', day1);
      expect(again).toMatchObject({ selected: 0, sent: 0 });
      expect(sink.messages).toHaveLength(2);
    });

    it('the next day, sends only papers new to each subscriber', async () => {
      const between = new Date(Date.now() - 1);
      await ingestDay(t.app, '2026-07-17');
      const summary = await t.app.get(DigestService).run({}, 'cli', day2);
      expect(summary).toMatchObject({ sent: 2, failed: 0 });
      await sink.waitFor(4);
      const [, agents] = sink.to('agents@example.org');
      expect(titlesIn(agents.parsed)).toEqual((await expectedFor('agents', between)).slice(0, 3));
      const [, distill] = sink.to('distill@example.org');
      expect(titlesIn(distill.parsed).sort()).toEqual([
        'Demystifying On-Policy Distillation: Roles, Pathologies, and Regulations',
        'SEED: Self-Evolving On-Policy Distillation for Agentic Reinforcement Learning',
      ]);
      const firstTitles = new Set(titlesIn(sink.to('agents@example.org')[0].parsed));
      expect(titlesIn(agents.parsed).some((title) => firstTitles.has(title))).toBe(false);
    });

    it('exposes the counts at /metrics', async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      expect(text).toMatch(/paperboy_digests_total\{outcome="sent"\} 4/);
      expect(text).toMatch(/paperboy_digests_total\{outcome="skipped"\} [12]/);
      expect(text).toContain('paperboy_digest_run_duration_seconds_count');
    });
  });
}
