import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { startApp, type TestApp } from '../support/app.js';
import { postJson } from '../support/web.js';

let t: TestApp;
let outbox: string;

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  t = await startApp({
    DKIM_DOMAIN: 'papers.example.org',
    DKIM_SELECTOR: 'pb2026',
    DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  outbox = join(t.dir, 'var', 'outbox');
});
afterAll(async () => t?.close());

async function subscribe(email: string): Promise<void> {
  expect((await postJson(`${t.url}/api/subscriptions`, { email, topics: ['llm'] })).status).toBe(202);
  await t.app.get(SubscriberMailer).idle();
}

describe('the file outbox', () => {
  it('writes each message as an .eml file, DKIM-signed over the List-* headers', async () => {
    await subscribe('first@example.org');
    const files = readdirSync(outbox);
    const eml = files.filter((f) => f.endsWith('.eml'));
    expect(eml).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]); // no half-written temporaries left
    const raw = readFileSync(join(outbox, eml[0]), 'utf8');
    expect(raw).toMatch(/^Subject: Confirm your Paperboy subscription\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    const dkim = /^DKIM-Signature: ([\s\S]*?)\r\n(?=\S)/m.exec(raw)?.[1].replace(/\s+/g, '') ?? '';
    expect(dkim).toContain('d=papers.example.org;');
    expect(dkim).toContain('s=pb2026;');
    const signed = /(?:^|;)h=([^;]+)/.exec(dkim)![1].toLowerCase().split(':');
    expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']));
  });

  it('lists messages newest first at /outbox, each viewable safely and as raw .eml', async () => {
    await subscribe('second@example.org');
    const list = await fetch(`${t.url}/outbox`);
    expect(list.status).toBe(200);
    const html = await list.text();
    const names = [...html.matchAll(/href="\/outbox\/([^"/]+)"/g)].map((m) => m[1]);
    expect(names).toHaveLength(2);
    expect(html.indexOf('second@example.org')).toBeLessThan(html.indexOf('first@example.org'));
    expect(html).toContain('Confirm your Paperboy subscription');

    const view = await fetch(`${t.url}/outbox/${names[0]}`);
    expect(view.status).toBe(200);
    const viewHtml = await view.text();
    expect(viewHtml).toContain(`<iframe class="mail-frame" src="/outbox/${names[0]}/html"`);
    expect(viewHtml).toMatch(/<iframe[^>]*sandbox="/);
    expect(viewHtml).toContain(`Unsubscribe: ${t.config.publicUrl}/unsubscribe/`); // the text part

    const part = await fetch(`${t.url}/outbox/${names[0]}/html`);
    expect(part.status).toBe(200);
    const csp = part.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(await part.text()).toContain('Yes, send me papers');

    const raw = await fetch(`${t.url}/outbox/${names[0]}.eml`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toBe(readFileSync(join(outbox, `${names[0]}.eml`), 'utf8'));
  });

  it.each([
    '..%2F..%2Fpaperboy.sqlite',
    '..%2Fsecret-key',
    '.eml',
    '%00',
    '20250101T000000000Z-00000000',
    '20250101T000000000Z-00000000.eml',
    'x.eml',
    '20250101T000000000Z-00000000/html',
  ])('answers 404 for /outbox/%s', async (name) => {
    const res = await fetch(`${t.url}/outbox/${name}`);
    expect(res.status).toBe(404);
  });
});

describe('the outbox in production', () => {
  it('is not served, even with the file transport: its messages hold live links', async () => {
    const prod = await startApp({ NODE_ENV: 'production' });
    try {
      expect(prod.config.mail.transport.startsWith('file:')).toBe(true);
      expect((await fetch(`${prod.url}/outbox`)).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
