import { createVerify } from 'node:crypto';
import type { IntegrationsConfig } from '../config/app-config.js';
import { UnverifiedWebhookError, type MailEvent } from './mail-event.types.js';

/** An Amazon SNS message as POSTed to an HTTP(S) subscription. */
export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The string SNS signs: the message's fields, in this order, each as "Name\nvalue\n" (Subject only when present). */
export function snsStringToSign(m: SnsMessage): string {
  const fields = m.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const f of fields) {
    const v = (m as unknown as Record<string, unknown>)[f];
    if (v === undefined || v === null) continue;
    out += `${f}\n${String(v)}\n`;
  }
  return out;
}

/**
 * Verifies an SNS message the way AWS documents it: the signing certificate must come from an SNS
 * host over https (config.snsCertUrl; tests inject a local one through the config, never the
 * environment), and the signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) must verify.
 */
export class SnsVerifier {
  private readonly certs = new Map<string, string>();

  constructor(private readonly config: IntegrationsConfig) {}

  async verify(raw: unknown): Promise<SnsMessage> {
    const m = raw as SnsMessage;
    if (!m || typeof m !== 'object' || typeof m.Signature !== 'string' || typeof m.SigningCertURL !== 'string' || typeof m.Type !== 'string') {
      throw new UnverifiedWebhookError('ses: not an SNS message (no Signature or SigningCertURL)');
    }
    if (!this.config.snsCertUrl.test(m.SigningCertURL)) throw new UnverifiedWebhookError('ses: SigningCertURL is not an Amazon SNS address');
    if (this.config.sesTopicArns.length && !this.config.sesTopicArns.includes(m.TopicArn))
      throw new UnverifiedWebhookError('ses: message from a topic not in SES_TOPIC_ARNS');
    const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : null;
    if (!algorithm) throw new UnverifiedWebhookError(`ses: unknown SignatureVersion ${String(m.SignatureVersion).slice(0, 8)}`);
    const cert = await this.cert(m.SigningCertURL);
    let ok: boolean;
    try {
      ok = createVerify(algorithm).update(snsStringToSign(m), 'utf8').verify(cert, m.Signature, 'base64');
    } catch {
      ok = false;
    }
    if (!ok) throw new UnverifiedWebhookError('ses: the SNS signature does not verify');
    return m;
  }

  /** Confirms a subscription by fetching SubscribeURL, which must be an SNS address too. */
  async confirm(m: SnsMessage): Promise<void> {
    if (!m.SubscribeURL || !this.config.snsCertUrl.test(m.SubscribeURL)) throw new UnverifiedWebhookError('ses: SubscribeURL is not an Amazon SNS address');
    const res = await fetch(m.SubscribeURL, { redirect: 'error', signal: AbortSignal.timeout(this.config.httpTimeoutMs) });
    if (!res.ok) throw new Error(`SNS subscription confirmation answered HTTP ${res.status}`);
  }

  private async cert(url: string): Promise<string> {
    const cached = this.certs.get(url);
    if (cached) return cached;
    let pem: string;
    try {
      const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.config.httpTimeoutMs) });
      pem = res.ok ? await res.text() : '';
    } catch {
      pem = '';
    }
    if (!pem.includes('BEGIN CERTIFICATE')) throw new UnverifiedWebhookError('ses: the signing certificate could not be fetched');
    if (this.certs.size > 20) this.certs.clear();
    this.certs.set(url, pem);
    return pem;
  }
}

/** SES notifications (or event publishing's `eventType`) inside an SNS Notification's Message. */
export function parseSes(m: SnsMessage): MailEvent[] {
  let n: Record<string, unknown>;
  try {
    n = JSON.parse(m.Message) as Record<string, unknown>;
  } catch {
    return [];
  }
  const type = n.notificationType ?? n.eventType;
  if (type === 'Bounce') {
    const b = (n.bounce ?? {}) as { bounceType?: string; bounceSubType?: string; bouncedRecipients?: { emailAddress: string; diagnosticCode?: string }[] };
    const kind = b.bounceType === 'Permanent' ? 'hard' : 'soft';
    return (b.bouncedRecipients ?? []).map((r) => ({
      kind,
      email: r.emailAddress,
      key: `${m.MessageId}:${r.emailAddress}`,
      detail: `ses ${b.bounceType}/${b.bounceSubType}: ${r.diagnosticCode ?? ''}`,
    }));
  }
  if (type === 'Complaint') {
    const c = (n.complaint ?? {}) as { complainedRecipients?: { emailAddress: string }[]; complaintFeedbackType?: string };
    return (c.complainedRecipients ?? []).map((r) => ({
      kind: 'complaint' as const,
      email: r.emailAddress,
      key: `${m.MessageId}:${r.emailAddress}`,
      detail: `ses complaint${c.complaintFeedbackType ? ` (${c.complaintFeedbackType})` : ''}`,
    }));
  }
  return [];
}
