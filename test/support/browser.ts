import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { fromRoot } from '../../src/common/paths.js';

/** Where the browser tests leave their screenshots. */
export const ARTIFACTS = fromRoot('test/artifacts');
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless, as `.ci/run` installs it; makes sure ARTIFACTS exists. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt install chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * A page in a new context that records in `problems` console errors (CSP violations show up
 * there), script errors and responses of 400 or more. `ignoreConsole` drops console errors that
 * another listener already reports.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions,
  problems: string[],
  ignoreConsole: (text: string) => boolean = () => false,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && !ignoreConsole(m.text()) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  return { context, page };
}
