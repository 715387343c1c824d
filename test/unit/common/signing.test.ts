import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../../src/config/app-config.js';
import { Signer } from '../../../src/common/signing.js';
import { SubscriberLinks } from '../../../src/subscribers/subscriber-links.service.js';

const secret = 's'.repeat(40);
const config = { secretKey: secret, publicUrl: 'https://papers.example.org/' } as AppConfig;
const ann = { id: 42, linkKey: 'ann-link-key-0123456789ab' };
const now = new Date('2026-01-10T12:00:00Z');

/** A link token exactly as the releases before the one signing module wrote them (the v1 scheme, written out here by hand). */
function v1Token(subject: { id: number; linkKey: string }, code: string, issued: Date, ttlSeconds: number, ref?: string): string {
  const fields = [String(subject.id), code, issued.getTime().toString(36), (issued.getTime() + ttlSeconds * 1000).toString(36)];
  if (ref !== undefined) fields.push(ref);
  const payload = fields.join('.');
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`paperboy-link-v1\n${payload}\n${subject.linkKey}`).digest('base64url');
  return `${Buffer.from(payload).toString('base64url')}.${mac}`;
}

describe('signing: tokens issued before the one signing module keep working', () => {
  const links = new SubscriberLinks(config);

  it.each([
    ['unsubscribe', 'u', undefined],
    ['preferences', 'p', undefined],
    ['confirm', 'c', undefined],
    ['feed', 'f', undefined],
    ['digest', 'd', '1234'],
    ['mute', 'm', 't-llm'],
  ] as const)('accepts a %s link already sitting in a mailbox', (purpose, code, ref) => {
    const token = v1Token(ann, code, now, 3600, ref);
    expect(links.read(token, purpose, now)).toMatchObject({ subscriberId: 42, purpose, ref: ref ?? null });
    expect(links.verify(token, ann)).toBe(true);
    // Still bound to the subscriber's link key and to SECRET_KEY.
    expect(links.verify(token, { id: 42, linkKey: 'another-key' })).toBe(false);
    expect(new SubscriberLinks({ ...config, secretKey: 'x'.repeat(40) }).verify(token, ann)).toBe(false);
  });

  it('issues new links under the current scheme, which differs from v1 and verifies', () => {
    const token = links.token(ann, 'unsubscribe', { now, ttlSeconds: 3600 });
    expect(token).not.toBe(v1Token(ann, 'u', now, 3600));
    expect(token.split('.')[0]).toBe(v1Token(ann, 'u', now, 3600).split('.')[0]);
    expect(links.verify(token, ann)).toBe(true);
  });

  it('keeps CSRF fields and admin session ids of the previous scheme valid, and purposes apart', () => {
    const signer = new Signer(secret);
    const legacyCsrf = createHmac('sha256', Buffer.from(`csrf:${secret}`))
      .update('cookie-value')
      .digest();
    const legacySession = createHmac('sha256', Buffer.from(`admin-session:${secret}`))
      .update('session-value')
      .digest();
    expect(signer.verify('csrf', legacyCsrf, 'cookie-value')).toBe(true);
    expect(signer.verify('admin-session', legacySession, 'session-value')).toBe(true);
    expect(signer.accepted('admin-session', 'session-value').map((b) => b.toString('hex'))).toContain(legacySession.toString('hex'));
    // A MAC made for one purpose is worthless for another, in both schemes.
    expect(signer.verify('csrf', signer.mac('admin-session', 'v'), 'v')).toBe(false);
    expect(signer.verify('admin-session', legacyCsrf, 'cookie-value')).toBe(false);
    expect(signer.verify('csrf', signer.mac('csrf', 'v'), 'w')).toBe(false);
  });
});
