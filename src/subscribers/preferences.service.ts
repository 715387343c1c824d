import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Subscriber } from './subscriber.entity.js';
import { SubscribeLimiter } from './subscribe.limiter.js';
import { SubscriberMailer } from './subscriber.mailer.js';
import { SubscriberRepository } from './subscriber.repository.js';
import { SubscribersService } from './subscribers.service.js';
import { validateChoices, type SubscriptionChoices } from './subscription.input.js';

/** "Export my data": everything Paperboy stores about the person, minus the secret link key. */
export interface SubscriberExport {
  exportedAt: string;
  email: string;
  status: Subscriber['status'];
  statusReason: string | null;
  topics: string[];
  keywords: string | null;
  frequency: Subscriber['frequency'];
  timezone: string;
  deliveryHour: number;
  paused: boolean;
  subscribedAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  lastDigestAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Every digest planned for them: what it held, whether and when it went, and why not. */
  deliveries: DeliveryExport[];
}

export interface DeliveryExport {
  period: string;
  resend: number;
  status: string;
  attempts: number;
  sentAt: string | null;
  error: string | null;
  papers: { arxivId: string | null; title: string }[];
  moreCount: number;
  createdAt: string;
}

const RESUMABLE: Subscriber['status'][] = ['pending', 'unsubscribed', 'bounced'];
const EDITABLE: Subscriber['status'][] = ['pending', 'confirmed'];

/** A preferences action on an address that left: it must subscribe again, through a fresh confirmation. */
export class ReconfirmationRequiredError extends ConflictError {}

/**
 * What the holder of a preferences link may do. Once the address has left (unsubscribed or
 * bounced), a link mailed before that proves nothing about today's consent — it may sit in an old
 * mail, a forward or a shared inbox — so no action of the link brings the address back: "Subscribe
 * again" mails a new confirmation link instead, and editing choices waits for it. Exporting and
 * deleting one's data stay open. A spam complaint is only undone by an operator.
 */
@Injectable()
export class PreferencesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscribers: SubscribersService,
    private readonly repo: SubscriberRepository,
    private readonly mailer: SubscriberMailer,
    private readonly limiter: SubscribeLimiter,
  ) {}

  async view(token: string): Promise<Subscriber> {
    return (await this.subscribers.resolve(token, 'preferences')).subscriber;
  }

  /** Topics, keywords, frequency, hour and timezone; fields left out keep their values. */
  async update(token: string, raw: unknown): Promise<Subscriber> {
    const current = editable(await this.view(token));
    const choices = validateChoices(raw, {
      validSlugs: await this.subscribers.validSlugs(),
      defaultHour: this.config.digest.defaultHour,
      current: choicesOf(current),
    });
    await this.repo.update(current.id, choices);
    return { ...current, ...choices };
  }

  async setPaused(token: string, paused: boolean): Promise<Subscriber> {
    const s = editable(await this.view(token));
    await this.repo.update(s.id, { paused });
    return { ...s, paused };
  }

  async unsubscribe(token: string): Promise<Subscriber> {
    return this.subscribers.unsubscribe(token, 'preferences');
  }

  /**
   * "Subscribe again": never straight back to confirmed. The address becomes pending and gets a
   * new confirmation link (counted by the per-address limit, like any subscribe request); its
   * link is newer than the unsubscribe, so confirming it works.
   */
  async resubscribe(token: string, now = new Date()): Promise<{ subscriber: Subscriber; confirmationSent: boolean }> {
    const s = await this.view(token);
    if (s.status === 'confirmed') return { subscriber: s, confirmationSent: false };
    if (!RESUMABLE.includes(s.status)) throw new ConflictError('this address reported our email as spam, so Paperboy will not mail it again');
    this.limiter.checkAddress(s.email);
    const changes = { status: 'pending' as const, subscribedAt: now, statusReason: null, paused: false };
    if (!(await this.repo.transition(s.id, RESUMABLE, changes, now))) return { subscriber: s, confirmationSent: false };
    const pending = { ...s, ...changes };
    this.mailer.dispatch('confirm', pending);
    return { subscriber: pending, confirmationSent: true };
  }

  async exportData(token: string, now = new Date()): Promise<SubscriberExport> {
    const s = await this.view(token);
    const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
    return {
      exportedAt: now.toISOString(),
      email: s.email,
      status: s.status,
      statusReason: s.statusReason,
      topics: s.topics,
      keywords: s.keywords,
      frequency: s.frequency,
      timezone: s.timezone,
      deliveryHour: s.deliveryHour,
      paused: Boolean(s.paused),
      subscribedAt: iso(s.subscribedAt)!,
      confirmedAt: iso(s.confirmedAt),
      unsubscribedAt: iso(s.unsubscribedAt),
      lastDigestAt: iso(s.lastDigestAt),
      createdAt: iso(s.createdAt)!,
      updatedAt: iso(s.updatedAt)!,
      deliveries: (await this.repo.deliveriesOf(s.id)).map(({ delivery: d, papers }) => ({
        period: d.period,
        resend: d.resend,
        status: d.status,
        attempts: d.attempts,
        sentAt: iso(d.sentAt),
        error: d.error,
        papers: papers.map((p) => ({ arxivId: p.arxivId?.startsWith('t:') ? null : p.arxivId, title: p.title })),
        moreCount: d.moreCount,
        createdAt: iso(d.createdAt)!,
      })),
    };
  }

  /** "Delete me": the row is gone; with `neverAgain`, only a hash of the address stays, to refuse it later. */
  async deleteMe(token: string, options: { neverAgain: boolean }): Promise<void> {
    const s = await this.view(token);
    if (options.neverAgain) await this.repo.deleteAndSuppress(s, 'deleted');
    else await this.repo.delete(s);
  }
}

function editable(s: Subscriber): Subscriber {
  if (EDITABLE.includes(s.status)) return s;
  throw new ReconfirmationRequiredError(
    s.status === 'complained'
      ? 'this address reported our email as spam, so Paperboy will not mail it again'
      : 'this address is no longer subscribed: choose "Subscribe again" and follow the link in the confirmation email first',
  );
}

export function choicesOf(s: Subscriber): SubscriptionChoices {
  return { topics: s.topics, keywords: s.keywords, frequency: s.frequency, timezone: s.timezone, deliveryHour: s.deliveryHour };
}
