import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailOutbox } from '../../src/mail/mail.outbox.js';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { startApp, type TestApp } from '../support/app.js';
import { openForm, postForm } from '../support/web.js';

let t: TestApp;

beforeAll(async () => {
  // Behind a (simulated) reverse proxy, so each test client has its own address.
  t = await startApp({ SUBSCRIBE_LIMIT_PER_IP: '6', SUBSCRIBE_LIMIT_PER_ADDRESS: '2', TRUST_PROXY: 'true' });
});
afterAll(async () => t?.close());

function subscribe(from: string, body: unknown): Promise<Response> {
  return fetch(`${t.url}/api/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });
}

async function mailsTo(email: string): Promise<number> {
  await t.app.get(SubscriberMailer).idle();
  return (await t.app.get(MailOutbox).list()).filter((m) => m.to === email).length;
}

describe('rate limits', () => {
  it('caps requests, and so confirmation mails, per address, however it is spelled', async () => {
    const email = 'target@example.org';
    expect((await subscribe('10.0.0.1', { email, topics: ['llm'] })).status).toBe(202);
    expect((await subscribe('10.0.0.1', { email, topics: ['llm'] })).status).toBe(202);
    const third = await subscribe('10.0.0.1', { email: ' TARGET@Example.org', topics: ['llm'] });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('for this address') });
    expect(await mailsTo(email)).toBe(2);
    expect((await subscribe('10.0.0.1', { email: 'bystander@example.org', topics: ['llm'] })).status).toBe(202);
  });

  it('counts +tag variants of an address as that address (a tag does not buy more mails)', async () => {
    expect((await subscribe('10.0.0.3', { email: 'tagged+a@example.org', topics: ['llm'] })).status).toBe(202);
    expect((await subscribe('10.0.0.3', { email: 'Tagged+B@example.org', topics: ['llm'] })).status).toBe(202);
    const third = await subscribe('10.0.0.3', { email: 'tagged+c@example.org', topics: ['llm'] });
    expect(third.status).toBe(429);
    expect((await subscribe('10.0.0.3', { email: 'TAGGED@example.org', topics: ['llm'] })).status).toBe(429);
    expect(await mailsTo('tagged+c@example.org')).toBe(0);
    expect(await mailsTo('tagged@example.org')).toBe(0);
  });

  it('caps requests per client address, valid or not, without blocking other clients', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await subscribe('10.0.0.2', i % 2 ? { email: `client${i}@example.org`, topics: ['llm'] } : { email: 'invalid' });
      expect(res.status).toBe(i % 2 ? 202 : 400);
    }
    const blocked = await subscribe('10.0.0.2', { email: 'client7@example.org', topics: ['llm'] });
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { message: string }).message).toContain('from your network');
    expect(await mailsTo('client7@example.org')).toBe(0);

    const home = await openForm(`${t.url}/`);
    const form = await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email: 'client8@example.org', topics: 'llm' }, home.cookie);
    expect(form.status).toBe(200); // the form client is 127.0.0.1, not 10.0.0.2
    const formBlocked = await fetch(`${t.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: home.cookie, 'x-forwarded-for': '10.0.0.2' },
      body: new URLSearchParams({ _csrf: home.csrf, email: 'client9@example.org', topics: 'llm' }),
    });
    expect(formBlocked.status).toBe(429);
    expect(formBlocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await formBlocked.text()).toContain('Too many attempts');

    expect((await subscribe('10.0.0.3', { email: 'client10@example.org', topics: ['llm'] })).status).toBe(202);
  });
});
