import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PinoLogger } from '../../src/common/pino.logger.js';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

let t: TestApp;
let sink: SmtpSink;

/** A browser without JavaScript: keeps cookies (by name), reads forms' CSRF fields, follows nothing by itself. */
class Visitor {
  cookies = new Map<string, string>();
  setCookies: string[] = [];

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; html: string; location: string | null; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${t.url}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: 'manual',
    });
    this.setCookies = res.headers.getSetCookie();
    for (const c of this.setCookies) {
      const [pair] = c.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers };
  }

  /** GETs a page and posts a form found on it with the page's CSRF field. */
  async submit(
    page: string,
    action: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location: string | null; headers: Headers }> {
    const { html } = await this.request(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`no CSRF field on ${page}`);
    return this.request(action, { form: { _csrf: csrf, ...fields } });
  }

  async signIn(): Promise<void> {
    const res = await this.submit('/admin', '/admin/login', { token: TEST_ADMIN_TOKEN });
    expect([res.status, res.location]).toEqual([303, '/admin']);
  }
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_RETRIES: '0' });
  await clearPapers(t.app);
  await ingestDay(t.app, '2026-07-16');
  await addConfirmed(t.app, 'page.reader@example.org', { topics: ['agents'] });
  await addConfirmed(t.app, 'other.reader@example.org', { topics: ['agents'] });
});

afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

