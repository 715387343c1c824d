import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, openPage } from '../support/browser.js';
import { addConfirmed } from '../support/digest.js';
import { SmtpSink, type ReceivedMail } from '../support/smtp-sink.js';

/**
 * The digest and the pages as a reader meets them: SpamAssassin's verdict on the emails, real
 * Chromium screenshots of the digest (normal, dark, without style blocks) and of the web view, and
 * axe-core's accessibility check of the web view and the public pages.
 */
// The corpus itself (test/e2e/digest.reader.test.ts reads its byte-identical copies in test/fixtures).
const CORPUS = fromRoot('../shared/data/hf-daily-papers');
const KV_DAYS = ['2026-08-11', '2026-08-12', '2026-08-13', '2026-08-14'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let t: TestApp;
let sink: SmtpSink;
let browser: Browser;
let digest: ReceivedMail;
let confirmMail: ReceivedMail;
let welcomeMail: ReceivedMail;

function linkIn(mail: ReceivedMail, path: string): string {
  return new RegExp(`https?://[^\\s"]+${path}[\\w.-]+`).exec(mail.parsed.text ?? '')![0].replace(/^https?:\/\/[^/]+/, t.url);
}

/** SpamAssassin's score of a raw message, offline (`-L`, local tests only), as a test (`-t`) report. */
function spamScore(raw: string): Promise<{ score: number; report: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('spamassassin', ['-L', '-t'], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      const m = /^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(stdout);
      if (!m) return reject(new Error('no X-Spam-Status in the SpamAssassin output'));
      resolve({ score: Number(m[1]), report: stdout.slice(stdout.indexOf('Content analysis details')) });
    });
    child.stdin!.end(raw);
  });
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number; bytes: number } {
  const head = readFileSync(path).subarray(0, 24);
  expect(head.subarray(1, 4).toString()).toBe('PNG');
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20), bytes: statSync(path).size };
}

/**
 * The contrast of the focused element's ring (its outline, else the outermost box-shadow) with the
 * background behind it. WCAG 2.2 (1.4.11, 2.4.13) asks at least 3:1 of a focus indicator.
 */
const FOCUS_RING = `(() => {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  const rgb = (s) => { const v = ((s.match(/rgba?\\([^)]*\\)/) || [''])[0].match(/[\\d.]+/g) || []).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const lum = (c) => { const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  let ring = null;
  if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) ring = rgb(cs.outlineColor);
  const shadows = cs.boxShadow === 'none' ? [] : cs.boxShadow.split(/,(?![^(]*\\))/);
  if (!ring && shadows.length) ring = rgb(shadows[shadows.length - 1]);
  let bg = [255, 255, 255, 1];
  for (let p = el.parentElement; p; p = p.parentElement) { const c = rgb(getComputedStyle(p).backgroundColor); if (c[3] > 0) { bg = c; break; } }
  // A translucent ring shows as its blend with the background.
  if (ring) ring = ring.map((c, i) => (i < 3 ? ring[3] * c + (1 - ring[3]) * bg[i] : 1));
  const [hi, lo] = ring ? [lum(ring), lum(bg)].sort((a, b) => b - a) : [0, 0];
  return { target: el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 30), ratio: ring ? Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 : 0 };
})()`;

async function focusRings(page: Page, stops: number): Promise<{ target: string; ratio: number }[]> {
  const rings = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    rings.push((await page.evaluate(FOCUS_RING)) as { target: string; ratio: number });
  }
  return rings;
}

/** At 390 px nothing scrolls sideways and axe finds nothing; `label` names the page in a failure. */
async function checkPage(page: Page, label: string): Promise<void> {
  const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  expect({ label, sideways: width > 390 }).toEqual({ label, sideways: false });
  expect({ label, violations: await axe(page) }).toEqual({ label, violations: [] });
}

/**
 * axe's violations on the page. An email is a fragment the mail client places in its own page, so
 * it is held to the WCAG rules (contrast, headings, names, …) and not to the page-level
 * best practices (`region`, `landmark-one-main`) that the client's page answers for.
 */
