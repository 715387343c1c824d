import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * Addresses are stored in one canonical form so that uniqueness, the per-address rate limit and
 * the suppression list cannot be sidestepped by spelling an address differently.
 *
 * Decision on the local part: it is lowercased too. RFC 5321 lets a server treat it as
 * case-sensitive, but no mainstream provider does, and keeping case would let "Ann@x" and
 * "ann@x" be two subscribers (two digests, two rate-limit buckets, a suppression that misses).
 * Dots and "+tags" are kept: they are provider-specific, and people use tags on purpose.
 * Domains are lowercased and IDNs converted to their ASCII (punycode) form.
 */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_MAX_LENGTH = 64;
// The WHATWG HTML "valid e-mail address" grammar: what browsers accept in <input type=email>.
const LOCAL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type EmailCheck = { ok: true; email: string } | { ok: false; problem: string };

export function normalizeEmail(input: string): EmailCheck {
  const raw = input.trim();
  if (raw.length === 0) return { ok: false, problem: 'is empty' };
  if (raw.length > EMAIL_MAX_LENGTH) return { ok: false, problem: `is longer than ${EMAIL_MAX_LENGTH} characters` };
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) return { ok: false, problem: 'must look like name@example.org' };
  const local = raw.slice(0, at).toLowerCase();
  const domain = domainToASCII(raw.slice(at + 1).toLowerCase());
  if (local.length > LOCAL_MAX_LENGTH) return { ok: false, problem: `has a name part longer than ${LOCAL_MAX_LENGTH} characters` };
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, problem: 'has characters that are not allowed before the @' };
  }
  const labels = domain.split('.');
  if (!domain || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return { ok: false, problem: 'has an invalid domain after the @' };
  }
  const email = `${local}@${domain}`;
  return email.length > EMAIL_MAX_LENGTH ? { ok: false, problem: 'is too long' } : { ok: true, email };
}

/**
 * The suppression list keeps only this hash. It is deliberately not keyed with SECRET_KEY:
 * rotating that key must never make Paperboy forget who asked never to be mailed again.
 */
export function suppressionHash(normalizedEmail: string): string {
  return createHash('sha256').update(`paperboy-suppression:${normalizedEmail}`).digest('hex');
}
