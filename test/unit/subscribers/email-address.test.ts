import { describe, expect, it } from '@jest/globals';
import { normalizeEmail, suppressionHash } from '../../../src/subscribers/email-address.js';

describe('normalizeEmail', () => {
  it('trims and lowercases the whole address, keeping dots and +tags', () => {
    expect(normalizeEmail('  Ann.Lee+Papers@Example.ORG ')).toEqual({ ok: true, email: 'ann.lee+papers@example.org' });
  });

  it('turns an internationalized domain into its ASCII form', () => {
    expect(normalizeEmail('ann@Bücher.example')).toEqual({ ok: true, email: 'ann@xn--bcher-kva.example' });
  });

  it.each([
    ['', 'is empty'],
    ['ann', 'must look like name@example.org'],
    ['ann@', 'must look like name@example.org'],
    ['@example.org', 'must look like name@example.org'],
    ['ann@localhost', 'has an invalid domain after the @'],
    ['ann@exa_mple.org', 'has an invalid domain after the @'],
    ['a nn@example.org', 'has characters that are not allowed before the @'],
    ['ann..lee@example.org', 'has characters that are not allowed before the @'],
    ['ann@example.org\r\nBcc: x@evil.example', 'has characters that are not allowed before the @'],
    [`${'a'.repeat(65)}@example.org`, 'has a name part longer than 64 characters'],
    [`ann@${'a'.repeat(250)}.org`, 'is longer than 254 characters'],
  ])('rejects %j: it %s', (input, problem) => {
    expect(normalizeEmail(input)).toEqual({ ok: false, problem });
  });

  it('hashes for the suppression list without keeping the address', () => {
    const h = suppressionHash('ann@example.org');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toBe(suppressionHash('ann@example.com'));
  });
});
