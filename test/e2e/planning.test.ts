import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { BoundedSelection } from '../../src/digests/bounded-selection.js';
import { CandidateLoader } from '../../src/digests/candidate.loader.js';
import { selectDigest } from '../../src/digests/catch-up.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { DigestViewService, type Preview } from '../../src/digests/digest-view.service.js';
import { nextDueAfter, nextDueMoment } from '../../src/digests/next-due.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed } from '../support/digest.js';

/**
 * Planning by next due instant (subscribers.next_due_at) and the preview that does not load the
 * window (BoundedSelection), on four real days of Hugging Face Daily Papers.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startApp({ DIGEST_MAX_PAPERS: '5' });
  await queryApp(t.app, 'DELETE FROM papers');
  const days = fromRoot('test/fixtures/digest/kv-days');
  for (const f of readdirSync(days).sort()) await t.app.get(IngestService).ingestFile(`${days}/${f}`);
});

afterAll(async () => {
  await t.close();
});

async function dueAt(email: string): Promise<string> {
  const [row] = await queryApp<{ next_due_at: string }>(t.app, 'SELECT next_due_at FROM subscribers WHERE email = ?', [email]);
  return new Date(`${row.next_due_at.replace(' ', 'T')}Z`).toISOString();
}

describe('next due instant', () => {
  const at = (iso: string) => new Date(iso);
  it('is the delivery hour of the reader: later today, tomorrow, or next Monday', () => {
    const daily = { frequency: 'daily' as const, timezone: 'Europe/Paris', hour: 8 };
    expect(nextDueMoment(daily, at('2026-08-12T05:00:00Z')).toISOString()).toBe('2026-08-12T06:00:00.000Z');
    expect(nextDueMoment(daily, at('2026-08-12T07:00:00Z')).toISOString()).toBe('2026-08-13T06:00:00.000Z');
    const weekly = { frequency: 'weekly' as const, timezone: 'Etc/UTC', hour: 9 };
    expect(nextDueMoment(weekly, at('2026-08-12T10:00:00Z')).toISOString()).toBe('2026-08-17T09:00:00.000Z'); // a Wednesday
    expect(nextDueAfter(daily, '2026-08-12')!.toISOString()).toBe('2026-08-13T06:00:00.000Z');
    expect(nextDueAfter(weekly, '2026-W33')!.toISOString()).toBe('2026-08-17T09:00:00.000Z');
    expect(nextDueAfter(weekly, '2026-08-12')).toBeNull(); // the frequency changed since that digest
  });

  it('a tick sends to the due reader, moves them to their next period, and reads nobody on the next tick', async () => {
    const now = new Date();
    await addConfirmed(t.app, 'due@example.org', { topics: ['agents'], hour: 0 });
    await addConfirmed(t.app, 'later@example.org', { topics: ['agents'], hour: 23, timezone: 'Etc/GMT+12' });
    const paused = await addConfirmed(t.app, 'paused@example.org', { topics: ['agents'] });
    await t.app.get(SubscriberRepository).update(paused.id, { paused: true });
    const first = await t.app.get(DigestService).run({}, 'schedule', now);
    expect(first.selected).toBe(1);
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    expect(await dueAt('due@example.org')).toBe(tomorrow.toISOString());
    expect(new Date(await dueAt('later@example.org')).getTime()).toBeGreaterThan(now.getTime());
    expect(await dueAt('paused@example.org')).toBe('9999-12-31T00:00:00.000Z');
    const [{ n }] = await queryApp<{ n: number }>(t.app, 'SELECT count(*) AS n FROM subscribers WHERE next_due_at <= ?', [now]);
    expect(Number(n)).toBe(0);
    expect((await t.app.get(DigestService).run({}, 'schedule', now)).selected).toBe(0);
  });

  it('any change of schedule, status or pause makes the reader due for a look again, whoever writes it', async () => {
    const repo = t.app.get(SubscriberRepository);
    const reader = await repo.getByAddress('due@example.org');
    await repo.update(reader.id, { deliveryHour: 1 });
    expect(await dueAt('due@example.org')).toBe('1970-01-01T00:00:00.000Z');
    await queryApp(t.app, `UPDATE subscribers SET next_due_at = '2100-01-01 00:00:00.000' WHERE email = 'paused@example.org'`);
    await queryApp(t.app, `UPDATE subscribers SET paused = 0 WHERE email = 'paused@example.org'`);
    expect(await dueAt('paused@example.org')).toBe('1970-01-01T00:00:00.000Z');
    await queryApp(t.app, `UPDATE subscribers SET keywords = 'agents' WHERE email = 'paused@example.org'`);
    expect(await dueAt('paused@example.org')).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('a preview without loading the window', () => {
  // Topics only (bounded), and the kinds that still load the window: own keywords, a personal profile (a followed author).
  const readers: { email: string; topics: string[]; keywords?: string; follows?: boolean }[] = [
    { email: 'one-topic@example.org', topics: ['agents'] },
    { email: 'two-topics@example.org', topics: ['llm', 'agents'] },
    { email: 'many-topics@example.org', topics: ['multimodal', 'reasoning-rl', 'image-generation', 'video'] },
    { email: 'keywords@example.org', topics: ['agents'], keywords: 'reasoning OR "vision language"' },
    { email: 'personal@example.org', topics: ['llm'], follows: true },
  ];

  beforeAll(async () => {
    const [paper] = await queryApp<{ authors: string }>(t.app, 'SELECT authors FROM papers ORDER BY id LIMIT 1');
    const author = (JSON.parse(paper.authors) as string[])[0];
    for (const r of readers) {
      await addConfirmed(t.app, r.email, { topics: r.topics, keywords: r.keywords ?? null });
      if (r.follows) await queryApp(t.app, 'UPDATE subscribers SET authors = ? WHERE email = ?', [JSON.stringify([author]), r.email]);
    }
  });

  async function both(email: string, limit?: number): Promise<[Preview, Preview]> {
    const views = t.app.get(DigestViewService);
    const bounded = t.app.get(BoundedSelection);
    const fast = await views.preview(email, { limit });
    const applies = bounded.applies.bind(bounded);
    bounded.applies = () => false;
    try {
      return [fast, await views.preview(email, { limit })];
    } finally {
      bounded.applies = applies;
    }
  }

  const shape = (p: Preview) => ({
    subject: p.subject,
    total: p.total,
    shown: p.shown,
    papers: p.papers.map((x) => [x.id, x.score, x.section.key, x.reasons]),
  });

  it.each(readers)('$email gets the same digest as from the whole window, counts included', async ({ email }) => {
    const [fast, full] = await both(email);
    expect(fast.total).toBeGreaterThan(fast.shown);
    expect(shape(fast)).toEqual(shape(full));
    expect(fast.text.replace(/https?:\/\/\S+/g, '')).toEqual(full.text.replace(/https?:\/\/\S+/g, ''));
    const [longer, longerFull] = await both(email, 40);
    expect(shape(longer)).toEqual(shape(longerFull));
  });

  it('a catch-up (a window of many days) picks the same best papers and counts the whole gap', async () => {
    const now = new Date();
    const req = { topics: ['llm', 'agents'], keywords: null, windowStart: new Date(now.getTime() - 10 * 86_400_000), windowEnd: now, max: 5 };
    const fast = await t.app.get(BoundedSelection).selectDigest(req, 'daily');
    const full = selectDigest(await t.app.get(CandidateLoader).load(req.windowStart, now), req, 'daily');
    expect(fast.catchUp).toEqual(full.catchUp);
    expect(fast.catchUp!.matched).toBeGreaterThan(5);
    expect(fast.selection.papers.map((p) => p.paper.id)).toEqual(full.selection.papers.map((p) => p.paper.id));
  });

  it('is not used for readers with keywords or a personal profile (they need every paper’s text)', () => {
    const bounded = t.app.get(BoundedSelection);
    expect(bounded.applies({ keywords: 'agent', profile: null })).toBe(false);
    expect(
      bounded.applies({ keywords: null, profile: { votes: [], likes: [{ id: 1, title: 't', abstract: null, aiKeywords: [] }], authors: [] } as never }),
    ).toBe(false);
    expect(bounded.applies({ keywords: '  ', profile: null })).toBe(true);
  });
});
