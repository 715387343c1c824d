import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelRunSummary } from '../channels/channel.types.js';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { SourceFreshness } from '../health/source-freshness.js';
import { TopicsService } from '../topics/topics.service.js';
import { CandidateLoader } from './candidate.loader.js';
import { newClaimant } from './delivery.claims.js';
import { DeliveryService, type DeliveryOutcome } from './delivery.service.js';
import { MAX_WINDOW_MS } from './digest-period.js';
import type { RunTrigger } from './digest-run.entity.js';
import { DigestRunRepository } from './digest-run.repository.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { DigestMetrics } from './digest.metrics.js';
import type { Batch as ClaimedBatch } from './due-claims.js';
import { DueRangeRepository, type DueRange } from './due-range.repository.js';
import type { DigestContext } from './digest.renderer.js';
import type { CandidatePool } from './digest.selection.js';
import { DeliveryQueue } from './delivery.queue.js';
import { queueClaimant, QueuedDeliveryRepository } from './queued-delivery.repository.js';
import { runPool } from './run-pool.js';
import { RunBatches, type Audience, type Batch, type SendOptions } from './run-batches.js';

type Batches = (runId: number, claimant: string) => AsyncIterable<Batch>;

interface RunContext {
  pool: CandidatePool;
  ctx: DigestContext;
}

export type { SendOptions };

export interface RunSummary {
  runId: number | null;
  selected: number;
  sent: number;
  skippedEmpty: number;
  failed: number;
  dryRun: boolean;
  /** Dry runs only: who would get how many papers. */
  recipients?: { email: string; papers: number; total: number }[];
  /** Team channels this run delivered (src/channels); absent when it concerned none. */
  channels?: ChannelRunSummary;
  /** A queued scheduled run: due readers handed to the workers in ranges (they claim, and count in `selected`, as they take them). */
  queued?: number;
}

/**
 * One digest run: the same code whether the scheduler's tick, `paperboy send` or the admin route
 * asked for it. Subscribers are read in pages, each page's deliveries claimed in the ledger and
 * sent by a small pool (or queued for `paperboy worker`s with REDIS_URL), so memory stays flat
 * however many subscribers there are.
 */
