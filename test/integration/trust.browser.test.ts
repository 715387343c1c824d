import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, NARROW, openPage } from '../support/browser.js';
import { readersInFourStates, type ReaderPages } from '../support/trust-readers.js';

jest.setTimeout(120_000);

/** Must show 3: the preferences page in real Chromium, saying what happened to the reader's digest. */
let t: TestApp;
let browser: Browser;
let pages: ReaderPages;
const problems: string[] = [];

beforeAll(async () => {
  t = await startApp();
  pages = await readersInFourStates(t);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('why no email, in the browser', () => {
  const cases: [keyof ReaderPages, string, RegExp][] = [
    ['sent', 'trust-preferences-next-digest', /Next digest\s*Friday 21 August, 08:00 \(Europe\/Berlin\)/],
    ['nothing', 'trust-preferences-nothing-matched', /Not sent on Thursday 20 August: nothing matched\./],
    ['paused', 'trust-preferences-paused', /Not sent on Thursday 20 August: paused\./],
  ];

  for (const [reader, name, says] of cases) {
    it(`${name}: the page says so, visibly`, async () => {
      const { context, page } = await openPage(browser, { viewport: { width: 900, height: 640 }, locale: 'en-GB' }, problems, (m) =>
        m.startsWith('Failed to load resource'),
      );
      await page.goto(pages[reader]);
      const status = page.locator('.digest-status');
      await expect(status.isVisible()).resolves.toBe(true);
      expect(await status.innerText()).toMatch(says);
      await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
      await page.setViewportSize(NARROW);
      await page.screenshot({ path: `${ARTIFACTS}/${name}-narrow.png` });
      await context.close();
    });
  }

  it('loaded without errors', () => {
    expect(problems).toEqual([]);
  });
});
