import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { ARTIFACTS, launchChromium, NARROW, openPage, WIDE } from '../support/browser.js';
import { SmtpSink } from '../support/smtp-sink.js';

jest.setTimeout(120_000);

let t: TestApp;
let sink: SmtpSink;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url });
  await clearPapers(t.app);
  await ingestDay(t.app, '2026-07-16');
  for (const email of ['ada@example.org', 'grace@example.org', 'alan@example.org']) await addConfirmed(t.app, email, { topics: ['agents', 'llm'] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.stop();
});

async function open(viewport: { width: number; height: number }): Promise<Page> {
  return (await openPage(browser, { viewport, javaScriptEnabled: true, locale: 'en-GB' }, problems)).page;
}

const count = (page: Page, label: string) => page.locator('.counts li', { hasText: label }).locator('.count-value').textContent();

describe('an operator on /admin in a real browser', () => {
  it('signs in, does a dry run, sends to one address and sees the run with its counts', async () => {
    const page = await open(WIDE);
    await page.goto(`${t.url}/admin`);
    await page.screenshot({ path: `${ARTIFACTS}/admin-login-wide.png`, fullPage: true });
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Admin');

    // Dry run is ticked by default: the safe thing happens unless the operator says otherwise.
    expect(await page.getByLabel(/Dry run/).isChecked()).toBe(true);
    await page.getByLabel(/Every confirmed subscriber/).check();
    await page.getByRole('button', { name: 'Run now' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dry run');
    for (const email of ['ada@example.org', 'grace@example.org', 'alan@example.org'])
      await expect(page.getByRole('cell', { name: email }).count()).resolves.toBe(1);
    expect(sink.messages).toHaveLength(0);

    await page.getByRole('link', { name: 'Admin dashboard' }).click();
    await page.getByLabel(/One subscriber/).fill('grace@example.org');
    await page.getByLabel(/Dry run/).uncheck();
    await page.getByRole('button', { name: 'Run now' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Run #\d+$/);
    expect(await page.getByRole('status').textContent()).toBe('The run is done.');
    expect([await count(page, 'selected'), await count(page, 'sent'), await count(page, 'skipped'), await count(page, 'failed')]).toEqual(['1', '1', '0', '0']);
    await expect(page.getByRole('row', { name: /grace@example\.org .* sent/ }).count()).resolves.toBe(1);
    await sink.waitFor(1);
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['grace@example.org']]);
    await page.screenshot({ path: `${ARTIFACTS}/admin-run-wide.png`, fullPage: true });

    await page.getByRole('link', { name: 'Admin dashboard' }).click();
    await page.getByLabel('Address contains').fill('a');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.getByRole('status').textContent()).toBe('3 subscribers found, 3 shown.');
    await page.screenshot({ path: `${ARTIFACTS}/admin-dashboard-wide.png`, fullPage: true });

    await page
      .getByRole('row', { name: /ada@example\.org/ })
      .getByRole('link', { name: 'Preview' })
      .click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Preview for ada@example.org');
    await page
      .frameLocator('iframe.mail-frame')
      .getByText(/View this digest in your browser|Manage preferences/)
      .first()
      .waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/admin-preview-wide.png`, fullPage: true });
    await page.context().close();

    const narrow = await open(NARROW);
    await narrow.goto(`${t.url}/admin`);
    await narrow.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await narrow.getByRole('button', { name: 'Sign in' }).click();
    await narrow.screenshot({ path: `${ARTIFACTS}/admin-dashboard-narrow.png`, fullPage: true });
    await narrow.getByRole('button', { name: 'Sign out' }).click();
    expect(await narrow.getByRole('heading', { level: 1 }).textContent()).toBe('Admin sign-in');
    await narrow.context().close();

    expect(problems).toEqual([]);
    for (const name of ['admin-login-wide', 'admin-run-wide', 'admin-dashboard-wide', 'admin-preview-wide', 'admin-dashboard-narrow'])
      expect(existsSync(`${ARTIFACTS}/${name}.png`)).toBe(true);
  });
});
