import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { TopicsService } from '../topics/topics.service.js';
import { CandidateLoader } from './candidate.loader.js';
import { newClaimant } from './delivery.claims.js';
import { DELIVERY_QUEUE, DeliveryQueue, redisConnection, type QueueJobData, type RangeJobData } from './delivery.queue.js';
import { DeliveryService, type DeliveryOutcome } from './delivery.service.js';
import { MAX_WINDOW_MS } from './digest-period.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { DigestRunRepository } from './digest-run.repository.js';
import { DueClaims } from './due-claims.js';
import { DueRangeRepository } from './due-range.repository.js';
import type { DigestContext } from './digest.renderer.js';
import type { CandidatePool } from './digest.selection.js';
import { QueuedDeliveryRepository } from './queued-delivery.repository.js';

const COUNTER: Record<DeliveryOutcome, keyof Outcomes> = { sent: 'sent', skipped: 'skippedEmpty', failed: 'failed', bounced: 'failed' };
const HEARTBEAT_MS = 5000;
const FLUSH_MS = 1000;
/** Deliveries of a range claimed at a time: what a worker killed mid-range holds until its claims are known dead. */
const RANGE_CLAIM = 10;

interface Outcomes {
  sent: number;
  skippedEmpty: number;
  failed: number;
  /** Deliveries claimed from ranges (a queued run planned in ranges counts its deliveries as its workers claim them). */
  selected: number;
}

