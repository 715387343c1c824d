import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { TopicsService } from '../topics/topics.service.js';
import { isDue, windowStartFor } from './digest-period.js';
import { DigestLedger, type ClaimedDelivery, type PlanItem } from './digest-ledger.repository.js';
import { DueClaims, type Batch as ClaimedBatch } from './due-claims.js';
import { DuePlanner, ScheduleMemo } from './due-planner.js';
import { DueRangeRepository, type DueRange } from './due-range.repository.js';
import { FIRST_CURSOR } from './due-reader.repository.js';
import { DeliveryQueue } from './delivery.queue.js';

export interface SendOptions {
  email?: string;
  topic?: string;
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

/** Deliveries claimed together, with their subscribers; or, for a queued scheduled run, ranges of due readers for the workers. */
export type Batch = ClaimedBatch | { ranges: DueRange[] };

/** Which confirmed, unpaused subscribers a run looks at: all, one address, or the readers of one topic. */
export type Audience = { email?: string; topic?: string };

const PAGE = 500;
/** A queued run's due readers go out as about this many range jobs (so every worker slot has work)… */
const RANGE_JOBS = 64;
/** …of at most this many readers each (a job a slot works through in turn). */
const RANGE_MAX = 500;

/**
 * Which deliveries a run covers, claimed in the ledger batch by batch: the audience a run names,
 * the readers due now, or the deliveries an earlier run left failed. DigestService sends or queues
 * what these yield; a dry run reads the same plan without claiming.
 */
@Injectable()
export class RunBatches {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: DigestLedger,
    private readonly subscribers: SubscriberRepository,
    private readonly topics: TopicsService,
    private readonly queue: DeliveryQueue,
    private readonly due: DuePlanner,
    private readonly claims: DueClaims,
    private readonly ranges: DueRangeRepository,
  ) {}

  /** Which subscribers a run looks at; unknown addresses and topics are bad input. */
  async audience(options: SendOptions): Promise<Audience> {
    const where: Audience = {};
    if (options.email !== undefined) {
      const found = await this.subscribers.getByAddress(options.email);
      if (found.status !== 'confirmed') throw new InvalidInputError(`${found.email} is ${found.status}, not confirmed: no digest can be sent`);
      where.email = found.email;
    }
    if (options.topic !== undefined) {
      const slugs = (await this.topics.list()).map((t) => t.slug);
      if (!slugs.includes(options.topic)) throw new InvalidInputError(`unknown topic "${options.topic}"; valid topics: ${slugs.join(', ')}`);
      where.topic = options.topic;
    }
    return where;
  }

  async *planned(where: Audience, options: SendOptions, runId: number, claimant: string, now: Date): AsyncGenerator<Batch> {
    if (!targeted(options) && !options.force) return yield* this.duePlanned(runId, claimant, now);
    for await (const page of this.pages(where)) {
      yield { claimed: await this.claim(runId, claimant, page, options, now), subscribers: new Map(page.map((s) => [s.id, s])) };
    }
  }

  async *failedBatches(failedRunId: number, runId: number, claimant: string, now: Date): AsyncGenerator<Batch> {
    for (let after = 0; ;) {
      const rows = await this.ledger.failedOf(failedRunId, after, PAGE);
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1].id);
      const found = await this.subscribers.activeByIds(rows.map((r) => Number(r.subscriber_id)));
      const subscribers = new Map(found.map((s) => [s.id, s]));
      yield {
        claimed: await this.ledger.claimFailed(
          rows.filter((r) => subscribers.has(Number(r.subscriber_id))),
          runId,
          claimant,
          now,
        ),
        subscribers,
      };
    }
  }

  /** What a run would send, page by page, without claiming: the readers not yet sent this period (all of them when forced). */
  async *dryPlan(options: SendOptions, where: Audience, now: Date): AsyncGenerator<{ subscriber: Subscriber; windowStart: Date }> {
    for await (const page of this.pages(where)) {
      let plan = await this.plan(dueIn(page, options, now), now);
      // A forced copy re-covers the period's original window (see DigestLedger.claimResend): report what it would send.
      if (options.force) plan = await this.ledger.withOriginalWindows(plan);
      const done = options.force ? new Set<number>() : await this.ledger.finishedIn(plan);
      const byId = new Map(page.map((s) => [s.id, s]));
      for (const item of plan.filter((p) => !done.has(p.subscriberId))) yield { subscriber: byId.get(item.subscriberId)!, windowStart: item.windowStart };
    }
  }

  /**
   * A run with no audience named: the readers whose next due instant has come, by index. In process,
   * their deliveries are claimed page by page and sent (DueClaims; a reader gone since waits for a
   * later run). With the queue, planning writes no ledger row: it cuts the due readers into ranges
   * of the index, one job each, and the worker that takes a range claims its deliveries through the
   * same DueClaims (delivery.worker.ts). Ranges still open from earlier runs are not handed out again.
   */
  private async *duePlanned(runId: number, claimant: string, now: Date): AsyncGenerator<Batch> {
    if (this.queue.enabled) {
      const start = (await this.ranges.openBound(now)) ?? FIRST_CURSOR;
      const jobs = this.config.mail.ratePerSecond > 0 ? Number.MAX_SAFE_INTEGER : RANGE_JOBS; // the queue's rate limiter counts jobs: one reader each
      for await (const ranges of this.due.ranges(now, start, jobs, RANGE_MAX)) yield { ranges };
      return;
    }
    for await (const batch of this.claims.batches(runId, claimant, now)) {
      yield { claimed: batch.claimed.filter((c) => batch.subscribers.has(c.subscriberId)), subscribers: batch.subscribers };
    }
  }

  private async *pages(where: Audience): AsyncGenerator<Subscriber[]> {
    for (let after = 0; ;) {
      const page = await this.subscribers.audiencePage(where, after, PAGE);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1].id;
    }
  }

  private async claim(runId: number, claimant: string, page: Subscriber[], options: SendOptions, now: Date): Promise<ClaimedDelivery[]> {
    const plan = await this.plan(dueIn(page, options, now), now);
    if (!options.force) return this.ledger.claim(runId, claimant, plan, now);
    const claimed: ClaimedDelivery[] = [];
    for (const item of plan) claimed.push(await this.ledger.claimResend(runId, claimant, item, now));
    return claimed;
  }

  private async plan(subscribers: Subscriber[], now: Date): Promise<PlanItem[]> {
    const last = await this.ledger.lastWindowEnds(subscribers.map((s) => s.id));
    const at = new ScheduleMemo(now);
    return subscribers.map((s) => ({
      subscriberId: s.id,
      period: at.of(s).period,
      windowStart: windowStartFor(s.frequency, last.get(s.id), now),
    }));
  }
}

/** A run names its audience (--email, --topic, --all) or, by default, takes whoever is due now. */
function dueIn(page: Subscriber[], options: SendOptions, now: Date): Subscriber[] {
  return targeted(options) ? page : page.filter((s) => isDue(schedule(s), now));
}

function targeted(options: SendOptions): boolean {
  return options.all === true || options.email !== undefined || options.topic !== undefined;
}

export function schedule(s: Pick<Subscriber, 'frequency' | 'timezone' | 'deliveryHour'>) {
  return { frequency: s.frequency, timezone: s.timezone, hour: s.deliveryHour };
}
