import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SIGN_IN_ATTEMPTS } from '../../src/admin/admin-session.js';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';

let t: TestApp;

// Behind a (simulated) reverse proxy, so each test client has its own address.
beforeAll(async () => {
  t = await startApp({ TRUST_PROXY: '1' });
});
afterAll(async () => t?.close());

/** Posts the sign-in form from client `ip` with a fresh CSRF cookie and field. */
async function signIn(ip: string, token: string): Promise<{ status: number; html: string; retryAfter: string | null; cookie: string | null }> {
  const page = await fetch(`${t.url}/admin`, { headers: { 'x-forwarded-for': ip } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const csrfCookie = page.headers
    .getSetCookie()
    .find((c) => c.startsWith('pb_csrf='))!
    .split(';')[0];
  const res = await fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, 'x-forwarded-for': ip },
    body: new URLSearchParams({ _csrf: csrf, token }),
    redirect: 'manual',
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('pb_admin='));
  return { status: res.status, html: await res.text(), retryAfter: res.headers.get('retry-after'), cookie: session ? session.split(';')[0] : null };
}

describe('admin sign-in', () => {
  it(`is throttled per client after ${SIGN_IN_ATTEMPTS} attempts, even with the right token, without blocking other clients`, async () => {
    for (let i = 0; i < SIGN_IN_ATTEMPTS; i++) expect((await signIn('10.1.0.1', `guess-${i}`)).status).toBe(401);
    const blocked = await signIn('10.1.0.1', TEST_ADMIN_TOKEN);
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toMatch(/^\d+$/);
    expect(blocked.html).toContain('too many sign-in attempts');
    expect(blocked.cookie).toBeNull();
    const other = await signIn('10.1.0.2', TEST_ADMIN_TOKEN);
    expect(other.status).toBe(303);
    expect(other.cookie).not.toBeNull();
  });

  it('keeps sessions server-side: the cookie holds a random value, not an expiry and signature one could mint', async () => {
    const { cookie } = await signIn('10.1.0.3', TEST_ADMIN_TOKEN);
    expect(cookie).toMatch(/^pb_admin=[A-Za-z0-9_-]{43}$/);
    const open = await fetch(`${t.url}/admin`, { headers: { cookie: cookie! } });
    expect(await open.text()).toContain('Recent runs');
    const forged = await fetch(`${t.url}/admin`, { headers: { cookie: `pb_admin=${'B'.repeat(43)}` } });
    expect(await forged.text()).toContain('action="/admin/login"');
  });
});
