import { UnauthorizedError } from '../common/errors.js';

/** A provider's report about one address, reduced to what Paperboy acts on. */
export interface MailEvent {
  kind: 'hard' | 'soft' | 'complaint';
  email: string;
  /** Unique per provider event and address: a provider's retry of the same event changes nothing twice. */
  key: string;
  detail: string;
}

/** A request whose origin could not be verified: 401, and its body is not acted on. */
export class UnverifiedWebhookError extends UnauthorizedError {}

/** What a request to `/webhooks/mail/:provider` carries, unparsed. */
export interface WebhookRequest {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new UnverifiedWebhookError(`${what}: the body is not JSON`);
  }
}

/** Signed timestamps older (or newer) than this are replays or clock trouble. */
export const TIMESTAMP_TOLERANCE_S = 15 * 60;
