import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { GroupCommit } from '../database/group-commit.js';
import { EventsService } from '../events/events.service.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import type { PermanentMailError } from '../mail/mail.errors.js';
import { bounceReason, MailPolicy } from '../mail/mail.policy.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { SubscriberBounces } from '../subscribers/subscriber-bounces.service.js';
import type { ClaimedDelivery } from './digest-ledger.repository.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { coverageOf } from './catch-up.js';
import { DigestUpdates } from './digest-updates.js';
import { DigestMetrics } from './digest.metrics.js';
import { DuePlanner } from './due-planner.js';
import { DigestRenderer, type DigestContext } from './digest.renderer.js';
import type { CandidatePool } from './digest.selection.js';
import { ProfileSelections } from './profile-selection.js';

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
  /** The records of a sent digest, committed with those of the other senders that finished meanwhile. */
  private readonly commits: GroupCommit;
  private readonly selections = new ProfileSelections();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: DigestLedger,
    private readonly renderer: DigestRenderer,
    private readonly mail: MailPolicy,
    private readonly subscribers: SubscriberRepository,
    private readonly metrics: DigestMetrics,
    private readonly updates: DigestUpdates,
    private readonly events: EventsService,
    private readonly bounces: SubscriberBounces,
    private readonly feedback: FeedbackRepository,
    @InjectDataSource() dataSource: DataSource,
    private readonly due: DuePlanner,
  ) {
    // Half the senders may wait on a commit while the others keep the SMTP pool busy; a group waits
    // at most 20 ms for them (a message takes longer than that on the wire).
    this.commits = new GroupCommit(dataSource, { maxBatch: Math.ceil(config.digest.concurrency / 2), maxWaitMs: 20 });
  }

  /** The digest a subscriber gets over a window: the one selection a send and a dry run share (profile included). */
  async select(
    subscriber: Subscriber,
    pool: CandidatePool,
    windowStart: Date,
    ctx: Pick<DigestContext, 'now' | 'topicNames'>,
  ): Promise<ReturnType<ProfileSelections['select']>> {
    const request = {
      topics: subscriber.topics,
      keywords: subscriber.keywords,
      windowStart,
      windowEnd: ctx.now,
      max: this.config.digest.maxPapers,
      topicNames: ctx.topicNames,
      profile: await this.feedback.profileOf(subscriber),
    };
    // Readers of one interest profile share it (profile-selection.ts): selected once per run.
    return this.selections.select(pool, request, subscriber.frequency);
  }

  async deliver({ delivery, subscriber, pool, ctx }: DeliveryJob): Promise<DeliveryOutcome> {
    const { selection, catchUp } = await this.select(subscriber, pool, delivery.windowStart, ctx);
    if (selection.total === 0) {
      await this.ledger.markSkipped(delivery.id, ctx.now);
      await this.due.afterDelivery(subscriber, delivery.period);
      return this.count('skipped');
    }
    const extras = { catchUp, updates: await this.updates.pending(subscriber.id), coverage: coverageOf(pool, delivery.windowStart, ctx.now) };
    const mail = this.renderer.renderShared(subscriber, selection, delivery.id, ctx, extras);
    const outcome = await this.sendWithRetries(delivery, subscriber, { ...mail, to: subscriber.email });
    if (outcome.ok) {
      const paperIds = selection.allIds ?? selection.papers.map((p) => p.paper.id);
      const sent = { ...outcome, paperIds, moreCount: selection.total - selection.papers.length, windowEnd: ctx.now };
      const { ledger, subscribers, updates } = this;
      // One transaction: the ledger row, the reader's last digest and the papers they now have had.
      await this.commits.run(function* () {
        yield* ledger.markSentSteps(delivery.id, sent);
        yield* subscribers.recordDigestSteps(subscriber.id, ctx.now);
        yield* updates.recordSentSteps(subscriber.id, delivery.id, selection.papers, extras.updates, ctx.now);
      });
      // After the records, not among them: a reader left due is settled by the next tick (DuePlanner.settle).
      await this.due.afterDelivery(subscriber, delivery.period);
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
    // The mail policy (src/mail/mail.policy.ts): retry schedule, classification, bounce reason.
    const result = await this.mail.send({ ...mail, headers: { 'X-Paperboy-Digest': String(delivery.id) } });
    const attempts = delivery.attempts + result.attempts;
    if (result.ok) return { ok: true, messageId: result.messageId, attempts };
    if (result.bounce) await this.bounce(delivery, subscriber, attempts, result.bounce);
    else await this.ledger.markFailed(delivery.id, attempts, describe(result.error));
    return { ok: false, bounced: result.bounce !== null };
  }

  private async bounce(delivery: ClaimedDelivery, subscriber: Subscriber, attempts: number, err: PermanentMailError): Promise<void> {
    const reason = bounceReason(err);
    await this.bounces.markBounced(subscriber.id, reason);
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
