import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Like, MoreThan, type DataSource, type FindOptionsWhere } from 'typeorm';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { normalizeEmail } from '../subscribers/email-address.js';
import { Subscriber } from '../subscribers/subscriber.entity.js';
import { TopicsService } from '../topics/topics.service.js';
import { CandidateLoader } from './candidate.loader.js';
import { newClaimant } from './delivery.claims.js';
import { DeliveryService, type DeliveryOutcome } from './delivery.service.js';
import { isDue, MAX_WINDOW_MS, periodOf, windowStartFor } from './digest-period.js';
import { DigestRun, type RunTrigger } from './digest-run.entity.js';
import { DigestLedger, type ClaimedDelivery, type PlanItem } from './digest-ledger.repository.js';
import { DigestMetrics } from './digest.metrics.js';
import type { DigestContext } from './digest.renderer.js';
import type { CandidatePool } from './digest.selection.js';
import { runPool } from './run-pool.js';

export interface SendOptions {
  email?: string;
  topic?: string;
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export interface RunSummary {
  runId: number | null;
  selected: number;
  sent: number;
  skippedEmpty: number;
  failed: number;
  dryRun: boolean;
  /** Dry runs only: who would get how many papers. */
  recipients?: { email: string; papers: number; total: number }[];
}

const PAGE = 500;

/**
 * One digest run: the same code whether the scheduler's tick, `paperboy send` or the admin route
 * asked for it. Subscribers are read in pages, each page's deliveries claimed in the ledger and
 * sent by a small pool, so memory stays flat however many subscribers there are.
 */
@Injectable()
export class DigestService {
  private readonly log = new Logger('Digest');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: CandidateLoader,
    private readonly ledger: DigestLedger,
    private readonly deliveries: DeliveryService,
    private readonly topics: TopicsService,
    private readonly metrics: DigestMetrics,
  ) {}

  async run(options: SendOptions, trigger: RunTrigger, now = new Date()): Promise<RunSummary> {
    const where = await this.audience(options);
    const pool = await this.loader.load(new Date(now.getTime() - MAX_WINDOW_MS), now);
    const ctx: DigestContext = { topicNames: new Map((await this.topics.list()).map((t) => [t.slug, t.name])), now };
    if (options.dryRun) return this.dryRun(options, where, pool, ctx);
    const runs = this.dataSource.getRepository(DigestRun);
    const run = await runs.save(runs.create({ trigger, options: { ...options }, status: 'running', dryRun: false, selected: 0, sent: 0, skippedEmpty: 0, failed: 0, startedAt: now, finishedAt: null }));
    const summary: RunSummary = { runId: run.id, selected: 0, sent: 0, skippedEmpty: 0, failed: 0, dryRun: false };
    const claimant = newClaimant();
    const started = performance.now();
    try {
      for await (const page of this.pages(where)) {
        const claimed = await this.claim(run.id, claimant.id, page, options, now);
        summary.selected += claimed.length;
        const byId = new Map(page.map((s) => [s.id, s]));
        await runPool(claimed, this.config.digest.concurrency, async (d) => tally(summary, await this.deliveries.deliver({ delivery: d, subscriber: byId.get(d.subscriberId)!, pool, ctx })));
        await runs.update({ id: run.id }, counts(summary));
      }
      await runs.update({ id: run.id }, { ...counts(summary), status: 'finished', finishedAt: new Date() });
    } catch (err) {
      await runs.update({ id: run.id }, { ...counts(summary), status: 'failed', finishedAt: new Date() });
      throw err;
    } finally {
      claimant.done();
      this.metrics.runFinished(trigger, (performance.now() - started) / 1000);
    }
    this.log.log({ msg: 'digest run finished', trigger, ...summary });
    return summary;
  }

