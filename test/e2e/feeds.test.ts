import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { DigestService } from '../../src/digests/digest.service.js';
import type { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { startApp, type TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { openForm, postForm } from '../support/web.js';

/** Must show 1: feeds validate with real parsers, conditional GET answers 304, a personal feed dies with "delete me". */
describe('feeds', () => {
  let t: TestApp;
  let reader: Subscriber;
  let feedUrl: string;

  beforeAll(async () => {
    t = await startApp();
    await clearPapers(t.app);
    await ingestDay(t.app, '2026-07-16');
    reader = await addConfirmed(t.app, 'feeds@example.org', { topics: ['agents'] });
    const run = await t.app.get(DigestService).run({ email: reader.email }, 'cli');
    expect(run.sent).toBe(1);
    feedUrl = t.app.get(SubscriberLinks).feedUrl(reader);
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves a topic feed as valid Atom 1.0, newest first, with stable ids', async () => {
    const res = await fetch(`${t.url}/feeds/topics/agents.atom`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseFeed(xml);
    expect(feed.meta.type).toBe('atom');
    expect(feed.items.length).toBeGreaterThan(0);
    for (const item of feed.items) {
      expect(item.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(item.url).toMatch(/^https?:\/\//);
      expect(item.updated).toBeInstanceOf(Date);
    }
    const times = feed.items.map((i) => i.updated!.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const again = parseFeed(await (await fetch(`${t.url}/feeds/topics/agents.atom`)).text());
    expect(again.items.map((i) => i.id)).toEqual(feed.items.map((i) => i.id));
  });

  it('answers 304 to a second request with the ETag, and to If-Modified-Since', async () => {
    const first = await fetch(`${t.url}/feeds/topics/agents.atom`);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
    const second = await fetch(`${t.url}/feeds/topics/agents.atom`, { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    const byDate = await fetch(`${t.url}/feeds/topics/agents.atom`, { headers: { 'if-modified-since': lastModified } });
    expect(byDate.status).toBe(304);
    const stale = await fetch(`${t.url}/feeds/topics/agents.atom`, { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it('says 404 for an unknown topic', async () => {
    expect((await fetch(`${t.url}/feeds/topics/no-such-topic.atom`)).status).toBe(404);
  });

  it('gives the reader a personal feed mirroring their digest, with its reasons and links', async () => {
    const [row] = await queryApp<{ paper_ids: string }>(t.app, "SELECT paper_ids FROM digest_deliveries WHERE status = 'sent'");
    const sentIds = JSON.parse(row.paper_ids) as number[];
    const res = await fetch(feedUrl);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseFeed(xml);
    expect(feed.items).toHaveLength(sentIds.length);
    const titles = await queryApp<{ title: string }>(t.app, `SELECT title FROM papers WHERE id IN (${sentIds.map(() => '?').join(',')})`, sentIds);
    expect(new Set(feed.items.map((i) => i.title))).toEqual(new Set(titles.map((r) => r.title)));
    for (const item of feed.items) {
      expect(item.content).toMatch(/Why: AI agents and tool use: /);
      expect(item.content).toContain('/digests/');
    }
  });

  it('answers 304 to the personal feed with its ETag, with the same entry ids each time', async () => {
    const first = await fetch(feedUrl);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const ids = parseFeed(await first.text()).items.map((i) => i.id);
    expect((await fetch(feedUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect(parseFeed(await (await fetch(feedUrl)).text()).items.map((i) => i.id)).toEqual(ids);
  });

  it('serves the same feeds as JSON Feed 1.1', async () => {
    const body = (await (await fetch(feedUrl.replace(/\.atom$/, '.json'))).json()) as { version: string; items: { id: string }[] };
    expect(body.version).toBe('https://jsonfeed.org/version/1.1');
    const atom = parseFeed(await (await fetch(feedUrl)).text());
    expect(body.items.map((i) => i.id)).toEqual(atom.items.map((i) => i.id));
  });

  it('announces the feeds for autodiscovery on the home and preferences pages, and links the personal one', async () => {
    const home = await (await fetch(`${t.url}/`)).text();
    expect(home).toMatch(
      /<link rel="alternate" type="application\/atom\+xml" title="Paperboy: AI agents and tool use" href="[^"]+\/feeds\/topics\/agents\.atom">/,
    );
    const prefs = await openForm(t.app.get(SubscriberLinks).preferencesUrl(reader));
    // Tokens carry their issue time, so the page's link is a fresh one: it must name a working feed.
    const announced = /<link rel="alternate" type="application\/atom\+xml" title="Your Paperboy digests" href="([^"]+)">/.exec(prefs.html)?.[1];
    expect(announced).toMatch(/\/feeds\/[A-Za-z0-9_.-]+\.atom$/);
    expect(prefs.html).toMatch(new RegExp(`<a href="${announced!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    expect((await fetch(announced!)).status).toBe(200);
  });

  it('stops working after "delete me"', async () => {
    expect((await fetch(feedUrl)).status).toBe(200);
    const prefsUrl = t.app.get(SubscriberLinks).preferencesUrl(reader);
    const page = await openForm(prefsUrl);
    const res = await postForm(prefsUrl, { _csrf: page.csrf, action: 'delete', confirm: 'yes' }, page.cookie);
    expect(res.status).toBeLessThan(400);
    expect((await fetch(feedUrl)).status).toBe(404);
    expect((await fetch(feedUrl.replace(/\.atom$/, '.json'))).status).toBe(404);
  });
});