/**
 * `paperboy worker`: takes delivery jobs from BullMQ and sends them with the same DeliveryService
 * as an in-process run. A job whose worker died (SIGKILL) stalls and BullMQ hands it to another
 * worker, which takes the ledger row over because the dead worker's claim is no longer live.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationShutdown {
  private readonly log = new Logger('Worker');
  private readonly claimant = newClaimant();
  private readonly contexts = new Map<number, Promise<{ pool: CandidatePool; ctx: DigestContext }>>();
  private worker: Worker<QueueJobData> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private flusher: NodeJS.Timeout | null = null;
  /** Outcomes not yet added to their runs' counts (the ledger rows themselves are already written). */
  private unflushed = new Map<number, Outcomes>();
  processed = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: DigestRunRepository,
    private readonly queued: QueuedDeliveryRepository,
    private readonly deliveries: DeliveryService,
    private readonly loader: CandidateLoader,
    private readonly topics: TopicsService,
    private readonly ledger: DigestLedger,
    private readonly queue: DeliveryQueue,
    private readonly subscribers: SubscriberRepository,
    private readonly claims: DueClaims,
    private readonly ranges: DueRangeRepository,
  ) {}

  start(): void {
    if (!this.config.redisUrl) throw new Error('paperboy worker needs REDIS_URL');
    const rate = this.config.mail.ratePerSecond;
    this.worker = new Worker<QueueJobData>(DELIVERY_QUEUE, (job) => this.process(job), {
      connection: redisConnection(this.config.redisUrl),
      concurrency: this.config.digest.concurrency,
      lockDuration: this.config.queueLockMs,
      stalledInterval: this.config.queueLockMs,
      ...(rate > 0 ? { limiter: { max: Math.max(1, Math.round(rate)), duration: 1000 } } : {}),
    });
    this.worker.on('failed', (job, err) => {
      this.log.warn({ msg: 'job failed', jobId: job?.id, error: err.message });
      // A range that used up its tries is done with: its readers still due go to a later run, and this one can close.
      if (job && 'range' in job.data && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.rangeDone(job.data).catch(() => undefined);
    });
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.flusher = setInterval(() => void this.flush().catch((err) => this.log.warn({ msg: 'counts not flushed', error: String(err) })), FLUSH_MS);
    this.log.log({ msg: 'worker started', id: this.claimant.id, concurrency: this.config.digest.concurrency });
  }

  /** A job of several deliveries sends them in turn; one that another worker holds, or that threw, makes the job retry (the done ones are then skipped). */
  private async process(job: Job<QueueJobData>): Promise<DeliveryOutcome | 'done'> {
    if ('range' in job.data) return this.processRange(job.data);
    const { deliveryIds, runId } = job.data;
    if (!deliveryIds) return this.processOne(job.data.deliveryId, runId);
    let error: unknown = null;
    for (const id of deliveryIds) {
      try {
        await this.processOne(id, runId);
      } catch (err) {
        error ??= err;
      }
    }
    if (error) throw error;
    return 'done';
  }

  /**
   * A range of due readers (DigestService.duePlanned): their deliveries claimed a few at a time by
   * the same DueClaims as an in-process run, each sent before the next few are claimed. A reader
   * whose row another live worker holds is left to it; one sent already is no longer due, so a
   * range taken again after a crash goes on where it stopped.
   */
  private async processRange(data: RangeJobData): Promise<'done'> {
    const { runId, range } = data;
    const run = await this.runContext(runId);
    for await (const batch of this.claims.batches(runId, this.claimant.id, run.ctx.now, { range, claimEach: RANGE_CLAIM })) {
      this.outcomesOf(runId).selected += batch.claimed.length;
      for (const delivery of batch.claimed) {
        const subscriber = batch.subscribers.get(delivery.subscriberId);
        if (subscriber) this.tally(runId, await this.deliveries.deliver({ delivery, subscriber, ...run }));
        else {
          await this.ledger.markSkipped(delivery.id, new Date()); // unsubscribed or paused since the page was read
          this.tally(runId, 'skipped');
        }
      }
    }
    await this.rangeDone(data);
    return 'done';
  }

  /** The range is done; the next flush sees whether that was the run's last piece of work. */
  private async rangeDone({ runId, range }: RangeJobData): Promise<void> {
    await this.ranges.markDone(runId, range.seq);
    this.outcomesOf(runId);
  }

  private outcomesOf(runId: number): Outcomes {
    const counts = this.unflushed.get(runId) ?? { sent: 0, skippedEmpty: 0, failed: 0, selected: 0 };
    this.unflushed.set(runId, counts);
    return counts;
  }

  private tally(runId: number, outcome: DeliveryOutcome): void {
    this.outcomesOf(runId)[COUNTER[outcome]]++;
    this.processed++;
  }

  private async processOne(deliveryId: number, runId: number): Promise<DeliveryOutcome | 'done'> {
    const claim = await this.queued.claim(deliveryId, this.claimant.id);
    if (claim.kind === 'done') return 'done';
    if (claim.kind === 'busy') throw new Error(`delivery ${deliveryId} is being sent by ${claim.holder}`);
    const subscriber = await this.subscribers.findById(claim.delivery.subscriberId);
    let outcome: DeliveryOutcome;
    if (!subscriber || subscriber.status !== 'confirmed' || subscriber.paused) {
      await this.ledger.markSkipped(deliveryId, new Date()); // unsubscribed or paused since the run planned it
      outcome = 'skipped';
    } else {
      outcome = await this.deliveries.deliver({ delivery: claim.delivery, subscriber, ...(await this.runContext(runId)) });
    }
    this.tally(runId, outcome);
    return outcome;
  }

  /** The papers and clock of one run, loaded once per run by each worker. */
  private runContext(runId: number): Promise<{ pool: CandidatePool; ctx: DigestContext }> {
    let context = this.contexts.get(runId);
    if (!context) {
      context = this.loadContext(runId);
      this.contexts.set(runId, context);
      if (this.contexts.size > 4) this.contexts.delete(this.contexts.keys().next().value!);
    }
    return context;
  }

  private async loadContext(runId: number): Promise<{ pool: CandidatePool; ctx: DigestContext }> {
    const run = await this.runs.findByIdOrFail(runId);
    const now = new Date(run.startedAt);
    const pool = await this.loader.load(new Date(now.getTime() - MAX_WINDOW_MS), now);
    return { pool, ctx: { topicNames: new Map((await this.topics.list()).map((t) => [t.slug, t.name])), now } };
  }

  /** Per-worker throughput for /metrics, kept in Redis for a minute after the worker's last beat. */
  private async beat(): Promise<void> {
    await this.queue.heartbeat(this.claimant.id, this.processed);
  }

  private async flush(): Promise<void> {
    const batch = this.unflushed;
    this.unflushed = new Map();
    for (const [runId, counts] of batch) await this.queued.addOutcomes(runId, counts);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of [this.heartbeat, this.flusher]) if (timer) clearInterval(timer);
    // close() lets active jobs finish; jobs not started stay in the queue for the other workers.
    await this.worker?.close();
    await this.flush();
    this.claimant.done();
  }
}
