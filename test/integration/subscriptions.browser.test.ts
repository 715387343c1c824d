import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, NARROW, openPage, WIDE } from '../support/browser.js';
import { onTestServer } from '../support/web.js';

jest.setTimeout(120_000);

let t: TestApp;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  t = await startApp(); // file transport: the outbox is the mailbox
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

// Chromium also logs a failed response to the console; the response listener already reports it.
async function open(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const options = { viewport, timezoneId: 'Europe/Berlin', locale: 'en-GB' };
  return openPage(browser, options, problems, (text) => text.startsWith('Failed to load resource'));
}

async function shoot(path: string, name: string): Promise<void> {
  for (const [label, viewport] of [
    ['narrow', NARROW],
    ['wide', WIDE],
  ] as const) {
    const { context, page } = await open(viewport);
    await page.goto(path);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-${label}.png`, fullPage: true });
    await context.close();
  }
}

/** Opens the newest outbox message with this subject and returns the href of the link labelled `label` in its HTML part. */
async function linkFromOutbox(page: Page, subject: string, label: string | RegExp): Promise<string> {
  await t.app.get(SubscriberMailer).idle();
  await page.goto(`${t.url}/outbox`);
  await page.getByRole('link', { name: subject }).first().click();
  await page.locator('iframe.mail-frame').waitFor();
  const href = await page.frameLocator('iframe.mail-frame').getByRole('link', { name: label }).first().getAttribute('href');
  if (!href) throw new Error(`no "${label}" link in "${subject}"`);
  return onTestServer(t.url, href);
}

describe('a person in a real browser', () => {
  it('subscribes on /, confirms from the email, changes preferences and unsubscribes', async () => {
    await shoot(`${t.url}/`, 'home');
    const { context, page } = await open(NARROW);

    await page.goto(`${t.url}/`);
    await page.getByLabel('Email address').fill('browser.user@example.org');
    await page.locator('summary', { hasText: 'Language models and agents' }).click();
    await page.getByRole('checkbox', { name: /Large language models/ }).check();
    await page.getByLabel('Filter topics').fill('quantiz');
    await page.getByRole('checkbox', { name: /^Quantization/ }).check();
    await page.getByLabel(/Your own keywords/).fill('speculative decoding');
    await page.getByText('Weekly, on Mondays').click();
    expect(await page.locator('input[name="timezone"]').inputValue()).toBe('Europe/Berlin');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');

    const repo = t.app.get(SubscriberRepository);
    expect(await repo.findByEmail('browser.user@example.org')).toMatchObject({
      status: 'pending',
      topics: ['llm', 'quantization'],
      frequency: 'weekly',
      timezone: 'Europe/Berlin',
      keywords: 'speculative decoding',
    });

    const confirmUrl = await linkFromOutbox(page, 'Confirm your Paperboy subscription', 'Yes, send me papers');
    await shoot(page.url(), 'email-confirm'); // the outbox view of the confirmation email
    await page.goto(confirmUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed');
    expect((await repo.findByEmail('browser.user@example.org'))?.status).toBe('confirmed');

    const prefsUrl = await linkFromOutbox(page, 'Welcome to Paperboy: you are subscribed', 'Change topics or timing');
    await shoot(prefsUrl, 'preferences');
    await page.goto(prefsUrl);
    // The Efficiency group opens by itself: it holds a chosen topic.
    await page.getByRole('checkbox', { name: /^Quantization/ }).uncheck();
    await page.getByRole('checkbox', { name: /^Knowledge distillation/ }).check();
    await page.getByLabel('Delivery hour').selectOption('7');
    await page.getByLabel('Time zone').selectOption('America/Chicago');
    await page.getByText('Daily', { exact: true }).click();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your preferences are saved.');
    expect(await repo.findByEmail('browser.user@example.org')).toMatchObject({
      topics: ['llm', 'knowledge-distillation'],
      deliveryHour: 7,
      timezone: 'America/Chicago',
      frequency: 'daily',
    });

    await page.goto(await linkFromOutbox(page, 'Welcome to Paperboy: you are subscribed', /^Unsubscribe$/));
    expect((await repo.findByEmail('browser.user@example.org'))?.status).toBe('confirmed'); // the page alone changes nothing
    await page.screenshot({ path: `${ARTIFACTS}/unsubscribe-narrow.png`, fullPage: true });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed');
    expect((await repo.findByEmail('browser.user@example.org'))?.status).toBe('unsubscribed');

    await context.close();
    expect(problems).toEqual([]);
    for (const name of ['home-narrow', 'home-wide', 'preferences-narrow', 'preferences-wide']) expect(existsSync(`${ARTIFACTS}/${name}.png`)).toBe(true);
  });
});