describe('signing in to /admin', () => {
  it('shows the sign-in form, refuses a wrong token and a missing CSRF field', async () => {
    const v = new Visitor();
    const login = await v.request('/admin');
    expect(login.status).toBe(200);
    expect(login.html).toContain('action="/admin/login"');
    expect(login.html).not.toContain('Recent runs');
    const wrong = await v.submit('/admin', '/admin/login', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('That is not the admin token.');
    expect(v.cookies.has('pb_admin')).toBe(false);
    const forged = await v.request('/admin/login', { form: { _csrf: 'x', token: TEST_ADMIN_TOKEN } });
    expect(forged.status).toBe(403);
    expect(v.cookies.has('pb_admin')).toBe(false);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie that holds no token, and signing out ends it', async () => {
    const v = new Visitor();
    await v.signIn();
    const cookie = v.setCookies.find((c) => c.startsWith('pb_admin='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\/admin/i);
    expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
    const dashboard = await v.request('/admin');
    expect(dashboard.html).toContain('Recent runs');
    expect(dashboard.html).toMatch(/Signed in as admin <code>[0-9a-f]{8}<\/code>/);
    expect(dashboard.html).not.toContain(TEST_ADMIN_TOKEN);

    // A copy of the cookie (another browser, a stolen one) stops working when the session is signed out.
    const copy = new Visitor();
    copy.cookies.set('pb_admin', v.cookies.get('pb_admin')!);
    expect((await copy.request('/admin')).html).toContain('Recent runs');

    const out = await v.submit('/admin', '/admin/logout', {});
    expect([out.status, out.location]).toEqual([303, '/admin']);
    expect(v.cookies.has('pb_admin')).toBe(false);
    expect((await v.request('/admin')).html).toContain('action="/admin/login"');
    expect(copy.cookies.has('pb_admin')).toBe(true);
    expect((await copy.request('/admin')).html).toContain('action="/admin/login"');
    expect(await copy.request('/admin/runs/1')).toMatchObject({ status: 303, location: '/admin' });
  });

  it('sends every admin page and action back to the sign-in form without a valid session', async () => {
    const v = new Visitor();
    const now = Date.now() + 3600_000;
    for (const cookie of [null, `${now}.${'A'.repeat(43)}`, `${now - 7200_000}.${'A'.repeat(43)}`, 'A'.repeat(43)]) {
      if (cookie) v.cookies.set('pb_admin', cookie);
      for (const path of ['/admin/runs/1', '/admin/preview?email=page.reader@example.org', '/admin/preview/html?email=page.reader@example.org']) {
        expect(await v.request(path)).toMatchObject({ status: 303, location: '/admin' });
      }
      const send = await v.submit('/admin', '/admin/send', { email: 'page.reader@example.org' });
      expect([send.status, send.location]).toEqual([303, '/admin']);
    }
    expect(sink.messages).toHaveLength(0);
  });
});

describe('the admin dashboard', () => {
  const v = new Visitor();
  beforeAll(() => v.signIn());

  it('refuses a form posted without the CSRF field', async () => {
    const res = await v.request('/admin/send', { form: { email: 'page.reader@example.org' } });
    expect(res.status).toBe(403);
    expect(sink.messages).toHaveLength(0);
  });

  it('runs a dry run: who would get how many papers, nothing sent or recorded', async () => {
    const res = await v.submit('/admin', '/admin/send', { all: 'yes', dryRun: 'yes' });
    expect(res.status).toBe(200);
    expect(res.html).toContain('Nothing was sent and nothing was recorded.');
    expect(res.html).toContain('page.reader@example.org');
    expect(res.html).toContain('other.reader@example.org');
    expect(sink.messages).toHaveLength(0);
    expect((await v.request('/admin')).html).toContain('No runs yet.');
  });

  it('sends to one address, then shows the run with its counts and ledger rows', async () => {
    const res = await v.submit('/admin', '/admin/send', { email: 'page.reader@example.org' });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/admin\/runs\/\d+\?done=sent$/);
    await sink.waitFor(1);
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['page.reader@example.org']]);
    const run = await v.request(res.location!);
    expect(run.status).toBe(200);
    const count = (label: string) => new RegExp(`<span class="count-value">(\\d+)</span> <span class="count-label">${label}`).exec(run.html)?.[1];
    expect([count('selected'), count('sent'), count('skipped'), count('failed')]).toEqual(['1', '1', '0', '0']);
    expect(run.html).toMatch(/page\.reader@example\.org<\/td>\s*<td class="nowrap">\d{4}-\d{2}-\d{2}<\/td>\s*<td><span class="pill pill-sent">sent<\/span>/);
    expect(run.html).not.toContain('Retry the failed deliveries');
    expect((await v.request('/admin')).html).toContain(`href="${res.location!.split('?')[0]}"`);
  });

  it("retries a run's failed deliveries from the run page", async () => {
    sink.reject = (rcpt) => (rcpt === 'other.reader@example.org' ? { code: 451, message: 'greylisted' } : null);
    const sent = await v.submit('/admin', '/admin/send', { topic: 'agents' });
    sink.reject = null;
    const runPath = sent.location!.split('?')[0];
    const run = await v.request(runPath);
    expect(run.html).toMatch(/other\.reader@example\.org<\/td>[\s\S]*?pill-failed[\s\S]*?greylisted/);
    const before = sink.messages.length;
    const retry = await v.submit(runPath, `${runPath}/retry`, {});
    expect(retry.status).toBe(303);
    expect(retry.location).toMatch(/^\/admin\/runs\/\d+\?done=retried$/);
    expect(sink.messages.slice(before).map((m) => m.envelopeTo)).toEqual([['other.reader@example.org']]);
    expect(run.html).toContain('Retry the failed deliveries');
    expect((await v.request(runPath)).html).not.toContain('Retry the failed deliveries'); // nothing failed is left in that run
    const direct = await v.submit(retry.location!, `${runPath}/retry`, {});
    expect(direct.status).toBe(400);
    expect(direct.html).toContain('no failed deliveries left to retry');
  });

  it("logs page actions with the session's token id and without the CSRF field", async () => {
    const info = jest.spyOn(PinoLogger.prototype, 'log');
    try {
      await v.submit('/admin', '/admin/send', { email: 'page.reader@example.org', dryRun: 'yes' });
      const line = info.mock.calls.map((c) => c[0] as Record<string, unknown>).find((m) => m.msg === 'admin action' && m.action === 'POST /admin/send');
      expect(line).toMatchObject({
        who: expect.stringMatching(/^[0-9a-f]{8}$/),
        via: 'session',
        fields: { email: 'page.reader@example.org', dryRun: 'yes' },
        status: 200,
      });
      expect(JSON.stringify(info.mock.calls)).not.toMatch(/_csrf|test-admin-token/);
    } finally {
      info.mockRestore();
    }
  });

  it('shows bad input on the dashboard, with the form as it was typed', async () => {
    const res = await v.submit('/admin', '/admin/send', { email: 'nobody@example.org', force: 'yes' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('no subscriber with the address &quot;nobody@example.org&quot;');
    expect(res.html).toContain('value="nobody@example.org"');
    expect(res.html).toMatch(/name="force" value="yes" checked/);
  });

  it('searches subscribers by address and status', async () => {
    const res = await v.request('/admin?q=OTHER&status=confirmed');
    expect(res.html).toContain('1 subscriber found');
    expect(res.html).toContain('other.reader@example.org');
    expect(res.html).not.toContain('<td class="break">page.reader@example.org</td>');
    expect(res.html).toContain('<td class="break">other.reader@example.org</td>');
    // A digest went to other.reader above: the row says when, not "never".
    expect(res.html).not.toContain('<td class="nowrap">never</td>');
    expect(res.html).toMatch(/<td class="nowrap">[^<]*\d[^<]*<\/td>\s*<td><a href="\/admin\/preview/);
    expect((await v.request('/admin?status=bounced')).html).toContain('0 subscribers found');
    expect((await v.request('/admin?status=asleep')).status).toBe(400);
  });

  it("previews a subscriber's digest in a sandboxed frame served under its own CSP", async () => {
    const messages = sink.messages.length;
    await addConfirmed(t.app, 'new.reader@example.org', { topics: ['agents'] }); // no digest yet: today's papers are due
    const page = await v.request('/admin/preview?email=new.reader%40example.org');
    expect(page.status).toBe(200);
    const frame = /<iframe class="mail-frame" src="([^"]+)"[^>]* sandbox="allow-popups allow-popups-to-escape-sandbox"/.exec(page.html);
    const src = (frame?.[1] ?? '').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'); // as the browser reads the attribute
    expect(src).toBe('/admin/preview/html?email=new.reader%40example.org');
    const html = await v.request(src);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(html.html).toContain('new.reader@example.org');
    // A reader whose digest went out has nothing due: the page says so, with no empty frame.
    const none = await v.request('/admin/preview?email=other.reader%40example.org');
    expect(none.status).toBe(200);
    expect(none.html).toContain('Nothing is due');
    expect(none.html).not.toContain('<iframe');
    expect(sink.messages).toHaveLength(messages);
  });
});
