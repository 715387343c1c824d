import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { startApp, type TestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, openPage } from '../support/browser.js';
import { addConfirmed } from '../support/digest.js';
import { SmtpSink, type ReceivedMail } from '../support/smtp-sink.js';

/**
 * The digest and the pages as a reader meets them: SpamAssassin's verdict on the emails, real
 * Chromium screenshots of the digest (normal, dark, without style blocks) and of the web view, and
 * axe-core's accessibility check of the web view and the public pages.
 */
const DAYS = fromRoot('test/fixtures/digest/kv-days');
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

async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '10' });
  for (const f of readdirSync(DAYS).sort()) await t.app.get(IngestService).ingestFile(join(DAYS, f));
  await addConfirmed(t.app, 'kv@example.org', { topics: ['agents', 'llm', 'multimodal'], keywords: '"KV cache", "speculative decoding"' });
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

describe('SpamAssassin', () => {
  it.each([
    ['the digest', () => digest],
    ['the confirmation', () => confirmMail],
    ['the welcome email', () => welcomeMail],
  ])('scores %s below 0.5', async (_name, mail) => {
    const { score, report } = await spamScore(mail().raw);
    if (score >= 0.5) process.stderr.write(report);
    expect(score).toBeLessThan(0.5);
  });
});

describe('how it looks', () => {
  const html = () => digest.parsed.html as string;
  const stripped = () => html().replace(/<style[\s\S]*?<\/style>/gi, '');

  it.each([375, 600])('renders the digest at %i px: normal, dark, and with style blocks stripped', async (width) => {
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
      await page.screenshot({ path: join(ARTIFACTS, `digest-${name}-${width}.png`), fullPage: true });
      await context.close();
    }
  });

  it.each([375, 600])('renders the web view at %i px, with no accessibility violation', async (width) => {
    const web = linkIn(digest, '/digests/\\d+/');
    const problems: string[] = [];
    const { context, page } = await openPage(browser, { viewport: { width, height: 900 }, bypassCSP: true }, problems);
    await page.goto(web);
    expect(await page.getByRole('heading', { level: 2, name: 'KV cache' }).count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    await page.screenshot({ path: join(ARTIFACTS, `digest-web-${width}.png`), clip: { x: 0, y: 0, width, height: 2400 }, fullPage: true });
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
});