async function axe(page: Page, scope: 'page' | 'email' = 'page'): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const only = scope === 'email' ? ', runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }' : '';
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"]${only} })`)) as {
    violations: { id: string; nodes: { target: string[] }[] }[];
  };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '10' });
  for (const day of KV_DAYS) await t.app.get(IngestService).ingestFile(join(CORPUS, `${day}.json`));
  await addConfirmed(t.app, 'kv@example.org', { topics: ['agents', 'llm', 'multimodal'], keywords: '"KV cache", "speculative decoding"' });
  await addConfirmed(t.app, 'due@example.org', { topics: ['llm'] }); // never sent: the admin preview has a digest to show
  await t.app.get(DigestService).run({ email: 'kv@example.org' }, 'cli');
  await fetch(`${t.url}/api/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'new@example.org', topics: ['llm'] }),
  });
  await sink.waitFor(2);
  confirmMail = sink.to('new@example.org')[0];
  await fetch(linkIn(confirmMail, '/confirm/'));
  await sink.waitFor(3);
  welcomeMail = sink.to('new@example.org')[1];
  digest = sink.to('kv@example.org')[0];
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.stop();
});

/** What this file measured (SpamAssassin scores, sizes, focus-ring contrast), kept next to the screenshots. */
const figures: { spamassassin: Record<string, number>; focusRing: Record<string, number>; digest?: Record<string, unknown>; webViewBytes?: number } = {
  spamassassin: {},
  focusRing: {},
};
afterAll(() => writeFileSync(join(ARTIFACTS, 'digest-look-figures.json'), JSON.stringify(figures, null, 2) + '\n'));

describe('the reader of the issue, on the corpus days 2026-08-11..14', () => {
  it('gets OasisKV and the other KV-cache papers in the email, under the keyword section, above the topics', () => {
    const text = digest.parsed.text!;
    const keywords = text.indexOf('== KV cache (Your keywords) ==');
    const topics = text.indexOf('(Your topic) ==');
    expect(keywords).toBeGreaterThanOrEqual(0);
    expect(topics).toBeGreaterThan(keywords);
    const kv = text.slice(keywords, text.indexOf('\n== ', keywords)); // up to the next section
    expect(kv).toContain('. OasisKV: Scaling In-Decode KV Cache Beyond HBM with Lookahead Sparse Prefetching\n');
    // every paper the keyword matched on those days (the preheader counts them), each explained by it
    const matched = Number(/>KV cache \((\d+)\)/.exec(digest.parsed.html as string)![1]);
    expect(matched).toBeGreaterThanOrEqual(4);
    expect(kv.match(/^\d+\. /gm)).toHaveLength(matched);
    expect(kv.match(/^ +Why: your keywords "KV cache"/gm)).toHaveLength(matched);
  });
});

describe('SpamAssassin', () => {
  it.each([
    ['the digest', () => digest],
    ['the confirmation', () => confirmMail],
    ['the welcome email', () => welcomeMail],
  ])('scores %s below 0.5', async (name, mail) => {
    const { score, report } = await spamScore(mail().raw);
    figures.spamassassin[name] = score;
    if (score >= 0.5) process.stderr.write(report);
    expect(score).toBeLessThan(0.5);
  });
});

describe('how it looks', () => {
  const html = () => digest.parsed.html as string;
  const stripped = () => html().replace(/<style[\s\S]*?<\/style>/gi, '');

  it.each([375, 600])('renders the digest at %i px: normal, dark, and with style blocks stripped', async (width) => {
    figures.digest = { subject: digest.parsed.subject, subjectChars: digest.parsed.subject!.length, htmlBytes: Buffer.byteLength(html()), papers: 10 };
    for (const [name, colorScheme, content] of [
      ['normal', 'light', html],
      ['dark', 'dark', html],
      ['nostyle', 'light', stripped],
    ] as const) {
      const problems: string[] = [];
      const { context, page } = await openPage(browser, { viewport: { width, height: 900 }, colorScheme }, problems);
      await page.setContent(content(), { waitUntil: 'load' });
      // Nothing wider than the screen: the reader never scrolls sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      // Inline styles keep the look without style blocks: dark titles, not the browser's blue; dark mode turns them light.
      expect(await page.evaluate(`getComputedStyle(document.querySelector('h3 a')).color`)).toBe(name === 'dark' ? 'rgb(249, 250, 251)' : 'rgb(17, 24, 39)');
      // Separators, so the text reads right without CSS: links " · ", each "Why" its own line.
      const text = (await page.evaluate('document.body.innerText')) as string;
      expect(text).toMatch(/\n\s*arXiv · PDF(?: · [A-Z][\w ]+)*\s*\n\s*Why: your keywords "KV cache" \(/);
      expect({ name, violations: await axe(page, 'email') }).toEqual({ name, violations: [] });
      const path = join(ARTIFACTS, `digest-${name}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      expect(pngSize(path)).toMatchObject({ width });
      expect(pngSize(path).height).toBeGreaterThan(1500);
      await context.close();
    }
  });

  it('holds the confirmation and the welcome email to the same rules: a heading, contrast, nothing sideways at 375 px', async () => {
    for (const [name, mail] of [
      ['confirmation', confirmMail],
      ['welcome', welcomeMail],
    ] as const) {
      const { context, page } = await openPage(browser, { viewport: { width: 375, height: 900 } }, []);
      await page.setContent(mail.parsed.html as string, { waitUntil: 'load' });
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      expect({ name, violations: await axe(page, 'email') }).toEqual({ name, violations: [] });
      await context.close();
    }
  });

  it.each([375, 600])('renders the web view at %i px, with no accessibility violation', async (width) => {
    const web = linkIn(digest, '/digests/\\d+/');
    figures.webViewBytes = Buffer.byteLength(await (await fetch(web)).text());
    const problems: string[] = [];
    const { context, page } = await openPage(browser, { viewport: { width, height: 900 }, bypassCSP: true }, problems);
    await page.goto(web);
    expect(await page.getByRole('heading', { level: 2, name: 'KV cache' }).count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    const shot = join(ARTIFACTS, `digest-web-${width}.png`);
    await page.screenshot({ path: shot, clip: { x: 0, y: 0, width, height: 2400 }, fullPage: true });
    expect(pngSize(shot)).toMatchObject({ width, height: 2400 });
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('finds no accessibility violation on the public pages', async () => {
    const pages = [
      `${t.url}/`,
      linkIn(digest, '/unsubscribe/'),
      linkIn(digest, '/mute/'),
      linkIn(welcomeMail, '/preferences/'),
      `${t.url}/no-such-page`,
      `${t.url}/digests/1/not-a-token`,
    ];
    for (const url of pages) {
      const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
      await page.goto(url);
      expect({ url, violations: await axe(page) }).toEqual({ url, violations: [] });
      await context.close();
    }
  });

  it('shows a focus ring of at least 3:1 on the home page and the web view', async () => {
    for (const url of [`${t.url}/`, linkIn(digest, '/digests/\\d+/')]) {
      const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
      await page.goto(url);
      const rings = await focusRings(page, 8);
      expect(rings).toHaveLength(8);
      figures.focusRing[new URL(url).pathname.split('/')[1] || 'home'] = Math.min(...rings.map((r) => r.ratio));
      for (const ring of rings) expect({ url, ...ring, enough: ring.ratio >= 3 }).toEqual({ url, ...ring, enough: true });
      await context.close();
    }
  });
});

describe('every page at 390 px, as it is used', () => {
  it('subscribing: check your inbox (with the address), confirmed, preferences saved', async () => {
    const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
    await page.goto(`${t.url}/`);
    await page.getByLabel('Email address').fill('inbox@example.org');
    await page.getByLabel(/Your own keywords/).fill('"KV cache"');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');
    expect(await page.locator('main strong').first().textContent()).toBe('inbox@example.org');
    await checkPage(page, 'check your inbox');
    await sink.waitFor(4);
    await page.goto(linkIn(sink.to('inbox@example.org')[0], '/confirm/'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed');
    await checkPage(page, 'confirmed');
    await page.goto(linkIn(welcomeMail, '/preferences/'));
    await page.getByRole('button', { name: 'Save preferences' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your preferences are saved.');
    await checkPage(page, 'preferences saved');
    await context.close();
  });

  it('leaving: the unsubscribe page offers a pause, then says it is done', async () => {
    const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
    await page.goto(linkIn(welcomeMail, '/unsubscribe/'));
    expect(await page.getByRole('button', { name: 'Pause emails' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed');
    await checkPage(page, 'unsubscribed');
    await context.close();
  });

  it('voting and muting from the digest: the question, then the answer', async () => {
    const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
    await page.goto(linkIn(digest, '/feedback/'));
    await checkPage(page, 'feedback question');
    await page.getByRole('button').click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Noted: /);
    await checkPage(page, 'feedback done');
    await page.goto(linkIn(digest, '/mute/'));
    await page.getByRole('button', { name: /^Mute / }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/ is muted$/);
    await checkPage(page, 'mute done');
    await context.close();
  });

  it('the admin pages: sign-in, dashboard, a run, a dry run, a preview and a preview with nothing due', async () => {
    const { context, page } = await openPage(browser, { viewport: { width: 390, height: 844 }, bypassCSP: true }, []);
    await page.goto(`${t.url}/admin`);
    await checkPage(page, 'admin sign-in');
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Admin');
    await checkPage(page, 'admin dashboard');
    await page.goto(`${t.url}/admin/runs/1`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Run #1');
    await checkPage(page, 'admin run');
    await page.goto(`${t.url}/admin`);
    await page.getByRole('button', { name: 'Run now' }).click(); // dry run, ticked by default
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dry run');
    await checkPage(page, 'admin dry run');
    await page.goto(`${t.url}/admin/preview?email=due%40example.org`);
    await page.frameLocator('iframe.mail-frame').getByText('Manage preferences').first().waitFor();
    await checkPage(page, 'admin preview');
    await page.goto(`${t.url}/admin/preview?email=kv%40example.org`);
    expect(await page.getByRole('heading', { level: 2, name: 'Nothing is due' }).count()).toBe(1);
    expect(await page.locator('iframe').count()).toBe(0);
    await checkPage(page, 'admin preview, nothing due');
    await context.close();
  });
});
