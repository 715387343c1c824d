import { Inject, Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { normalizeEmail, suppressionHash } from '../subscribers/email-address.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { SubscribersService } from '../subscribers/subscribers.service.js';
import { MailEventRepository } from './mail-event.repository.js';
import { parseJson, UnverifiedWebhookError, type MailEvent, type WebhookRequest } from './mail-event.types.js';
import { MailEventsStatus } from './mail-events-status.service.js';
import * as providers from './providers.js';
import { parseSes, SnsVerifier } from './sns.verifier.js';

export const PROVIDERS = ['postmark', 'sendgrid', 'mailgun', 'ses', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Soft bounces: this many within SOFT_WINDOW_DAYS mark the address bounced. */
export const SOFT_LIMIT = 3;
export const SOFT_WINDOW_DAYS = 30;

export interface ReceiveResult {
  received: number;
  applied: number;
  /** SES only: the SNS subscription handshake was answered. */
  confirmedSubscription?: boolean;
}

/**
 * Mail events in: each provider's request is verified its documented way before its body is acted
 * on (401 otherwise), then reduced to hard bounce, soft bounce or complaint per address.
 */
@Injectable()
export class MailEventsService {
  private readonly log = new Logger('MailEvents');
  private readonly sns: SnsVerifier;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: MailEventRepository,
    private readonly subscribers: SubscribersService,
    private readonly repo: SubscriberRepository,
    private readonly status: MailEventsStatus,
  ) {
    this.sns = new SnsVerifier(config.integrations);
  }

  async receive(provider: string, req: WebhookRequest): Promise<ReceiveResult> {
    if (!PROVIDERS.includes(provider as Provider)) throw new NotFoundError(`unknown mail provider "${provider.slice(0, 30)}"; known: ${PROVIDERS.join(', ')}`);
    const list = await this.verifiedEvents(provider as Provider, req).catch((err: unknown) => {
      if (err instanceof UnverifiedWebhookError) this.status.refused(provider, err.message);
      throw err;
    });
    if ('confirmedSubscription' in list) return { received: 0, applied: 0, confirmedSubscription: true };
    let applied = 0;
    for (const e of list) if (await this.apply(provider, e)) applied++;
    return { received: list.length, applied };
  }

  private async verifiedEvents(provider: Provider, req: WebhookRequest): Promise<MailEvent[] | { confirmedSubscription: true }> {
    const c = this.config.integrations;
    switch (provider) {
      case 'postmark':
        providers.verifyPostmark(req, c);
        return providers.parsePostmark(parseJson(req.body, provider));
      case 'sendgrid':
        providers.verifySendgrid(req, c);
        return providers.parseSendgrid(parseJson(req.body, provider));
      case 'mailgun': {
        const body = parseJson(req.body, provider);
        providers.verifyMailgun(body, c);
        return providers.parseMailgun(body);
      }
      case 'generic':
        providers.verifyGeneric(req, c);
        return providers.parseGeneric(req.body);
      case 'ses': {
        const m = await this.sns.verify(parseJson(req.body, provider));
        if (m.Type === 'SubscriptionConfirmation') {
          await this.sns.confirm(m);
          this.log.log({ msg: 'SNS subscription confirmed', topic: m.TopicArn });
          return { confirmedSubscription: true };
        }
        return m.Type === 'Notification' ? parseSes(m) : [];
      }
    }
  }

  /** True when the event changed something; a retried event is recorded once and acted on once. */
  private async apply(provider: string, e: MailEvent, now = new Date()): Promise<boolean> {
    const check = normalizeEmail(e.email);
    if (!check.ok) return false;
    const hash = suppressionHash(check.email);
    if (!(await this.events.record(provider, e.key, hash, e.kind, e.detail, now))) return false;
    const s = await this.repo.findByEmail(check.email);
    if (e.kind === 'complaint') {
      if (s) await this.subscribers.markComplained(s.id, e.detail);
      else await this.repo.suppress(check.email, 'complained', now);
      return true;
    }
    if (!s) return false;
    if (e.kind === 'hard') return this.subscribers.markBounced(s.id, e.detail);
    const soft = await this.events.softBouncesSince(hash, new Date(now.getTime() - SOFT_WINDOW_DAYS * 86_400_000));
    if (soft < SOFT_LIMIT) return true;
    return this.subscribers.markBounced(s.id, `${soft} soft bounces in ${SOFT_WINDOW_DAYS} days; last: ${e.detail}`);
  }
}
