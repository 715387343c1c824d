import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventsService } from '../events/events.service.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import { PermanentMailError, TemporaryMailError } from '../mail/mail.errors.js';
import { MailService } from '../mail/mail.service.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import type { ClaimedDelivery } from './digest-ledger.repository.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { coverageOf, selectDigest } from './catch-up.js';
import { DigestUpdates } from './digest-updates.js';
import { DigestMetrics } from './digest.metrics.js';
import { DigestRenderer, type DigestContext } from './digest.renderer.js';
import type { CandidatePool } from './digest.selection.js';

export type DeliveryOutcome = 'sent' | 'skipped' | 'failed' | 'bounced';

export interface DeliveryJob {
  delivery: ClaimedDelivery;
  subscriber: Subscriber;
  pool: CandidatePool;
  ctx: DigestContext;
}

/**
 * Sends one claimed delivery and records its outcome in the ledger before the caller takes the
 * next: so at any crash, what the ledger calls unsent was at most in flight on one connection.
 */
@Injectable()
export class DeliveryService {
  private readonly log = new Logger('Delivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: DigestLedger,
    private readonly renderer: DigestRenderer,
    private readonly mail: MailService,
    private readonly subscribers: SubscriberRepository,
    private readonly metrics: DigestMetrics,
    private readonly updates: DigestUpdates,
    private readonly events: EventsService,
    private readonly feedback: FeedbackRepository,
  ) {}

  async deliver({ delivery, subscriber, pool, ctx }: DeliveryJob): Promise<DeliveryOutcome> {
    const request = {
      topics: subscriber.topics,
      keywords: subscriber.keywords,
      windowStart: delivery.windowStart,
      windowEnd: ctx.now,
      max: this.config.digest.maxPapers,
      topicNames: ctx.topicNames,
      profile: await this.feedback.profileOf(subscriber),
    };
    const { selection, catchUp } = selectDigest(pool, request, subscriber.frequency);
    if (selection.total === 0) {
      await this.ledger.markSkipped(delivery.id, ctx.now);
      return this.count('skipped');
    }
    const extras = { catchUp, updates: await this.updates.pending(subscriber.id), coverage: coverageOf(pool, delivery.windowStart, ctx.now) };
    const mail = this.renderer.render(subscriber, selection, delivery.id, ctx, extras);
    const outcome = await this.sendWithRetries(delivery, subscriber, { ...mail, to: subscriber.email });
    if (outcome.ok) {
      const paperIds = selection.allIds ?? selection.papers.map((p) => p.paper.id);
      await this.ledger.markSent(delivery.id, { ...outcome, paperIds, moreCount: selection.total - selection.papers.length, windowEnd: ctx.now });
      await this.subscribers.recordDigest(subscriber.id, ctx.now);
      await this.updates.recordSent(subscriber.id, delivery.id, selection.papers, extras.updates, ctx.now);
      await this.events.emit('digest.sent', subscriber, { digestId: delivery.id, period: delivery.period, papers: paperIds.length });
      return this.count('sent');
    }
    return this.count(outcome.bounced ? 'bounced' : 'failed');
  }

  private async sendWithRetries(
    delivery: ClaimedDelivery,
    subscriber: Subscriber,
    mail: { to: string; subject: string; html: string; text: string; unsubscribeUrl: string },
  ): Promise<{ ok: true; messageId: string; attempts: number } | { ok: false; bounced: boolean }> {
    const { retries, retryBaseMs } = this.config.digest;
    for (let attempt = 1; ; attempt++) {
      const attempts = delivery.attempts + attempt;
      try {
        const { messageId } = await this.mail.send({ ...mail, headers: { 'X-Paperboy-Digest': String(delivery.id) } });
        return { ok: true, messageId, attempts };
      } catch (err) {
        if (err instanceof PermanentMailError) {
          await this.bounce(delivery, subscriber, attempts, err);
          return { ok: false, bounced: true };
        }
        if (!(err instanceof TemporaryMailError) || attempt > retries) {
          await this.ledger.markFailed(delivery.id, attempts, describe(err));
          return { ok: false, bounced: false };
        }
        await sleep(retryBaseMs * 2 ** (attempt - 1));
      }
    }
  }

  private async bounce(delivery: ClaimedDelivery, subscriber: Subscriber, attempts: number, err: PermanentMailError): Promise<void> {
    const reason = `bounced: ${err.responseCode} ${err.message}`.slice(0, 500);
    if (await this.subscribers.transition(subscriber.id, ['confirmed'], { status: 'bounced', statusReason: reason })) {
      await this.events.emit('subscriber.bounced', subscriber, { reason });
    }
    await this.ledger.markBounced(delivery.id, attempts, reason);
    this.log.warn({ msg: 'address bounced', subscriberId: subscriber.id, responseCode: err.responseCode });
  }

  private count(outcome: DeliveryOutcome): DeliveryOutcome {
    this.metrics.delivered(outcome);
    return outcome;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
