import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock.js';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { adminCookie } from '../support/admin-session.js';
import { addConfirmed, clearPapers } from '../support/digest.js';

/** Source freshness with an injected clock: no new papers for INGEST_STALE_HOURS, weekends aside. */
let t: TestApp;
const at = (iso: string) => new Date(iso);
const health = async () => {
  const res = await fetch(`${t.url}/health`);
  return { code: res.status, body: (await res.json()) as { status: string; source: { stale: boolean; hoursWithoutNew: number } } };
};
const metric = async () => /^paperboy_source_stale (\d)$/m.exec(await (await fetch(`${t.url}/metrics`)).text())?.[1];
const banner = async () => {
  const html = await (await fetch(`${t.url}/admin`, { headers: { cookie: await adminCookie(t.url) } })).text();
  return /The paper source is stale\.<\/strong>([^<]*)/.exec(html)?.[1]?.trim() ?? null;
};

beforeAll(async () => {
  t = await startApp({ INGEST_STALE_HOURS: '36' });
  await clearPapers(t.app);
  const reader = await addConfirmed(t.app, 'nobody-matches@example.org', { topics: [], keywords: 'title:zzyzxquux', hour: 0 });
  const joined = new Date('2026-08-01T00:00:00Z'); // on the injected calendar, not the wall clock's
  await t.app.get(DataSource).getRepository(Subscriber).update({ id: reader.id }, { subscribedAt: joined, confirmedAt: joined });
  t.app.get(Clock).set(at('2026-08-19T06:00:00Z')); // a Wednesday
  await t.app.get(IngestService).ingestFile(fromRoot('test/fixtures/trust/hf-page-2026-08-19.txt'), { format: 'hf-page', date: '2026-08-19' });
});

afterAll(async () => {
  await t.close();
});

describe('source freshness', () => {
  it('is ok within INGEST_STALE_HOURS', async () => {
    t.app.get(Clock).set(at('2026-08-20T17:00:00Z'));
    expect(await health()).toMatchObject({ code: 200, body: { status: 'ok', source: { stale: false, hoursWithoutNew: 35 } } });
    expect(await metric()).toBe('0');
    expect(await banner()).toBeNull();
  });

  it('past it, /health says degraded (still 200), the metric is 1 and the admin page shows a banner', async () => {
    t.app.get(Clock).set(at('2026-08-20T19:00:00Z'));
    expect(await health()).toMatchObject({ code: 200, body: { status: 'degraded', source: { stale: true, hoursWithoutNew: 37 } } });
    expect(await metric()).toBe('1');
    expect(await banner()).toMatch(/^No new papers for 37 hours .* the last arrived 2026-08-19 06:00 UTC/);
  });

  it('a digest run in that state records it, and its skipped readers are told "source stale"', async () => {
    const summary = await t.app.get(DigestService).run({}, 'cli');
    expect(summary).toMatchObject({ selected: 1, skippedEmpty: 1 });
    const detail = (await (await fetch(`${t.url}/api/admin/runs/${summary.runId}`, { headers: adminHeaders })).json()) as {
      run: { options: Record<string, unknown> };
      deliveries: { reason: string }[];
    };
    expect(detail.run.options.sourceStale).toMatchObject({ lastNewPaperAt: '2026-08-19T06:00:00.000Z', hoursWithoutNew: 37 });
    expect(detail.deliveries.map((d) => d.reason)).toEqual(['source stale']);
    const page = await (await fetch(`${t.url}/admin/runs/${summary.runId}`, { headers: { cookie: await adminCookie(t.url) } })).text();
    expect(page).toContain('source stale (37 h without new papers)');
    // ...and the reader is told the same on their preferences page, not "nothing matched"
    const reader = (await t.app.get(SubscriberRepository).findByEmail('nobody-matches@example.org'))!;
    const prefs = (await (await fetch(t.app.get(SubscriberLinks).preferencesUrl(reader))).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(prefs).toContain('Not sent on Thursday 20 August: source stale.');
    expect(prefs).not.toContain('nothing matched');
  });

  it("does not count arXiv's weekend pause: Friday evening's papers are fresh on Monday morning, stale on Tuesday", async () => {
    t.app.get(Clock).set(at('2026-08-21T18:00:00Z'));
    await t.app.get(IngestService).ingestFile(fromRoot('test/fixtures/trust/hf-api-2026-08-19.json'));
    t.app.get(Clock).set(at('2026-08-24T08:00:00Z'));
    expect(await health()).toMatchObject({ code: 200, body: { status: 'ok', source: { hoursWithoutNew: 14 } } });
    t.app.get(Clock).set(at('2026-08-25T08:00:00Z'));
    expect(await health()).toMatchObject({ code: 200, body: { status: 'degraded', source: { hoursWithoutNew: 38 } } });
  });
});
