import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Paperboy-Signature: sha256=<hex HMAC-SHA256 of the body under WEBHOOK_SECRET>` (PRODUCT.md). */
export const SIGNATURE_HEADER = 'X-Paperboy-Signature';

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a signature header against the raw body. */
export function verifyBody(secret: string, body: Buffer | string, header: string | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  const given = Buffer.from(header.trim().slice(7).toLowerCase(), 'hex');
  const expected = Buffer.from(signBody(secret, body).slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
