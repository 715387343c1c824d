import { Injectable } from '@nestjs/common';
import { EventsService } from '../events/events.service.js';
import { BOUNCEABLE } from '../mail/mail.policy.js';
import { SubscriberRepository } from './subscriber.repository.js';

/**
 * The one bounce action, whatever found it: a permanent SMTP refusal of a digest or an account
 * email (reason from the mail policy's `bounceReason`), or a provider's hard-bounce webhook.
 */
@Injectable()
export class SubscriberBounces {
  constructor(
    private readonly repo: SubscriberRepository,
    private readonly events: EventsService,
  ) {}

  /** Stops all mail to the address (from the mail policy's BOUNCEABLE statuses) and emits `subscriber.bounced`; false when nothing changed. */
  async markBounced(subscriberId: number, reason: string): Promise<boolean> {
    const statusReason = reason.slice(0, 500);
    const changed = await this.repo.transition(subscriberId, [...BOUNCEABLE], { status: 'bounced', statusReason });
    const s = changed ? await this.repo.findById(subscriberId) : null;
    if (s) await this.events.emit('subscriber.bounced', s, { reason: statusReason });
    return changed;
  }
}
