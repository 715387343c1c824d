import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { linkIn, listUnsubscribeUrl, onTestServer, openForm, postForm, postJson } from '../support/web.js';

let sink: SmtpSink;
let t: TestApp;
let repo: SubscriberRepository;
const attempts = new Map<string, number>();

beforeAll(async () => {
  sink = await new SmtpSink().start();
  // Counts every delivery attempt (accepted or not); refuses the "bounced" address for good.
  sink.reject = (rcpt) => {
    attempts.set(rcpt, (attempts.get(rcpt) ?? 0) + 1);
    return rcpt.startsWith('bounced') ? { code: 550, message: '5.1.1 no such mailbox' } : null;
  };
  t = await startApp({ MAIL_TRANSPORT: sink.url, SUBSCRIBE_LIMIT_PER_IP: '1000', SUBSCRIBE_LIMIT_PER_ADDRESS: '20' });
  repo = t.app.get(SubscriberRepository);
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

const idle = (): Promise<void> => t.app.get(SubscriberMailer).idle();
const api = (body: unknown): Promise<Response> => postJson(`${t.url}/api/subscriptions`, body);

async function mailTo(email: string, trigger: () => Promise<unknown>): Promise<ParsedMail> {
  const before = sink.to(email).length;
  await trigger();
  while (sink.to(email).length <= before) await sink.waitFor(sink.messages.length + 1);
  return sink.to(email)[before].parsed;
}

async function confirmed(email: string): Promise<ParsedMail> {
  const confirm = await mailTo(email, () => api({ email, topics: ['llm'] }));
  return mailTo(email, () => fetch(onTestServer(t.url, linkIn(confirm, '/confirm/'))));
}

/** Status, body and the headers a client could tell apart (not Date). */
async function answer(res: Response, typed?: string): Promise<string> {
  // The form's page repeats the address the visitor typed (and only that): compare with it blanked out.
  const names = ['content-type', ...(typed ? [] : ['content-length', 'etag']), 'cache-control', 'set-cookie', 'location', 'retry-after'];
  const headers = names.map((h) => `${h}: ${res.headers.get(h)}`);
  const text = await res.text();
  if (typed) expect(text).toContain(`<strong>${typed}</strong>`);
  return JSON.stringify({ status: res.status, headers, body: typed ? text.replaceAll(typed, 'ADDRESS') : text });
}

describe('no address enumeration', () => {
  it('answers byte-identically for unknown, pending, confirmed, unsubscribed, bounced and suppressed addresses', async () => {
    await mailTo('pending@example.org', () => api({ email: 'pending@example.org', topics: ['llm'] }));
    await confirmed('confirmed@example.org');
    const leaving = await mailTo('unsubscribed@example.org', () => api({ email: 'unsubscribed@example.org', topics: ['llm'] }));
    await fetch(onTestServer(t.url, listUnsubscribeUrl(leaving)), { method: 'POST' });
    await api({ email: 'bounced@example.org', topics: ['llm'] });
    await idle();
    expect((await repo.findByEmail('bounced@example.org'))?.status).toBe('bounced');
    const welcome = await confirmed('suppressed@example.org');
    const prefs = await openForm(onTestServer(t.url, linkIn(welcome, '/preferences/')));
    await postForm(
      onTestServer(t.url, linkIn(welcome, '/preferences/')),
      { _csrf: prefs.csrf, action: 'delete', confirm: 'yes', neverAgain: 'yes' },
      prefs.cookie,
    );
    expect(await repo.findByEmail('suppressed@example.org')).toBeNull();
    expect(await repo.isSuppressed('suppressed@example.org')).toBe(true);

    const addresses = [
      'unknown@example.org',
      'pending@example.org',
      'confirmed@example.org',
      'unsubscribed@example.org',
      'bounced@example.org',
      'suppressed@example.org',
    ];
    const before = new Map(addresses.map((a) => [a, attempts.get(a) ?? 0]));
    const apiAnswers = [];
    for (const email of addresses) apiAnswers.push(await answer(await api({ email, topics: ['agents'] })));
    const home = await openForm(`${t.url}/`);
    const formAnswers = [];
    for (const email of addresses)
      formAnswers.push(await answer(await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email, topics: 'agents' }, home.cookie), email));
    expect(new Set(apiAnswers).size).toBe(1);
    expect(new Set(formAnswers).size).toBe(1);
    expect(JSON.parse(apiAnswers[0]).status).toBe(202);
    expect(JSON.parse(formAnswers[0]).status).toBe(200);

    await idle();
    const sent = Object.fromEntries(addresses.map((a) => [a, (attempts.get(a) ?? 0) - before.get(a)!]));
    expect(sent).toEqual({
      'unknown@example.org': 2,
      'pending@example.org': 2,
      'confirmed@example.org': 2,
      'unsubscribed@example.org': 2,
      'bounced@example.org': 0,
      'suppressed@example.org': 0,
    });
    expect(sink.to('confirmed@example.org').at(-1)?.parsed.subject).toBe('Your Paperboy preferences link');
    expect(sink.to('unsubscribed@example.org').at(-1)?.parsed.subject).toBe('Confirm your Paperboy subscription');
    // The deleted subscriber's old links died with the row.
    expect((await fetch(onTestServer(t.url, linkIn(welcome, '/preferences/')))).status).toBe(404);
  });
});

