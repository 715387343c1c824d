import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { suppressionHash } from '../../src/subscribers/email-address.js';
import { DELETED_ADDRESS, SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { clearPapers, ingestDay } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { linkIn, listUnsubscribeUrl, onTestServer, openForm, postForm, postJson } from '../support/web.js';

let sink: SmtpSink;
let t: TestApp;
let repo: SubscriberRepository;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, SUBSCRIBE_LIMIT_PER_IP: '1000', SUBSCRIBE_LIMIT_PER_ADDRESS: '20' });
  repo = t.app.get(SubscriberRepository);
  await clearPapers(t.app);
  await ingestDay(t.app, '2026-07-16');
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

async function mailTo(email: string, trigger: () => Promise<unknown>): Promise<ParsedMail> {
  const before = sink.to(email).length;
  await trigger();
  while (sink.to(email).length <= before) await sink.waitFor(sink.messages.length + 1);
  return sink.to(email)[before].parsed;
}

/** Subscribes and confirms; answers the welcome mail (preferences link, List-Unsubscribe). */
async function confirmed(email: string, body: Record<string, unknown> = {}): Promise<ParsedMail> {
  const confirm = await mailTo(email, () => postJson(`${t.url}/api/subscriptions`, { email, topics: ['llm'], ...body }));
  return mailTo(email, () => fetch(onTestServer(t.url, linkIn(confirm, '/confirm/'))));
}

async function status(email: string): Promise<string | undefined> {
  return (await repo.findByEmail(email))?.status;
}

describe('an old preferences link after a one-click unsubscribe', () => {
  it('does not re-subscribe: "Subscribe again" mails a fresh confirmation, and no other action changes anything until it is followed', async () => {
    const email = 'leaver@example.org';
    const welcome = await confirmed(email);
    const prefsUrl = onTestServer(t.url, linkIn(welcome, '/preferences/'));
    const page = await openForm(prefsUrl);
    expect((await fetch(onTestServer(t.url, listUnsubscribeUrl(welcome)), { method: 'POST' })).status).toBe(200);
    expect(await status(email)).toBe('unsubscribed');
    const act = (action: string, extra: Record<string, string> = {}) => postForm(prefsUrl, { _csrf: page.csrf, action, ...extra }, page.cookie);

    for (const [action, extra] of [
      ['save', { topics: 'agents', frequency: 'weekly', hour: '9', timezone: 'UTC' }],
      ['resume', {}],
      ['pause', {}],
    ] as const) {
      const refused = await act(action, extra);
      expect(refused.status).toBe(409);
      const html = await refused.text();
      expect(html).toContain('no longer subscribed');
      expect(html).toContain('value="resubscribe"');
    }
    const untouched = await repo.findByEmail(email);
    expect(untouched).toMatchObject({ status: 'unsubscribed', topics: ['llm'], frequency: 'daily', paused: false });

    const before = sink.to(email).length;
    const reconfirm = await mailTo(email, async () => {
      const res = await act('resubscribe');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/done=confirm-sent$/);
    });
    expect(reconfirm.subject).toBe('Confirm your Paperboy subscription');
    expect(sink.to(email).length).toBe(before + 1);
    expect(await status(email)).toBe('pending');
    expect(await (await fetch(`${prefsUrl}?done=confirm-sent`)).text()).toContain('A confirmation email is on its way');

    // The old confirmation link stays dead; the new one brings the address back.
    const oldConfirm = await fetch(onTestServer(t.url, linkIn(sink.to(email)[0].parsed, '/confirm/')));
    expect(oldConfirm.status).toBe(404);
    expect(await status(email)).toBe('pending');
    await mailTo(email, () => fetch(onTestServer(t.url, linkIn(reconfirm, '/confirm/'))));
    expect(await status(email)).toBe('confirmed');
    expect((await act('pause')).status).toBe(303);
    expect((await repo.findByEmail(email))?.paused).toBe(true);
  });
});

/** Every row of every table, as lowercased JSON: what "no trace" is checked against. */
async function everything(): Promise<string> {
  const db = t.app.get(DataSource);
  const tables = (await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)) as { name: string }[];
  const dump: Record<string, unknown> = {};
  for (const { name } of tables) dump[name] = await db.query(`SELECT * FROM "${name}"`);
  return JSON.stringify(dump).toLowerCase();
}

