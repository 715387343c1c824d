import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { DumpRejectedError } from '../../src/papers/paper.types.js';
import { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import { adminHeaders, startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, openPage } from '../support/browser.js';
import { addConfirmed, clearPapers } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

jest.setTimeout(300_000);

/**
 * Must show 6: the admin dashboard over a replay of 30 days of the corpus (2026-07-23 to
 * 2026-08-21): each day's dump ingested at 06:00 UTC and the due digests run at 09:00, on an
 * injected clock, for 14 readers (one address bounces, one reader leaves half-way).
 */
const CORPUS = '../shared/data/hf-daily-papers';
const DAY = 86_400_000;
const FIRST = Date.parse('2026-07-23T00:00:00Z');
const READERS: [string, string[], string | null][] = [
  ['llm@example.org', ['llm'], null],
  ['agents@example.org', ['agents'], null],
  ['reasoning@example.org', ['reasoning'], null],
  ['vision@example.org', ['multimodal'], null],
  ['diffusion@example.org', ['diffusion'], null],
  ['video@example.org', ['video'], null],
  ['robots@example.org', ['robotics'], null],
  ['efficient@example.org', ['efficiency', 'quantization'], null],
  ['code@example.org', ['code', 'agents'], null],
  ['bench@example.org', ['benchmarks'], null],
  ['safety@example.org', ['safety'], null],
  ['quiet@example.org', [], 'title:"protein folding"'],
  ['bounce@example.org', ['llm'], null],
  ['leaver@example.org', ['agents', 'llm'], null],
];

let t: TestApp;
let sink: SmtpSink;
let browser: Browser;
const problems: string[] = [];
const ingested: string[] = [];

beforeAll(async () => {
  if (!existsSync(CORPUS)) throw new Error(`${CORPUS} is missing: this suite replays the shared corpus`);
  sink = await new SmtpSink().start();
  sink.reject = (rcpt) => (rcpt.startsWith('bounce@') ? { code: 550, message: 'no such user' } : null);
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_RETRIES: '0' });
  await clearPapers(t.app);
  const slugs = new Set(((await (await fetch(`${t.url}/api/topics`)).json()) as { slug: string }[]).map((x) => x.slug));
  const clock = t.app.get(Clock);
  clock.set(new Date(FIRST));
  for (const [email, topics, keywords] of READERS)
    await addConfirmed(t.app, email, { topics: topics.filter((s) => slugs.has(s)), keywords, hour: 8, timezone: 'Etc/UTC' });
  const repo = t.app.get(DataSource).getRepository(Subscriber);
  await repo.update({ email: 'bench@example.org' }, { frequency: 'weekly' });
  for (let day = 0; day < 30; day++) {
    const date = new Date(FIRST + day * DAY).toISOString().slice(0, 10);
    clock.set(new Date(`${date}T06:00:00Z`));
    if (existsSync(`${CORPUS}/${date}.json`)) {
      try {
        await t.app.get(IngestService).ingestFile(`${CORPUS}/${date}.json`);
        ingested.push(date);
      } catch (err) {
        if (!(err instanceof DumpRejectedError)) throw err; // a file the collector wrote badly: rejected, as in production
      }
    }
    if (day === 15) await repo.update({ email: 'leaver@example.org' }, { status: 'unsubscribed', unsubscribedAt: new Date(`${date}T07:00:00Z`) });
    clock.set(new Date(`${date}T09:00:00Z`));
    await t.app.get(DigestService).run({}, 'schedule');
  }
  clock.set(new Date('2026-08-21T15:00:00Z'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.stop();
});

describe('the admin dashboard over 30 days of the corpus', () => {
  it("/api/admin/stats adds the plots' data and keeps its fields", async () => {
    const stats = (await (await fetch(`${t.url}/api/admin/stats`, { headers: adminHeaders })).json()) as Record<string, any>;
    expect(Object.keys(stats)).toEqual(expect.arrayContaining(['subscribers', 'digests', 'rates', 'dashboard']));
    const dash = stats.dashboard;
    expect(ingested.length).toBeGreaterThanOrEqual(18);
    const [{ n }] = await t.app.get(DataSource).query('SELECT count(*) AS n FROM papers');
    expect(dash.papers.perDay.reduce((s: number, d: { total: number }) => s + d.total, 0)).toBe(Number(n));
    expect(dash.papers.perDay.filter((d: { total: number }) => d.total > 0)).toHaveLength(ingested.length);
    const sent = dash.outcomesPerDay.reduce((s: number, d: { sent: number }) => s + d.sent, 0);
    expect(sent).toBe(sink.messages.length);
    expect(stats.digests.sent).toBe(sent);
    expect(dash.outcomesPerDay.reduce((s: number, d: { bounced: number }) => s + d.bounced, 0)).toBe(1);
    expect(stats.rates.unsubscribe).toBeGreaterThan(0);
    expect(dash.lastIngest).toMatchObject({ at: '2026-08-21T06:00:00.000Z', source: 'hf-api' });
    expect(dash.nextScheduledRun).toMatchObject({ at: '2026-08-22T08:00:00.000Z', subscribers: 11 });
  });

  it('renders the plots as SVG with text alternatives, and looks right', async () => {
    // Without JavaScript: the plots are drawn on the server.
    const { context, page } = await openPage(browser, { viewport: { width: 1280, height: 900 }, locale: 'en-GB', javaScriptEnabled: false }, problems, (m) =>
      m.startsWith('Failed to load resource'),
    );
    await page.goto(`${t.url}/admin`);
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${t.url}/admin`), page.click('button[type=submit]')]);
    const charts = page.locator('.dashboard svg[role=img]');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    for (const label of ['Papers ingested per day, by source', 'Digests per day', 'Confirmed subscribers per topic']) {
      await expect(page.getByRole('img', { name: new RegExp(label) }).count()).resolves.toBe(1);
    }
    // Each plot's text alternative: a summary, and its numbers as a table that add up to what the plot shows.
    const rows = (chart: string) =>
      page
        .locator(`figure[aria-labelledby="${chart}-title"] details table tbody tr`)
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const papersRows = await rows('chart-papers');
    expect(papersRows).toHaveLength(ingested.length);
    const [{ n }] = await t.app.get(DataSource).query('SELECT count(*) AS n FROM papers');
    expect(papersRows.reduce((sum, r) => sum + r.slice(1).reduce((a, v) => a + Number(v), 0), 0)).toBe(Number(n));
    const digestRows = await rows('chart-digests');
    expect(digestRows.reduce((sum, r) => sum + Number(r[1]), 0)).toBe(sink.messages.length);
    await expect(page.locator('#chart-papers-desc').textContent()).resolves.toMatch(new RegExp(`^${Number(n)} over 30 days`));
    expect(await page.locator('.dashboard').innerText()).toMatch(/Next scheduled run\s*2026-08-22 08:00 UTC, for 11 subscribers/);
    await page.locator('.dashboard').screenshot({ path: `${ARTIFACTS}/trust-admin-dashboard.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.dashboard').screenshot({ path: `${ARTIFACTS}/trust-admin-dashboard-narrow.png` });
    await context.close();
    expect(problems).toEqual([]);
  });
});
