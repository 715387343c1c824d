import { verify as verifySignature, createPublicKey } from 'node:crypto';
import { InvalidInputError } from '../common/errors.js';
import type { IntegrationsConfig } from '../config/app-config.js';
import { hmac, sameText, verifyBody, SIGNATURE_HEADER } from '../http/index.js';
import { header, parseJson, TIMESTAMP_TOLERANCE_S, UnverifiedWebhookError, type MailEvent, type WebhookRequest } from './mail-event.types.js';

function fresh(timestamp: number, now: number): boolean {
  return Number.isFinite(timestamp) && Math.abs(now / 1000 - timestamp) <= TIMESTAMP_TOLERANCE_S;
}

function need<T>(value: T | null, setting: string, provider: string): T {
  if (value === null) throw new UnverifiedWebhookError(`${provider} webhooks are not configured: set ${setting}`);
  return value;
}

/** Postmark: HTTP basic auth in the webhook URL (https://user:TOKEN@host/webhooks/mail/postmark); the password is POSTMARK_WEBHOOK_TOKEN. */
export function verifyPostmark(req: WebhookRequest, config: IntegrationsConfig): void {
  const token = need(config.postmarkToken, 'POSTMARK_WEBHOOK_TOKEN', 'postmark');
  const auth = header(req, 'authorization') ?? '';
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(auth);
  const password = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':').slice(1).join(':') : '';
  if (!sameText(password, token)) throw new UnverifiedWebhookError('postmark: wrong or missing basic auth credentials');
}

const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
const POSTMARK_SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked']);

export function parsePostmark(body: unknown): MailEvent[] {
  const r = body as Record<string, unknown>;
  const email = String(r.Email ?? '');
  const key = `${r.RecordType ?? 'Bounce'}:${r.ID ?? r.MessageID}:${email}`;
  const type = String(r.Type ?? '');
  if (r.RecordType === 'SpamComplaint' || type === 'SpamComplaint') return [{ kind: 'complaint', email, key, detail: `postmark ${type}` }];
  if ((r.RecordType ?? 'Bounce') !== 'Bounce') return [];
  if (POSTMARK_HARD.has(type)) return [{ kind: 'hard', email, key, detail: `postmark ${type}: ${String(r.Details ?? r.Description ?? '')}` }];
  if (POSTMARK_SOFT.has(type)) return [{ kind: 'soft', email, key, detail: `postmark ${type}: ${String(r.Details ?? '')}` }];
  return [];
}