async function sendTo(email: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${t.url}/api/admin/send`, {
    method: 'POST',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("a person's data", () => {
  it('a sent digest writes lastDigestAt, shown to the admin; "export my data" includes the delivery history', async () => {
    const email = 'history@example.org';
    const welcome = await confirmed(email, { topics: ['agents', 'llm'] });
    expect((await repo.findByEmail(email))?.lastDigestAt).toBeNull();
    const before = Date.now();
    expect(await sendTo(email)).toMatchObject({ selected: 1, sent: 1 });
    const last = (await repo.findByEmail(email))?.lastDigestAt;
    expect(last).not.toBeNull();
    expect(new Date(last!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const listed = (await (await fetch(`${t.url}/api/admin/subscribers?q=history`, { headers: adminHeaders })).json()) as {
      items: { lastDigestAt: string | null }[];
    };
    expect(listed.items[0].lastDigestAt).not.toBeNull();

    const prefsUrl = onTestServer(t.url, linkIn(welcome, '/preferences/'));
    const page = await openForm(prefsUrl);
    const exported = await postForm(prefsUrl, { _csrf: page.csrf, action: 'export' }, page.cookie);
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as {
      lastDigestAt: string | null;
      deliveries: { status: string; sentAt: string | null; papers: { title: string }[] }[];
    };
    expect(data.lastDigestAt).toBe(new Date(last!).toISOString());
    expect(data.deliveries).toHaveLength(1);
    expect(data.deliveries[0]).toMatchObject({ status: 'sent', sentAt: expect.any(String), resend: 0, attempts: 1 });
    expect(data.deliveries[0].papers.length).toBeGreaterThan(0);
    expect(data.deliveries[0].papers[0].title).toEqual(expect.any(String));
  });

  it('"delete me" leaves no trace of the address in any table, even where a run targeted it by a differently spelled address', async () => {
    const email = 'trace.me@example.org';
    const welcome = await confirmed(email, { topics: ['agents', 'llm'] });
    expect(await sendTo('Trace.Me@EXAMPLE.org')).toMatchObject({ sent: 1 });
    expect(await everything()).toContain(email);
    const prefsUrl = onTestServer(t.url, linkIn(welcome, '/preferences/'));
    const page = await openForm(prefsUrl);
    const deleted = await postForm(prefsUrl, { _csrf: page.csrf, action: 'delete', confirm: 'yes' }, page.cookie);
    expect(deleted.status).toBe(200);
    const after = await everything();
    expect(after).not.toContain('trace.me');
    expect(after).not.toContain(suppressionHash(email));
    expect(after).toContain(DELETED_ADDRESS.toLowerCase());
  });

  it('"delete me, never again" keeps only a one-way hash of the address, as the page says', async () => {
    const email = 'never.again@example.org';
    const welcome = await confirmed(email, { topics: ['agents'] });
    const prefsUrl = onTestServer(t.url, linkIn(welcome, '/preferences/'));
    const page = await openForm(prefsUrl);
    expect((await postForm(prefsUrl, { _csrf: page.csrf, action: 'delete', confirm: 'yes', neverAgain: 'yes' }, page.cookie)).status).toBe(200);
    const after = await everything();
    expect(after).not.toContain('never.again');
    expect(after).toContain(suppressionHash(email));
    expect(await repo.isSuppressed(email)).toBe(true);
  });

  it('an operator removal (DELETE /api/admin/subscribers/:email) erases the address the same way', async () => {
    const email = 'removed.by.admin@example.org';
    await confirmed(email, { topics: ['agents'] });
    expect(await sendTo(email)).toMatchObject({ sent: 1 });
    const res = await fetch(`${t.url}/api/admin/subscribers/${encodeURIComponent(email)}`, { method: 'DELETE', headers: adminHeaders });
    expect(res.status).toBe(200);
    expect(await everything()).not.toContain('removed.by.admin');
  });
});

describe('links in digests', () => {
  it('never prints a link other than http(s), even one stored before dumps were filtered', async () => {
    const db = t.app.get(DataSource);
    const email = 'links@example.org';
    await confirmed(email, { topics: ['agents', 'llm'] });
    await db.query(`UPDATE papers SET code_url = 'javascript:alert(document.cookie)'`);
    const digest = await mailTo(email, () => sendTo(email));
    expect(digest.subject).toMatch(/^\d+ new papers?: /);
    expect(digest.text).not.toMatch(/javascript:/i);
    expect(String(digest.html)).not.toMatch(/javascript:/i);
    for (const link of digest.text!.match(/\b[a-z][a-z0-9+.-]*:\/?\/?\S+/gi) ?? []) expect(link).toMatch(/^(https?:\/\/|mailto:)/);
  });
});
