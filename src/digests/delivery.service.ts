import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CommitThread, commitThreadAvailable } from '../database/commit-thread.js';
import { GroupCommit } from '../database/group-commit.js';
import { PostgresCommits } from '../database/serial-commits.js';
import { EventsService } from '../events/events.service.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import type { PermanentMailError } from '../mail/mail.errors.js';
import { bounceReason, MailPolicy } from '../mail/mail.policy.js';
import type { OutgoingMail } from '../mail/mail.service.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { SubscriberBounces } from '../subscribers/subscriber-bounces.service.js';
import type { ClaimedDelivery } from './digest-ledger.repository.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { coverageOf } from './catch-up.js';
import { DigestUpdates, type PaperUpdate } from './digest-updates.js';
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
  /** What prefetch() read for a page of readers this one is in; absent: read for this reader alone. */
  known?: Prefetched;
}

/** Per-reader reads of a page of readers, done in one statement each (see prefetch()). */
export interface Prefetched {
  /** Readers who ever voted: the others, without likes, have an empty profile. */
  voters: Set<number>;
  updates: Map<number, PaperUpdate[]>;
}

/**
 * Sends one claimed delivery and records its outcome in the ledger before the caller takes the
 * next: so at any crash, what the ledger calls unsent was at most in flight on one connection.
 */
@Injectable()
export class DeliveryService implements OnApplicationShutdown {
  private readonly log = new Logger('Delivery');
  /** The records of a sent digest, committed with those of the other senders that finished meanwhile. */
  private readonly commits: GroupCommit;
  private readonly selections = new ProfileSelections();
  /** SQLite from a compiled build: the records of sent digests are committed off the event loop (commit-thread.ts); PostgreSQL groups them too (serial-commits.ts). */
  private readonly thread: CommitThread | null;

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
    const db = config.database;
    this.thread = db.kind === 'sqlite' && db.path !== ':memory:' && commitThreadAvailable() ? new CommitThread(db.path) : null;
    const serial = db.kind === 'postgres' ? new PostgresCommits(dataSource) : this.thread;
    // Without serial commits (SQLite under jest, or in memory): half the senders may wait on a commit while the others keep the SMTP pool busy; a group waits
    // at most 20 ms for them (a message takes longer than that on the wire).
    this.commits = new GroupCommit(dataSource, { maxBatch: Math.ceil(config.digest.concurrency / 2), maxWaitMs: 20 }, serial);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.thread?.close();
  }

  /**
   * What deliver() reads per reader, read for a page of them at once: two statements per page
   * instead of two round trips per message (a worker's grouped job, an in-process run's page).
   */
  async prefetch(readers: Subscriber[]): Promise<Prefetched> {
    const ids = readers.map((r) => r.id);
    if (ids.length === 0) return { voters: new Set(), updates: new Map() };
    return { voters: await this.feedback.votersAmong(ids), updates: await this.updates.pendingMany(ids) };
  }

  /** The digest a subscriber gets over a window: the one selection a send and a dry run share (profile included). */
  async select(
    subscriber: Subscriber,
    pool: CandidatePool,
    windowStart: Date,
    ctx: Pick<DigestContext, 'now' | 'topicNames'>,
    known?: Prefetched,
  ): Promise<ReturnType<ProfileSelections['select']>> {
    // profileOf()'s first case, known without a read: no vote and no like.
    const plain = known && !known.voters.has(subscriber.id) && !(subscriber.likes ?? []).length;
    const request = {
      topics: subscriber.topics,
      keywords: subscriber.keywords,
      windowStart,
      windowEnd: ctx.now,
      max: this.config.digest.maxPapers,
      topicNames: ctx.topicNames,
      profile: plain ? { votes: [], likes: [], authors: subscriber.authors ?? [], model: null } : await this.feedback.profileOf(subscriber),
    };
    // Readers of one interest profile share it (profile-selection.ts): selected once per run.
    return this.selections.select(pool, request, subscriber.frequency);
  }

  async deliver({ delivery, subscriber, pool, ctx, known }: DeliveryJob): Promise<DeliveryOutcome> {
    const { selection, catchUp } = await this.select(subscriber, pool, delivery.windowStart, ctx, known);
    if (selection.total === 0) {
      await this.ledger.markSkipped(delivery.id, ctx.now);
      await this.due.afterDelivery(subscriber, delivery.period);
      return this.count('skipped');
    }
    const extras = {
      catchUp,
      updates: known?.updates.get(subscriber.id) ?? (await this.updates.pending(subscriber.id)),
      coverage: coverageOf(pool, delivery.windowStart, ctx.now),
    };
    const mail = this.renderer.renderPieces(subscriber, selection, delivery.id, ctx, extras);
    const outcome = await this.sendWithRetries(delivery, subscriber, { ...mail, to: subscriber.email });
    if (outcome.ok) {
      const paperIds = selection.allIds ?? selection.papers.map((p) => p.paper.id);
      const sent = { ...outcome, paperIds, moreCount: selection.total - selection.papers.length, windowEnd: ctx.now };
      const { ledger, subscribers, updates, due } = this;
      // One transaction: the ledger row, the reader's last digest, the papers they now have had and
      // their next due instant (its own autocommit was one more fsync per message on SQLite).
      await this.commits.record(function* () {
        yield* ledger.markSentSteps(delivery.id, sent);
        yield* subscribers.recordDigestSteps(subscriber.id, ctx.now);
        yield* updates.recordSentSteps(subscriber.id, delivery.id, selection.papers, extras.updates, ctx.now);
        yield* due.afterDeliverySteps(subscriber, delivery.period);
      });
      await this.events.emit('digest.sent', subscriber, { digestId: delivery.id, period: delivery.period, papers: paperIds.length });
      return this.count('sent');
    }
    return this.count(outcome.bounced ? 'bounced' : 'failed');
  }

  private async sendWithRetries(
    delivery: ClaimedDelivery,
    subscriber: Subscriber,
    mail: Pick<OutgoingMail, 'to' | 'subject' | 'html' | 'text' | 'unsubscribeUrl'>,
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
