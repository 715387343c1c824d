import type { ParsedMail } from 'mailparser';

/** A page holding a form, with the CSRF cookie and field a browser would have. */
export interface FormPage {
  status: number;
  html: string;
  cookie: string;
  csrf: string;
}

/** GETs a page like a browser: keeps the CSRF cookie it sets (or the one given) and reads the form's field. */
export async function openForm(url: string, cookie = ''): Promise<FormPage> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pb_csrf='));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { status: res.status, html, cookie: set ? set.split(';')[0] : cookie, csrf };
}

/** POSTs a urlencoded form (repeated fields for arrays) without following redirects. */
export function postForm(url: string, fields: Record<string, string | string[]>, cookie = ''): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body,
    redirect: 'manual',
  });
}

export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), redirect: 'manual' });
}

/** The first link in the mail's text part whose path starts with `prefix` (e.g. "/confirm/"). */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const links = (mail.text ?? '').match(/https?:\/\/\S+/g) ?? [];
  const link = links.find((l) => new URL(l).pathname.startsWith(prefix));
  if (!link) throw new Error(`no ${prefix} link in: ${mail.text}`);
  return link;
}

/** A link from an email, fetched from the app under test whatever PUBLIC_URL says: keep the path, use the test origin. */
export function onTestServer(base: string, link: string): string {
  const u = new URL(link);
  return `${base}${u.pathname}${u.search}`;
}

/** The URL inside `List-Unsubscribe: <…>`. */
export function listUnsubscribeUrl(mail: ParsedMail): string {
  const raw = headerText(mail, 'list-unsubscribe');
  const m = /<(https?:\/\/[^>]+)>/.exec(raw);
  if (!m) throw new Error(`no http(s) List-Unsubscribe in "${raw}"`);
  return m[1];
}

/** A header's raw value as text (mailparser turns List-* into objects). */
export function headerText(mail: ParsedMail, name: string): string {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase());
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : '';
}

/** The href of the first anchor in the HTML part whose text is `label`. */
export function anchorHref(html: string, label: RegExp): string {
  for (const m of html.matchAll(/<a\b[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)) {
    if (label.test(m[2].replace(/<[^>]+>/g, '').trim())) return m[1].replace(/&amp;/g, '&');
  }
  throw new Error(`no anchor labelled ${label}`);
}
