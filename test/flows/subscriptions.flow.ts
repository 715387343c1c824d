import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { SUBSCRIBE_ANSWER } from '../../src/subscribers/subscribers.service.js';
import type { StartApp, TestApp } from '../support/app.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { anchorHref, headerText, linkIn, listUnsubscribeUrl, onTestServer, openForm, postForm, postJson } from '../support/web.js';

/**
 * Subscribing by form and JSON API, confirming, preferences and leaving, with every email checked.
 * Run on SQLite by test/e2e/subscriptions.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeSubscriptions(start: StartApp): void {
  let sink: SmtpSink;
  let t: TestApp;
  let repo: SubscriberRepository;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url, SUBSCRIBE_LIMIT_PER_IP: '1000', SUBSCRIBE_LIMIT_PER_ADDRESS: '20' });
    repo = t.app.get(SubscriberRepository);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** Waits for the next message to `to`, counting those it already got. */
  async function nextMailTo(to: string): Promise<ParsedMail> {
    const before = sink.to(to).length;
    await waitUntil(() => sink.to(to).length > before);
    return sink.to(to)[before].parsed;
  }

  /** Resolves when `ready()` holds; checked each time a message arrives (no timers). */
  async function waitUntil(ready: () => boolean): Promise<void> {
    while (!ready()) await sink.waitFor(sink.messages.length + 1);
  }

  /** What every Paperboy email must carry (PRODUCT.md, "Every email"). */
  function expectWellFormed(mail: ParsedMail): void {
    expect(mail.html).toBeTruthy();
    expect(mail.text?.trim()).toBeTruthy();
    const unsubscribe = listUnsubscribeUrl(mail);
    expect(unsubscribe.startsWith(`${t.config.publicUrl}/unsubscribe/`)).toBe(true);
    expect(unsubscribe.split('/').pop()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(headerText(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headerText(mail, 'list-id')).toContain(`<papers.${new URL(t.config.publicUrl).hostname}>`);
    expect(anchorHref(mail.html as string, /^Unsubscribe$/)).toBe(unsubscribe);
    expect(mail.text).toContain(`Unsubscribe: ${unsubscribe}`);
  }

  async function stored(email: string) {
    const s = await repo.findByEmail(email);
    if (!s) throw new Error(`${email} is not stored`);
    return s;
  }

  /** From the welcome mail on: confirm, change preferences, one-click unsubscribe, then silence. */
  async function confirmManageAndLeave(email: string, confirmMail: ParsedMail): Promise<void> {
    const confirm = await fetch(onTestServer(t.url, linkIn(confirmMail, '/confirm/')));
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('You are subscribed');
    expect((await stored(email)).status).toBe('confirmed');

    const welcome = await nextMailTo(email);
    expect(welcome.subject).toBe('Welcome to Paperboy: you are subscribed');
    expectWellFormed(welcome);

    const prefsUrl = onTestServer(t.url, linkIn(welcome, '/preferences/'));
    const page = await openForm(prefsUrl);
    expect(page.status).toBe(200);
    const saved = await postForm(
      prefsUrl,
      {
        _csrf: page.csrf,
        action: 'save',
        topics: ['quantization', 'graph-learning'],
        keywords: 'kv cache, "speculative decoding"',
        frequency: 'daily',
        hour: '6',
        timezone: 'America/New_York',
      },
      page.cookie,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toMatch(/\?done=saved$/);
    expect(await stored(email)).toMatchObject({
      topics: ['quantization', 'graph-learning'],
      keywords: 'kv cache, "speculative decoding"',
      frequency: 'daily',
      deliveryHour: 6,
      timezone: 'America/New_York',
      status: 'confirmed',
    });

    // RFC 8058: what a mail client sends, with no cookie, session or CSRF field.
    const oneClick = await fetch(onTestServer(t.url, listUnsubscribeUrl(welcome)), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();
    expect(await oneClick.text()).toContain('You are unsubscribed');
    const after = await stored(email);
    expect(after.status).toBe('unsubscribed');
    expect(after.unsubscribedAt).toBeInstanceOf(Date);

    await t.app.get(SubscriberMailer).idle();
    expect(sink.to(email)).toHaveLength(2); // the confirmation and the welcome, nothing after leaving
  }

  describe('subscribing through the form', () => {
    it('confirms, welcomes, changes preferences and leaves with one click', async () => {
      const home = await openForm(`${t.url}/`);
      expect(home.status).toBe(200);
      expect(home.csrf).not.toBe('');
      expect(home.cookie).toMatch(/^pb_csrf=/);

      const nextMail = nextMailTo('reader.one@example.org');
      const res = await postForm(
        `${t.url}/subscribe`,
        {
          _csrf: home.csrf,
          email: '  Reader.One@EXAMPLE.org ',
          topics: ['llm', 'agents'],
          keywords: 'tool use',
          frequency: 'weekly',
          timezone: 'Europe/Paris',
        },
        home.cookie,
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Check your inbox');

      const mail = await nextMail;
      expect(mail.subject).toBe('Confirm your Paperboy subscription');
      expectWellFormed(mail);
      expect(await stored('reader.one@example.org')).toMatchObject({
        status: 'pending',
        topics: ['llm', 'agents'],
        keywords: 'tool use',
        frequency: 'weekly',
        timezone: 'Europe/Paris',
        deliveryHour: t.config.digest.defaultHour,
        confirmedAt: null,
      });
      await confirmManageAndLeave('reader.one@example.org', mail);
    });

    it('serves / with security headers and an HttpOnly, SameSite CSRF cookie', async () => {
      const res = await fetch(`${t.url}/`);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "object-src 'none'", "base-uri 'none'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.getSetCookie().join()).toMatch(/^pb_csrf=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    });

    it('refuses a form posted without the CSRF field or cookie, and stores nothing', async () => {
      const home = await openForm(`${t.url}/`);
      const noField = await postForm(`${t.url}/subscribe`, { email: 'csrf@example.org', topics: 'llm' }, home.cookie);
      const noCookie = await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email: 'csrf@example.org', topics: 'llm' });
      const otherCookie = await postForm(`${t.url}/subscribe`, { _csrf: home.csrf, email: 'csrf@example.org', topics: 'llm' }, `pb_csrf=${'A'.repeat(43)}`);
      for (const res of [noField, noCookie, otherCookie]) {
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('This form has expired');
      }
      expect(await repo.findByEmail('csrf@example.org')).toBeNull();
    });
  });

  describe('subscribing through the JSON API', () => {
    it('answers 202, then the same confirm → welcome → preferences → one-click flow works', async () => {
      const nextMail = nextMailTo('api.reader@example.org');
      const res = await postJson(`${t.url}/api/subscriptions`, {
        email: 'api.reader@example.org',
        topics: ['multimodal'],
        keywords: 'video llm',
        frequency: 'daily',
        timezone: 'Asia/Tokyo',
        hour: 7,
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual(SUBSCRIBE_ANSWER);
      const mail = await nextMail;
      expectWellFormed(mail);
      expect(await stored('api.reader@example.org')).toMatchObject({ status: 'pending', timezone: 'Asia/Tokyo', deliveryHour: 7 });
      await confirmManageAndLeave('api.reader@example.org', mail);
    });

    it('asks for JSON', async () => {
      const res = await fetch(`${t.url}/api/subscriptions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=x@example.org' });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    });
  });

  describe('links in every email', () => {
    it('confirming twice is harmless: same page, one welcome email', async () => {
      const email = 'twice@example.org';
      const nextMail = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['code'] });
      const link = onTestServer(t.url, linkIn(await nextMail, '/confirm/'));
      const pages = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(link);
        expect(res.status).toBe(200);
        // The page carries a freshly signed preferences link; everything else is the same.
        pages.push((await res.text()).replace(/\/preferences\/[A-Za-z0-9_.-]+/g, '/preferences/TOKEN'));
      }
      expect(pages[0]).toContain('You are subscribed');
      expect(pages[1]).toBe(pages[0]);
      await t.app.get(SubscriberMailer).idle();
      expect(sink.to(email).map((m) => m.parsed.subject)).toEqual(['Confirm your Paperboy subscription', 'Welcome to Paperboy: you are subscribed']);
    });

    it('subscribing again while confirmed mails a fresh preferences link, well formed, changing nothing', async () => {
      const email = 'again@example.org';
      const confirming = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['robotics'] });
      const confirm = await confirming;
      const welcome = nextMailTo(email);
      await fetch(onTestServer(t.url, linkIn(confirm, '/confirm/')));
      expect((await welcome).subject).toBe('Welcome to Paperboy: you are subscribed');
      const manage = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['medical'], frequency: 'weekly' });
      const mail = await manage;
      expect(mail.subject).toBe('Your Paperboy preferences link');
      expectWellFormed(mail);
      expect(await stored(email)).toMatchObject({ status: 'confirmed', topics: ['robotics'], frequency: 'daily' });
      const prefs = await fetch(onTestServer(t.url, linkIn(mail, '/preferences/')));
      expect(prefs.status).toBe(200);
      expect(await prefs.text()).toContain(email);
    });

    it('the visible unsubscribe link opens a one-button page (changing nothing) whose button unsubscribes', async () => {
      const email = 'visible@example.org';
      const next = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['video'] });
      const mail = await next;
      const link = onTestServer(t.url, anchorHref(mail.html as string, /^Unsubscribe$/));
      for (let i = 0; i < 2; i++) {
        const page = await fetch(link);
        expect(page.status).toBe(200);
        const html = await page.text();
        expect(html.match(/<button[^>]*>Unsubscribe<\/button>/g)).toHaveLength(1);
        expect(html).toMatch(/<button type="submit" name="action" value="pause" class="button">Pause emails<\/button>/); // the gentler way out
        expect(html).toContain(`action="${new URL(link).pathname}"`);
        expect((await stored(email)).status).toBe('pending');
      }
      const res = await fetch(link, { method: 'POST', redirect: 'manual' });
      expect(res.status).toBe(200);
      expect((await stored(email)).status).toBe('unsubscribed');
    });
  });

  describe('the preferences page', () => {
    it('pauses and resumes, exports my data, brings me back, refuses an empty choice, and deletes me', async () => {
      const email = 'prefs@example.org';
      const confirming = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['llm'], keywords: 'rlhf' });
      const confirm = await confirming;
      const welcoming = nextMailTo(email);
      await fetch(onTestServer(t.url, linkIn(confirm, '/confirm/')));
      const prefsUrl = onTestServer(t.url, linkIn(await welcoming, '/preferences/'));
      const page = await openForm(prefsUrl);
      const act = (action: string, extra: Record<string, string | string[]> = {}): Promise<Response> =>
        postForm(prefsUrl, { _csrf: page.csrf, action, ...extra }, page.cookie);

      expect((await act('pause')).status).toBe(303);
      expect((await stored(email)).paused).toBe(true);
      expect(await (await fetch(`${prefsUrl}?done=paused`)).text()).toContain('Paused: no emails until you resume.');
      expect((await act('resume')).status).toBe(303);
      expect((await stored(email)).paused).toBe(false);

      const exported = await act('export');
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toBe('attachment; filename="paperboy-my-data.json"');
      const data = (await exported.json()) as Record<string, unknown>;
      expect(data).toMatchObject({ email, status: 'confirmed', topics: ['llm'], keywords: 'rlhf', frequency: 'daily', paused: false });
      expect(Object.keys(data)).not.toContain('linkKey');
      expect(Object.keys(data)).not.toContain('id');

      expect((await act('unsubscribe')).status).toBe(303);
      expect((await stored(email)).status).toBe('unsubscribed');
      // Coming back goes through a fresh confirmation: the old link alone does not re-subscribe.
      const reconfirming = nextMailTo(email);
      expect((await act('resubscribe')).status).toBe(303);
      expect((await stored(email)).status).toBe('pending');
      const confirmLink = onTestServer(t.url, linkIn(await reconfirming, '/confirm/'));
      const rewelcoming = nextMailTo(email);
      await fetch(confirmLink);
      expect((await rewelcoming).subject).toMatch(/welcome/i);
      expect((await stored(email)).status).toBe('confirmed');

      const empty = await act('save', { keywords: '', frequency: 'daily', hour: '8', timezone: 'UTC' });
      expect(empty.status).toBe(400);
      expect(await empty.text()).toContain('choose at least one topic or write your own keywords');
      expect((await stored(email)).topics).toEqual(['llm']);

      const unconfirmed = await act('delete');
      expect(unconfirmed.status).toBe(400);
      expect(await repo.findByEmail(email)).not.toBeNull();
      const deleted = await act('delete', { confirm: 'yes' });
      expect(deleted.status).toBe(200);
      expect(await deleted.text()).toContain('Your data is deleted');
      expect(await repo.findByEmail(email)).toBeNull();
      expect(await repo.isSuppressed(email)).toBe(false);
      expect((await fetch(prefsUrl)).status).toBe(404);

      // Deleted without "never again": the address may subscribe afresh.
      const fresh = nextMailTo(email);
      await postJson(`${t.url}/api/subscriptions`, { email, topics: ['llm'] });
      expect((await fresh).subject).toBe('Confirm your Paperboy subscription');
    });
  });
}
