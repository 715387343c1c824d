import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { readersInFourStates, type ReaderPages } from '../support/trust-readers.js';

/** Why no email: the preferences page says when the last digest went, when the next is due, and why one did not go. */
let t: TestApp;
let pages: ReaderPages;
const text = async (url: string) => (await (await fetch(url)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await startApp();
  pages = await readersInFourStates(t);
});

afterAll(async () => {
  await t.close();
});

describe('the preferences page says what happened to the digest', () => {
  it("a reader who got today's: when it went, and the next one in their zone", async () => {
    const page = await text(pages.sent);
    expect(page).toContain('Last digest Thursday 20 August, 09:00 (Europe/Berlin)');
    expect(page).toContain('Next digest Friday 21 August, 08:00 (Europe/Berlin)');
    expect(page).not.toContain('Not sent');
  });

  it('a due digest with no matching paper: "nothing matched"', async () => {
    const page = await text(pages.nothing);
    expect(page).toContain('Last digest none yet');
    expect(page).toContain('Not sent on Thursday 20 August: nothing matched.');
    expect(page).toContain('Next digest Friday 21 August, 08:00 (Europe/Berlin)');
  });

  it('a paused reader: "paused", and no next digest', async () => {
    const page = await text(pages.paused);
    expect(page).toContain('Not sent on Thursday 20 August: paused.');
    expect(page).toContain('Next digest none while your digests are stopped');
  });

  it('a bounced address: "bounced"', async () => {
    expect(await text(pages.bounced)).toContain('Not sent on Thursday 20 August: bounced.');
  });

  it('the admin run detail says the same per subscriber', async () => {
    const [latest] = (await (await fetch(`${t.url}/api/admin/runs`, { headers: adminHeaders })).json()) as { id: number }[];
    const detail = (await (await fetch(`${t.url}/api/admin/runs/${latest.id}`, { headers: adminHeaders })).json()) as {
      deliveries: { email: string; status: string; reason: string | null }[];
    };
    const byEmail = Object.fromEntries(detail.deliveries.map((d) => [d.email, d.reason]));
    expect(byEmail).toEqual({ 'sent@example.org': null, 'nothing@example.org': 'nothing matched' });
  });
});
