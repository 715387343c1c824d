import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Every HMAC and secret comparison of the app, in one place.
 *
 * Values signed with SECRET_KEY (links in emails, CSRF fields, admin session ids) use one scheme:
 *
 *   mac = HMAC-SHA256(HMAC-SHA256(SECRET_KEY, "paperboy/<purpose>/v2"), part1 "\n" part2 …)
 *
 * The derived key separates the purposes, so a MAC made for one is worthless for another.
 * Verification also accepts the scheme each purpose used before (v1, below), so a link already
 * sitting in someone's mailbox, a form opened before an upgrade and a live admin session keep working.
 */
export type MacPurpose = 'link' | 'csrf' | 'admin-session';

const LEGACY: Record<MacPurpose, (secret: string, parts: readonly string[]) => Buffer> = {
  link: (secret, parts) => hmac(secret, `paperboy-link-v1\n${parts.join('\n')}`),
  csrf: (secret, parts) => hmac(`csrf:${secret}`, parts.join('\n')),
  'admin-session': (secret, parts) => hmac(`admin-session:${secret}`, parts.join('\n')),
};

export class Signer {
  private readonly keys = new Map<MacPurpose, Buffer>();

  constructor(private readonly secret: string) {}

  /** The MAC of `parts` for `purpose` under the current scheme. */
  mac(purpose: MacPurpose, ...parts: string[]): Buffer {
    return hmac(this.key(purpose), parts.join('\n'));
  }

  /** Every MAC `parts` may carry for `purpose`: the current scheme first, then the one before it. */
  accepted(purpose: MacPurpose, ...parts: string[]): Buffer[] {
    return [this.mac(purpose, ...parts), LEGACY[purpose](this.secret, parts)];
  }

  /** True when `given` is a MAC of `parts` for `purpose` under any accepted scheme; constant time per scheme. */
  verify(purpose: MacPurpose, given: Buffer, ...parts: string[]): boolean {
    return this.accepted(purpose, ...parts).some((expected) => sameBytes(given, expected));
  }

  private key(purpose: MacPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) this.keys.set(purpose, (key = hmac(this.secret, `paperboy/${purpose}/v2`)));
    return key;
  }
}

/** Constant-time equality of two byte strings (false for different lengths). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two strings, e.g. a configured token and the one a request carries. */
export function sameText(a: string, b: string): boolean {
  return sameBytes(Buffer.from(a), Buffer.from(b));
}

/** Compares a presented secret with the expected one through their SHA-256, so lengths leak nothing. */
export function sameSecret(given: string, expected: string | Buffer): boolean {
  return timingSafeEqual(sha256(given), Buffer.isBuffer(expected) ? expected : sha256(expected));
}

export function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function hmac(key: string | Buffer, message: string | Buffer): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

/** `X-Paperboy-Signature: sha256=<hex HMAC-SHA256 of the body under WEBHOOK_SECRET>` (PRODUCT.md). */
export const SIGNATURE_HEADER = 'X-Paperboy-Signature';

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${hmac(secret, body).toString('hex')}`;
}

/** Constant-time check of a signature header against the raw body. */
export function verifyBody(secret: string, body: Buffer | string, header: string | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  return sameBytes(Buffer.from(header.trim().slice(7).toLowerCase(), 'hex'), hmac(secret, body));
}