/** SendGrid's Signed Event Webhook: ECDSA (P-256, SHA-256) over timestamp + raw body, with the public key SendGrid shows. */
export function verifySendgrid(req: WebhookRequest, config: IntegrationsConfig, now = Date.now()): void {
  const key = need(config.sendgridPublicKey, 'SENDGRID_WEBHOOK_PUBLIC_KEY', 'sendgrid');
  const signature = header(req, 'x-twilio-email-event-webhook-signature');
  const timestamp = header(req, 'x-twilio-email-event-webhook-timestamp');
  if (!signature || !timestamp) throw new UnverifiedWebhookError('sendgrid: the signature headers are missing');
  if (!fresh(Number(timestamp), now)) throw new UnverifiedWebhookError('sendgrid: the signed timestamp is too old or in the future');
  let ok: boolean;
  try {
    const publicKey = createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    ok = verifySignature('sha256', Buffer.concat([Buffer.from(timestamp), req.body]), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) throw new UnverifiedWebhookError('sendgrid: the signature does not verify');
}

export function parseSendgrid(body: unknown): MailEvent[] {
  if (!Array.isArray(body)) throw new InvalidInputError('sendgrid: the body must be a JSON array of events');
  const out: MailEvent[] = [];
  for (const e of body as Record<string, unknown>[]) {
    const email = String(e.email ?? '');
    // sg_event_id is unique per event; event and address are added because SendGrid's own samples reuse a placeholder id.
    const key = `${String(e.sg_event_id ?? e.sg_message_id)}:${String(e.event)}:${String(e.type ?? '')}:${email}`;
    const why = String(e.reason ?? e.response ?? '');
    if (e.event === 'spamreport') out.push({ kind: 'complaint', email, key, detail: 'sendgrid spamreport' });
    else if (e.event === 'bounce' && e.type === 'blocked') out.push({ kind: 'soft', email, key, detail: `sendgrid blocked: ${why}` });
    else if (e.event === 'bounce') out.push({ kind: 'hard', email, key, detail: `sendgrid bounce: ${why}` });
  }
  return out;
}

/** Mailgun: `signature.signature` is the hex HMAC-SHA256 of timestamp + token under the webhook signing key. */
export function verifyMailgun(body: unknown, config: IntegrationsConfig, now = Date.now()): void {
  const key = need(config.mailgunSigningKey, 'MAILGUN_SIGNING_KEY', 'mailgun');
  const sig = ((body as Record<string, unknown>)?.signature ?? {}) as Record<string, unknown>;
  const [timestamp, token, signature] = [sig.timestamp, sig.token, sig.signature].map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : ''));
  if (!timestamp || !token || !signature) throw new UnverifiedWebhookError('mailgun: the signature object is missing');
  if (!fresh(Number(timestamp), now)) throw new UnverifiedWebhookError('mailgun: the signed timestamp is too old or in the future');
  const expected = hmac(key, timestamp + token).toString('hex');
  if (!sameText(signature.toLowerCase(), expected)) throw new UnverifiedWebhookError('mailgun: the signature does not verify');
}

export function parseMailgun(body: unknown): MailEvent[] {
  const e = ((body as Record<string, unknown>)['event-data'] ?? {}) as Record<string, unknown>;
  const email = String(e.recipient ?? '');
  const key = String(e.id ?? `${e.timestamp}:${email}`);
  const status = (e['delivery-status'] ?? {}) as Record<string, unknown>;
  const why = String(status.description || status.message || e.reason || '');
  if (e.event === 'complained') return [{ kind: 'complaint', email, key, detail: 'mailgun complained' }];
  if (e.event === 'failed' && e.severity === 'permanent') return [{ kind: 'hard', email, key, detail: `mailgun permanent failure: ${why}` }];
  if (e.event === 'failed' && e.severity === 'temporary') return [{ kind: 'soft', email, key, detail: `mailgun temporary failure: ${why}` }];
  return [];
}

/** Generic: `X-Paperboy-Signature: sha256=<hex HMAC of the body under WEBHOOK_SECRET>`, body `{event, email, permanent}`. */
export function verifyGeneric(req: WebhookRequest, config: IntegrationsConfig): void {
  const secret = need(config.webhookSecret, 'WEBHOOK_SECRET', 'generic');
  if (!verifyBody(secret, req.body, header(req, SIGNATURE_HEADER)))
    throw new UnverifiedWebhookError(`generic: ${SIGNATURE_HEADER} is missing or does not verify`);
}

export function parseGeneric(body: Buffer): MailEvent[] {
  const list = parseJson(body, 'generic');
  const out: MailEvent[] = [];
  for (const raw of Array.isArray(list) ? list : [list]) {
    const e = raw as Record<string, unknown>;
    if ((e.event !== 'bounce' && e.event !== 'complaint') || typeof e.email !== 'string' || (e.event === 'bounce' && typeof e.permanent !== 'boolean')) {
      throw new InvalidInputError('generic: each event is {"event": "bounce" | "complaint", "email": "…", "permanent": true|false}');
    }
    const key = typeof e.id === 'string' ? e.id : `${e.event}:${e.email}:${e.permanent}:${e.timestamp ?? Date.now()}`;
    const kind = e.event === 'complaint' ? 'complaint' : e.permanent ? 'hard' : 'soft';
    out.push({ kind, email: e.email, key, detail: `generic ${e.event}${e.reason ? `: ${String(e.reason)}` : ''}` });
  }
  return out;
}
