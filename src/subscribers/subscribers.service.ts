import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventsService } from '../events/events.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { SubscribeLimiter } from './subscribe.limiter.js';
import type { Subscriber } from './subscriber.entity.js';
import { SubscriberLinks, type LinkClaims, type LinkPurpose } from './subscriber-links.service.js';
import { SubscriberBounces } from './subscriber-bounces.service.js';
import { SubscriberMailer } from './subscriber.mailer.js';
import { SubscriberRepository } from './subscriber.repository.js';
import { validateSubscription, type SubscriptionChoices, type SubscriptionRequest } from './subscription.input.js';

/** The one answer to every accepted subscribe request, whatever Paperboy knows about the address. */
export const SUBSCRIBE_ANSWER = {
  status: 'accepted',
  message: 'If this address can receive mail, a message is on its way to it: follow its link to confirm.',
} as const;

export const INVALID_LINK_MESSAGE = 'this link is invalid or has expired';

/**
 * Subscribing, confirming and leaving. Requests never reveal whether an address is known: the
 * caller gets the same answer, and which email (if any) goes out is decided here, in the background.
 */
@Injectable()
export class SubscribersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: SubscriberRepository,
    private readonly links: SubscriberLinks,
    private readonly limiter: SubscribeLimiter,
    private readonly mailer: SubscriberMailer,
    private readonly topics: TopicsService,
    private readonly events: EventsService,
    private readonly bounces: SubscriberBounces,
  ) {}

  async validSlugs(): Promise<string[]> {
    return (await this.topics.list()).map((t) => t.slug);
  }

  /** Validates (InvalidInputError), applies the rate limits (TooManyRequestsError), then acts on the address. */
  async subscribe(raw: unknown, clientIp: string | undefined): Promise<typeof SUBSCRIBE_ANSWER> {
    this.limiter.checkIp(clientIp);
    const request = validateSubscription(raw, { validSlugs: await this.validSlugs(), defaultHour: this.config.digest.defaultHour });
    this.limiter.checkAddress(request.email);
    await this.accept(request);
    return SUBSCRIBE_ANSWER;
  }

  /**
   * new / pending / unsubscribed → (pending, with these choices) + confirmation email;
   * confirmed → unchanged + an email with a fresh preferences link;
   * bounced / complained / suppressed → nothing at all.
   */
  private async accept(request: SubscriptionRequest, now = new Date()): Promise<void> {
    if (await this.repo.isSuppressed(request.email)) return;
    const { email, ...choices } = request;
    const existing = await this.repo.findByEmail(email);
    if (!existing) {
      const created = await this.repo.insert(email, choices, 'pending', now);
      if (created) this.mailer.dispatch('confirm', created);
      else await this.accept(request, now); // a concurrent request created it first
      return;
    }
    if (existing.status === 'confirmed') return this.mailer.dispatch('manage', existing);
    if (existing.status !== 'pending' && existing.status !== 'unsubscribed') return;
    const changes: Partial<Subscriber> = { ...choices, status: 'pending', subscribedAt: now, statusReason: null };
    if (await this.repo.transition(existing.id, ['pending', 'unsubscribed'], changes, now)) {
      this.mailer.dispatch('confirm', { ...existing, ...changes });
    }
  }

  /**
   * Confirms a pending subscription and sends the welcome email. Idempotent: a confirmed
   * subscriber gets the same page and no second email. A confirmation link older than the
   * person's last unsubscribe is dead: consent given before withdrawing it does not count.
   */
  async confirm(token: string, now = new Date()): Promise<Subscriber> {
    const { subscriber, claims } = await this.resolve(token, 'confirm', now);
    if (subscriber.status === 'confirmed') return subscriber;
    const withdrawnLater = subscriber.unsubscribedAt && claims.issuedAt.getTime() < new Date(subscriber.unsubscribedAt).getTime();
    if (subscriber.status !== 'pending' || withdrawnLater) throw new NotFoundError(INVALID_LINK_MESSAGE);
    const changes = { status: 'confirmed' as const, confirmedAt: now, paused: false };
    if (await this.repo.transition(subscriber.id, ['pending'], changes, now)) {
      const confirmed = { ...subscriber, ...changes };
      this.mailer.dispatch('welcome', confirmed);
      await this.events.emit('subscriber.confirmed', confirmed, {}, now);
      return confirmed;
    }
    return (await this.repo.findById(subscriber.id)) ?? subscriber;
  }

  /** RFC 8058 one-click (and the button of the unsubscribe page): idempotent, no email sent. */
  async unsubscribe(token: string, purpose: 'unsubscribe' | 'preferences' = 'unsubscribe', now = new Date()): Promise<Subscriber> {
    const { subscriber } = await this.resolve(token, purpose, now);
    const changes = { status: 'unsubscribed' as const, unsubscribedAt: now, statusReason: 'asked to unsubscribe' };
    if (await this.repo.transition(subscriber.id, ['pending', 'confirmed'], changes, now)) {
      await this.events.emit('subscriber.unsubscribed', subscriber, { via: purpose }, now);
      return { ...subscriber, ...changes };
    }
    return subscriber;
  }

  /** The subscriber a link belongs to; NotFoundError for a forged, expired, mis-purposed or orphaned token. */
  async resolve(token: string, purpose: LinkPurpose, now = new Date()): Promise<{ subscriber: Subscriber; claims: LinkClaims }> {
    const claims = this.links.read(token, purpose, now);
    const subscriber = claims ? await this.repo.findById(claims.subscriberId) : null;
    if (!claims || !subscriber || !this.links.verify(token, subscriber)) throw new NotFoundError(INVALID_LINK_MESSAGE);
    return { subscriber, claims };
  }

  /** A provider's hard bounce (src/webhooks): the same bounce as a permanent SMTP refusal. */
  markBounced(subscriberId: number, reason: string): Promise<boolean> {
    return this.bounces.markBounced(subscriberId, reason);
  }

  /** A spam complaint (feedback loop): no more mail, and the address is suppressed for good. */
  async markComplained(subscriberId: number, reason: string): Promise<void> {
    const s = await this.repo.findById(subscriberId);
    if (!s) return;
    await this.repo.update(subscriberId, { status: 'complained', statusReason: reason.slice(0, 500), unsubscribedAt: s.unsubscribedAt ?? new Date() });
    await this.repo.suppress(s.email, 'complained');
    if (s.status !== 'complained') await this.events.emit('subscriber.complained', s, { reason: reason.slice(0, 500) });
  }

  /** For the digest sender, once a digest is sent. */
  async recordDigest(subscriberId: number, at: Date): Promise<void> {
    await this.repo.update(subscriberId, { lastDigestAt: at }, at);
  }

  /** For operators (CLI, admin): add without the confirmation round trip, no email sent. */
  async addByOperator(raw: unknown, options: { confirmed: boolean }): Promise<Subscriber> {
    const request = validateSubscription(raw, { validSlugs: await this.validSlugs(), defaultHour: this.config.digest.defaultHour });
    const { email, ...choices } = request;
    if (await this.repo.isSuppressed(email)) throw new ConflictError(`${email} asked never to be mailed again`);
    const now = new Date();
    const existing = await this.repo.findByEmail(email);
    if (!existing) return (await this.repo.insert(email, choices, options.confirmed ? 'confirmed' : 'pending', now)) ?? this.addByOperator(raw, options);
    // Changing a confirmed subscriber's choices without --confirmed must not take their confirmation away.
    const status = options.confirmed || existing.status === 'confirmed' ? 'confirmed' : 'pending';
    const changes: Partial<Subscriber> = {
      ...(choices satisfies SubscriptionChoices),
      status,
      confirmedAt: options.confirmed && existing.status !== 'confirmed' ? now : existing.confirmedAt,
    };
    await this.repo.update(existing.id, changes, now);
    return { ...existing, ...changes };
  }
}
