import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../../src/config/app-config.js';
import { LINK_TTL_SECONDS, SubscriberLinks } from '../../../src/subscribers/subscriber-links.service.js';

const config = { secretKey: 'k'.repeat(40), publicUrl: 'https://papers.example.org/' } as AppConfig;
const links = new SubscriberLinks(config);
const ann = { id: 42, linkKey: SubscriberLinks.newLinkKey() };
const now = new Date('2026-01-10T12:00:00Z');

describe('SubscriberLinks', () => {
  it('builds purpose-bound, verifiable links under PUBLIC_URL', () => {
    const url = links.preferencesUrl(ann, { now });
    expect(url).toMatch(/^https:\/\/papers\.example\.org\/preferences\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const token = url.split('/').pop()!;
    const claims = links.read(token, 'preferences', now);
    expect(claims).toMatchObject({ subscriberId: 42, purpose: 'preferences', ref: null });
    expect(claims!.expiresAt.getTime() - now.getTime()).toBe(LINK_TTL_SECONDS.preferences * 1000);
    expect(links.verify(token, ann)).toBe(true);
  });

  it('refuses another purpose, an expired token and a token of another key or secret', () => {
    const token = links.token(ann, 'confirm', { now });
    expect(links.read(token, 'unsubscribe', now)).toBeNull();
    expect(links.read(token, 'confirm', new Date(now.getTime() + LINK_TTL_SECONDS.confirm * 1000))).toBeNull();
    expect(links.verify(token, { id: 42, linkKey: SubscriberLinks.newLinkKey() })).toBe(false);
    const otherSecret = new SubscriberLinks({ ...config, secretKey: 'x'.repeat(40) });
    expect(otherSecret.verify(token, ann)).toBe(false);
  });

  it('refuses a token whose payload was edited (another subscriber id) or whose MAC was altered', () => {
    const token = links.token(ann, 'unsubscribe', { now });
    const [payload, mac] = token.split('.');
    const edited = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(/^42\./, '43.')).toString('base64url');
    expect(links.verify(`${edited}.${mac}`, { id: 43, linkKey: ann.linkKey })).toBe(false);
    const flipped = `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(links.verify(flipped, ann)).toBe(false);
    for (const junk of ['', 'abc', `${payload}.`, `${payload}.${mac}x`, '../../etc/passwd']) expect(links.read(junk, 'unsubscribe', now)).toBeNull();
  });

  it('signs a digest id into the web-view link', () => {
    const url = links.digestUrl(ann, 'run-7', { now });
    expect(url).toMatch(/^https:\/\/papers\.example\.org\/digests\/run-7\//);
    const claims = links.read(url.split('/').pop()!, 'digest', now);
    expect(claims?.ref).toBe('run-7');
  });
});