describe('tokens', () => {
  it('forged, expired, mis-purposed and foreign tokens get the 404 page and change nothing', async () => {
    const email = 'tokens@example.org';
    const mail = await mailTo(email, () => api({ email, topics: ['llm'] }));
    const s = (await repo.findByEmail(email))!;
    const links = t.app.get(SubscriberLinks);
    const confirmToken = linkIn(mail, '/confirm/').split('/').pop()!;
    const unsubscribeToken = listUnsubscribeUrl(mail).split('/').pop()!;
    const [payload, mac] = confirmToken.split('.');
    const long = Date.now() - 400 * 86400_000;
    const bad = [
      ['GET', `/confirm/${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`],
      ['GET', `/confirm/${links.token(s, 'confirm', { now: new Date(Date.now() - 49 * 3600_000) })}`],
      ['GET', `/confirm/${links.token({ id: s.id, linkKey: SubscriberLinks.newLinkKey() }, 'confirm')}`],
      ['GET', `/confirm/${unsubscribeToken}`],
      ['GET', `/preferences/${confirmToken}`],
      ['GET', `/preferences/${links.token(s, 'preferences', { now: new Date(Date.now() - 91 * 86400_000) })}`],
      ['GET', `/unsubscribe/${confirmToken}`],
      ['POST', `/unsubscribe/${confirmToken}`],
      ['POST', `/unsubscribe/${links.token(s, 'unsubscribe', { now: new Date(long - 86400_000) })}`],
      ['GET', '/confirm/not-a-token'],
      ['GET', '/preferences/..%2F..%2Fvar%2Fsecret-key'],
    ];
    const snapshot = JSON.stringify(await repo.findById(s.id));
    for (const [method, path] of bad) {
      const res = await fetch(`${t.url}${path}`, { method, redirect: 'manual' });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('This link does not work');
    }
    expect(JSON.stringify(await repo.findById(s.id))).toBe(snapshot);
    expect((await fetch(onTestServer(t.url, linkIn(mail, '/confirm/')))).status).toBe(200);
  });

  it('a confirmation link sent before the person unsubscribed is dead, even after they subscribe again', async () => {
    const email = 'withdrawn@example.org';
    const first = await mailTo(email, () => api({ email, topics: ['llm'] }));
    await fetch(onTestServer(t.url, listUnsubscribeUrl(first)), { method: 'POST' });
    const second = await mailTo(email, () => api({ email, topics: ['agents'] }));
    expect((await fetch(onTestServer(t.url, linkIn(first, '/confirm/')))).status).toBe(404);
    expect((await repo.findByEmail(email))?.status).toBe('pending');
    expect((await fetch(onTestServer(t.url, linkIn(second, '/confirm/')))).status).toBe(200);
    expect(await repo.findByEmail(email)).toMatchObject({ status: 'confirmed', topics: ['agents'] });
  });

  it('a GET of the unsubscribe link changes nothing', async () => {
    const welcome = await confirmed('get-only@example.org');
    const snapshot = JSON.stringify(await repo.findByEmail('get-only@example.org'));
    const res = await fetch(onTestServer(t.url, listUnsubscribeUrl(welcome)));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Unsubscribe?');
    expect(JSON.stringify(await repo.findByEmail('get-only@example.org'))).toBe(snapshot);
  });
});