@Injectable()
export class DigestService {
  private readonly log = new Logger('Digest');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: DigestRunRepository,
    private readonly loader: CandidateLoader,
    private readonly ledger: DigestLedger,
    private readonly deliveries: DeliveryService,
    private readonly topics: TopicsService,
    private readonly metrics: DigestMetrics,
    private readonly queue: DeliveryQueue,
    private readonly queued: QueuedDeliveryRepository,
    private readonly freshness: SourceFreshness,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly ranges: DueRangeRepository,
    private readonly batches: RunBatches,
  ) {
    freshness.register(metrics.registry);
  }

  async run(options: SendOptions, trigger: RunTrigger, now = this.clock.now()): Promise<RunSummary> {
    const where = await this.batches.audience(options);
    if (options.dryRun) return this.dryRun(options, where, await this.context(now));
    const summary = await this.execute(trigger, { ...options }, now, (runId, claimant) => this.batches.planned(where, options, runId, claimant, now));
    // Team channels go in the same run, with their own ledger (one delivery per channel and period).
    const channels = await this.channels.run(summary.runId, options, now);
    return channels ? { ...summary, channels } : summary;
  }

  /**
   * Retries exactly the deliveries run `runId` left failed, as a new run: the same ledger claims
   * (compare-and-set, so a concurrent run cannot send a row too) and the same delivery path as
   * run(). Rows of subscribers no longer confirmed, or paused, are left as they are.
   */
  async retryFailed(runId: number, trigger: RunTrigger = 'admin', now = this.clock.now()): Promise<RunSummary> {
    if (!(await this.runs.exists(runId))) throw new NotFoundError(`no digest run ${runId}`);
    if ((await this.ledger.failedOf(runId, 0, 1)).length === 0) throw new InvalidInputError(`run ${runId} has no failed deliveries left to retry`);
    return this.execute(trigger, { retryOf: runId }, now, (newRunId, claimant) => this.batches.failedBatches(runId, newRunId, claimant, now));
  }

  /**
   * Waits until a queued run's workers have accounted for every delivery it planned; gives up when the
   * run's counts stay still for `stallMs` (no worker running, or all of them stuck), rather than forever.
   */
  async waitFor(runId: number, pollMs = 500, stallMs = 10 * 60_000): Promise<RunSummary> {
    let last = '';
    let movedAt = Date.now();
    for (;;) {
      const run = await this.runs.findByIdOrFail(runId);
      if (run.status !== 'running' && run.status !== 'queued') return { runId, ...counts(run), dryRun: false };
      const seen = JSON.stringify(counts(run));
      if (seen !== last) [last, movedAt] = [seen, Date.now()];
      else if (Date.now() - movedAt >= stallMs) {
        throw new Error(
          `run ${runId} made no progress for ${Math.round(stallMs / 1000)} s: is a \`paperboy worker\` running? (see \`paperboy runs show ${runId}\`)`,
        );
      }
      await sleep(pollMs);
    }
  }

  /**
   * One run, whatever chose its deliveries: recorded in digest_runs; each batch of claimed
   * deliveries sent here by a small pool, or, with REDIS_URL, handed to the workers' queue.
   */
  private async execute(trigger: RunTrigger, asked: Record<string, unknown>, now: Date, batches: Batches): Promise<RunSummary> {
    const options = await this.withSourceState(asked, now);
    const run = await this.runs.start({
      trigger,
      options,
      status: 'running',
      dryRun: false,
      selected: 0,
      sent: 0,
      skippedEmpty: 0,
      failed: 0,
      startedAt: now,
      finishedAt: null,
    });
    const summary: RunSummary = { runId: run.id, selected: 0, sent: 0, skippedEmpty: 0, failed: 0, dryRun: false };
    const claimant = this.queue.enabled ? { id: queueClaimant(run.id), done: () => undefined } : newClaimant();
    const started = performance.now();
    try {
      const ctx = this.queue.enabled ? null : await this.context(now);
      for await (const batch of ahead(batches(run.id, claimant.id))) {
        if ('ranges' in batch) {
          await this.queueRanges(run.id, batch.ranges, summary);
          continue;
        }
        summary.selected += batch.claimed.length;
        await this.dispatch(run.id, batch, ctx, summary);
        // A queued run's counts are the workers' to add to (they may have started): only an in-process run writes its own.
        if (ctx) await this.runs.update(run.id, counts(summary));
      }
      await this.close(run.id, trigger, summary);
    } catch (err) {
      await this.runs.update(run.id, { ...counts(summary), status: 'failed', finishedAt: new Date() });
      throw err;
    } finally {
      claimant.done();
      this.metrics.runFinished(trigger, (performance.now() - started) / 1000);
    }
    this.log.log({ msg: this.queue.enabled ? 'digest run queued' : 'digest run finished', trigger, ...summary });
    return summary;
  }

  /** A run while the source is stale says so (the operator decides what to do): recorded with its options. */
  private async withSourceState(options: Record<string, unknown>, now: Date): Promise<Record<string, unknown>> {
    const source = await this.freshness.state(now);
    if (!source.stale) return options;
    this.log.warn({ msg: 'digest run while the paper source is stale', ...source });
    return { ...options, sourceStale: { lastNewPaperAt: source.lastNewPaperAt, hoursWithoutNew: source.hoursWithoutNew } };
  }

  /** Enqueued before they are recorded: a recorded range always has its job (a crash between leaves a job with no record, which is harmless). */
  private async queueRanges(runId: number, ranges: DueRange[], summary: RunSummary): Promise<void> {
    await this.queue.enqueueRanges(runId, ranges);
    await this.ranges.record(runId, ranges);
    summary.queued = (summary.queued ?? 0) + ranges.reduce((n, r) => n + r.readers, 0);
  }

  private async dispatch(runId: number, batch: ClaimedBatch, ctx: RunContext | null, summary: RunSummary): Promise<void> {
    if (!ctx) return this.queue.enqueue(runId, batch.claimed);
    const known = await this.deliveries.prefetch(batch.claimed.map((d) => batch.subscribers.get(d.subscriberId)!));
    await runPool(batch.claimed, this.config.digest.concurrency, async (d) =>
      tally(summary, await this.deliveries.deliver({ delivery: d, subscriber: batch.subscribers.get(d.subscriberId)!, known, ...ctx })),
    );
  }

  /** In-process runs are done here; queued ones are done when the workers have counted every delivery. */
  private async close(runId: number, trigger: RunTrigger, summary: RunSummary): Promise<void> {
    // A tick every few minutes finds nobody due most of the time: such runs are not worth a row.
    if (trigger === 'schedule' && summary.selected === 0 && !summary.queued) return void (await this.runs.delete(runId));
    if (!this.queue.enabled) {
      await this.runs.update(runId, { ...counts(summary), status: 'finished', finishedAt: new Date() });
      return;
    }
    await this.runs.update(runId, summary.queued ? { status: 'queued' } : { selected: summary.selected, status: 'queued' });
    await this.queued.closeIfDone(runId);
  }

  /** The papers and topic names one run works from, loaded once. */
  private async context(now: Date): Promise<RunContext> {
    const pool = await this.loader.load(new Date(now.getTime() - MAX_WINDOW_MS), now);
    return { pool, ctx: { topicNames: new Map((await this.topics.list()).map((t) => [t.slug, t.name])), now } };
  }

  /** Who would get how many papers; reads the ledger, writes nothing to it (a reader model found stale is stored rebuilt, as a send would). */
  private async dryRun(options: SendOptions, where: Audience, { pool, ctx }: RunContext): Promise<RunSummary> {
    const summary: RunSummary = { runId: null, selected: 0, sent: 0, skippedEmpty: 0, failed: 0, dryRun: true, recipients: [] };
    for await (const { subscriber: s, windowStart } of this.batches.dryPlan(options, where, ctx.now)) {
      const { selection: sel } = await this.deliveries.select(s, pool, windowStart, ctx);
      summary.selected++;
      if (sel.total === 0) summary.skippedEmpty++;
      summary.recipients!.push({ email: s.email, papers: sel.papers.length, total: sel.total });
    }
    return summary;
  }
}

/**
 * The batches with the next one read and claimed while the caller sends the current one, so the
 * senders do not stand idle between pages. A batch claimed ahead and not sent at a crash is
 * resumed by the next run like any claimed row (the claim dies with the process).
 */
async function* ahead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const read = () => {
    const p = it.next();
    p.catch(() => undefined); // awaited below; not an unhandled rejection while the current batch sends
    return p;
  };
  try {
    for (let next = read(); ;) {
      const { done, value } = await next;
      if (done) return;
      next = read();
      yield value;
    }
  } finally {
    await it.return?.();
  }
}

function tally(summary: RunSummary, outcome: DeliveryOutcome): void {
  if (outcome === 'sent') summary.sent++;
  else if (outcome === 'skipped') summary.skippedEmpty++;
  else summary.failed++;
}

function counts(s: Pick<RunSummary, 'selected' | 'sent' | 'skippedEmpty' | 'failed'>) {
  return { selected: s.selected, sent: s.sent, skippedEmpty: s.skippedEmpty, failed: s.failed };
}
