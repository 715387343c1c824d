import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Subscriber } from './subscriber.entity.js';
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
}

const RESUMABLE: Subscriber['status'][] = ['pending', 'unsubscribed', 'bounced'];

/**
 * What the holder of a preferences link may do. The link was mailed to the address, so holding
 * it proves the mailbox: it can also bring back an unsubscribed or bounced address without
 * another confirmation round trip. A spam complaint is only undone by an operator.
 */
@Injectable()
export class PreferencesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscribers: SubscribersService,
    private readonly repo: SubscriberRepository,
  ) {}

  async view(token: string): Promise<Subscriber> {
    return (await this.subscribers.resolve(token, 'preferences')).subscriber;
  }

  /** Topics, keywords, frequency, hour and timezone; fields left out keep their values. */
  async update(token: string, raw: unknown): Promise<Subscriber> {
    const current = await this.view(token);
    const choices = validateChoices(raw, {
      validSlugs: await this.subscribers.validSlugs(),
      defaultHour: this.config.digest.defaultHour,
      current: choicesOf(current),
    });
    await this.repo.update(current.id, choices);
    return { ...current, ...choices };
  }

  async setPaused(token: string, paused: boolean): Promise<Subscriber> {
    const s = await this.view(token);
    await this.repo.update(s.id, { paused });
    return { ...s, paused };
  }

  async unsubscribe(token: string): Promise<Subscriber> {
    return this.subscribers.unsubscribe(token, 'preferences');
  }

  async resubscribe(token: string, now = new Date()): Promise<Subscriber> {
    const s = await this.view(token);
    if (s.status === 'confirmed') return s;
    if (!RESUMABLE.includes(s.status)) throw new ConflictError('this address reported our email as spam, so Paperboy will not mail it again');
    const changes = { status: 'confirmed' as const, confirmedAt: now, statusReason: null, paused: false };
    await this.repo.transition(s.id, RESUMABLE, changes, now);
    return { ...s, ...changes };
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
    };
  }

  /** "Delete me": the row is gone; with `neverAgain`, only a hash of the address stays, to refuse it later. */
  async deleteMe(token: string, options: { neverAgain: boolean }): Promise<void> {
    const s = await this.view(token);
    if (options.neverAgain) await this.repo.deleteAndSuppress(s, 'deleted');
    else await this.repo.delete(s.id);
  }
}

export function choicesOf(s: Subscriber): SubscriptionChoices {
  return { topics: s.topics, keywords: s.keywords, frequency: s.frequency, timezone: s.timezone, deliveryHour: s.deliveryHour };
}
