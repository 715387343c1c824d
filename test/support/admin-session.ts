import { TEST_ADMIN_TOKEN } from './app.js';

/** Signs in to /admin like a browser without JavaScript and returns the cookie header to send after. */
export async function adminCookie(baseUrl: string): Promise<string> {
  const page = await fetch(`${baseUrl}/admin`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF field on /admin');
  const res = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ _csrf: csrf, token: TEST_ADMIN_TOKEN }),
  });
  if (res.status !== 303) throw new Error(`admin sign-in answered ${res.status}`);
  const all = new Map(cookies.map((c) => [c.slice(0, c.indexOf('=')), c]));
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0];
    all.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...all.values()].join('; ');
}