  /** Which subscribers a run looks at; unknown addresses and topics are bad input. */
  private async audience(options: SendOptions): Promise<FindOptionsWhere<Subscriber>> {
    const where: FindOptionsWhere<Subscriber> = { status: 'confirmed', paused: false };
    if (options.email !== undefined) {
      const check = normalizeEmail(options.email);
      const found = check.ok ? await this.dataSource.getRepository(Subscriber).findOneBy({ email: check.email }) : null;
      if (!found) throw new InvalidInputError(`no subscriber with the address "${options.email}"`);
      if (found.status !== 'confirmed') throw new InvalidInputError(`${found.email} is ${found.status}, not confirmed: no digest can be sent`);
      where.email = found.email;
    }
    if (options.topic !== undefined) {
      const slugs = (await this.topics.list()).map((t) => t.slug);
      if (!slugs.includes(options.topic)) throw new InvalidInputError(`unknown topic "${options.topic}"; valid topics: ${slugs.join(', ')}`);
      where.topics = Like(`%"${options.topic}"%`);
    }
    return where;
  }

  private async *pages(where: FindOptionsWhere<Subscriber>): AsyncGenerator<Subscriber[]> {
    const repo = this.dataSource.getRepository(Subscriber);
    for (let after = 0; ; ) {
      const page = await repo.find({ where: { ...where, id: MoreThan(after) }, order: { id: 'ASC' }, take: PAGE });
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1].id;
    }
  }

  private async claim(runId: number, claimant: string, page: Subscriber[], options: SendOptions, now: Date): Promise<ClaimedDelivery[]> {
    const targeted = options.all || options.email !== undefined || options.topic !== undefined;
    const due = page.filter((s) => targeted || isDue(schedule(s), now));
    const plan = await this.plan(due, now);
    if (!options.force) return this.ledger.claim(runId, claimant, plan, now);
    const claimed: ClaimedDelivery[] = [];
    for (const item of plan) claimed.push(await this.ledger.claimResend(runId, claimant, item, now));
    return claimed;
  }

  private async plan(subscribers: Subscriber[], now: Date): Promise<PlanItem[]> {
    const last = await this.ledger.lastWindowEnds(subscribers.map((s) => s.id));
    return subscribers.map((s) => ({
      subscriberId: s.id,
      period: periodOf(schedule(s), now),
      windowStart: windowStartFor(s.frequency, last.get(s.id), now),
    }));
  }

  /** Who would get how many papers; reads the ledger, writes nothing. */
  private async dryRun(options: SendOptions, where: FindOptionsWhere<Subscriber>, pool: CandidatePool, ctx: DigestContext): Promise<RunSummary> {
    const summary: RunSummary = { runId: null, selected: 0, sent: 0, skippedEmpty: 0, failed: 0, dryRun: true, recipients: [] };
    for await (const page of this.pages(where)) {
      const targeted = options.all || options.email !== undefined || options.topic !== undefined;
      const plan = await this.plan(page.filter((s) => targeted || isDue(schedule(s), ctx.now)), ctx.now);
      const done = options.force ? new Set<number>() : await this.ledger.finishedIn(plan);
      const byId = new Map(page.map((s) => [s.id, s]));
      for (const item of plan.filter((p) => !done.has(p.subscriberId))) {
        const s = byId.get(item.subscriberId)!;
        const sel = pool.select({ topics: s.topics, keywords: s.keywords, windowStart: item.windowStart, windowEnd: ctx.now, max: this.config.digest.maxPapers });
        summary.selected++;
        if (sel.total === 0) summary.skippedEmpty++;
        summary.recipients!.push({ email: s.email, papers: sel.papers.length, total: sel.total });
      }
    }
    return summary;
  }
}

export function schedule(s: Subscriber) {
  return { frequency: s.frequency, timezone: s.timezone, hour: s.deliveryHour };
}

function tally(summary: RunSummary, outcome: DeliveryOutcome): void {
  if (outcome === 'sent') summary.sent++;
  else if (outcome === 'skipped') summary.skippedEmpty++;
  else summary.failed++;
}

function counts(s: RunSummary) {
  return { selected: s.selected, sent: s.sent, skippedEmpty: s.skippedEmpty, failed: s.failed };
}

