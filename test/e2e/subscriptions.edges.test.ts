import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { linkIn, listUnsubscribeUrl, onTestServer, openForm, postForm, postJson } from '../support/web.js';

let sink: SmtpSink;
let t: TestApp;
let repo: SubscriberRepository;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, SUBSCRIBE_LIMIT_PER_IP: '1000', SUBSCRIBE_LIMIT_PER_ADDRESS: '20' });
  repo = t.app.get(SubscriberRepository);
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

    for (const [action, extra] of [['save', { topics: 'agents', frequency: 'weekly', hour: '9', timezone: 'UTC' }], ['resume', {}], ['pause', {}]] as const) {
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
