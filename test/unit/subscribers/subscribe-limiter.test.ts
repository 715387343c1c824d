import { describe, expect, it } from '@jest/globals';
import { clientKey, mailboxKey, WindowCounter } from '../../../src/subscribers/subscribe.limiter.js';

describe('WindowCounter', () => {
  it('allows `limit` hits per window and then says how long to wait', () => {
    const c = new WindowCounter(2, 60_000);
    expect([c.hit('a', 0), c.hit('a', 1), c.hit('a', 2), c.hit('b', 2)]).toEqual([0, 0, 60, 0]);
    expect(c.hit('a', 60_000)).toBe(0);
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses and folds IPv6 ones to their /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:aa:1::1')).toBe(clientKey('2001:0db8:00aa:0001:ffff:1:2:3'));
    expect(clientKey('2001:db8:aa:1::1')).not.toBe(clientKey('2001:db8:aa:2::1'));
  });
});

describe('mailboxKey', () => {
  it('folds case and drops the +tag, keeping addresses that are only a tag', () => {
    expect(mailboxKey('Ann+News@Example.org')).toBe('ann@example.org');
    expect(mailboxKey('ann+a+b@example.org')).toBe('ann@example.org');
    expect(mailboxKey('ann@example.org')).toBe('ann@example.org');
    expect(mailboxKey('+only@example.org')).toBe('+only@example.org');
  });
});