describe('bad input', () => {
  it('names an invalid email (400, JSON and form) and stores nothing', async () => {
    const res = await api({ email: 'not-an-email', topics: ['llm'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid email address "not-an-email": it must look like name@example.org',
    });
    const home = await openForm(`${t.url}/`);
    const form = await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email: 'x@y', topics: 'llm' }, home.cookie);
    expect(form.status).toBe(400);
    const html = await form.text();
    expect(html).toContain('invalid email address &quot;x@y&quot;: it has an invalid domain after the @');
    expect(html).toMatch(/id="email"[^>]*aria-invalid="true"/);
  });

  it('names unknown topics and lists the valid slugs', async () => {
    const slugs = ((await (await fetch(`${t.url}/api/topics`)).json()) as { slug: string }[]).map((x) => x.slug).sort();
    expect(slugs.length).toBeGreaterThan(5);
    const res = await api({ email: 'topics@example.org', topics: ['llm', 'quantum-gravity', 'astrology'] });
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toBe(`unknown topics "quantum-gravity", "astrology"; valid topics: ${slugs.join(', ')}`);
    const none = await api({ email: 'topics@example.org', topics: [] });
    expect(((await none.json()) as { message: string }).message).toBe('choose at least one topic or write your own keywords');
    expect(await repo.findByEmail('topics@example.org')).toBeNull();
  });

  it.each([
    [{ email: 'a@example.org', topics: Array(41).fill('llm') }, 'topics: Too big'],
    [{ email: 'a@example.org', topics: ['llm'], keywords: 'x'.repeat(301) }, 'keywords are 301 characters long; the limit is 300'],
    [{ email: 'a@example.org', topics: ['llm'], keywords: 'graph (neural' }, 'keywords: '],
    [{ email: 'a@example.org', topics: ['llm'], frequency: 'hourly' }, 'frequency must be one of daily, weekly, got "hourly"'],
    [{ email: 'a@example.org', topics: ['llm'], timezone: 'Mars/Olympus' }, 'timezone must be an IANA zone name'],
    [{ email: 'a@example.org', topics: ['llm'], hour: 24 }, 'hour must be a whole number from 0 to 23, got "24"'],
    [{ email: 'a@example.org', topics: ['llm'], admin: true }, 'unknown field: admin'],
    [{ email: `${'a'.repeat(600)}@example.org`, topics: ['llm'] }, 'email: Too big'],
  ])('refuses %j', async (body, expected) => {
    const res = await api(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(expected);
  });
});

describe('keywords containing <script>', () => {
  it('are shown escaped on every page and in every email', async () => {
    const email = 'script@example.org';
    const keywords = '<script>alert(1)</script>';
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    const home = await openForm(`${t.url}/`);
    const invalid = await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email: 'nope', topics: 'llm', keywords }, home.cookie);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain(`value="${escaped}"`);
    expect(invalidHtml).not.toContain(keywords);

    const confirm = await mailTo(email, () => postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email, topics: 'llm', keywords }, home.cookie));
    const welcome = await mailTo(email, () => fetch(onTestServer(t.url, linkIn(confirm, '/confirm/'))));
    const manage = await mailTo(email, () => api({ email, topics: ['llm'] }));
    for (const mail of [confirm, welcome, manage]) {
      expect(mail.html).toContain(escaped);
      expect(mail.html).not.toMatch(/<script/i);
      expect(mail.text).toContain(`your keywords: ${keywords}`); // text/plain shows the characters as typed
    }
    const prefs = await fetch(onTestServer(t.url, linkIn(welcome, '/preferences/')));
    const prefsHtml = await prefs.text();
    expect(prefsHtml).toContain(`value="${escaped}"`);
    expect(prefsHtml).not.toContain(keywords);
  });
});

describe('the outbox with an SMTP transport', () => {
  it('does not exist', async () => {
    expect((await fetch(`${t.url}/outbox`)).status).toBe(404);
  });
});
