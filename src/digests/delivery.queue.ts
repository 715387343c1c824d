import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { redisConnection } from '../common/redis.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HealthService } from '../health/health.service.js';
import type { ClaimedDelivery } from './digest-ledger.repository.js';
import { DigestMetrics } from './digest.metrics.js';
import { DueRangeRepository, type DueRange } from './due-range.repository.js';
import type { DueCursor } from './due-reader.repository.js';

export const DELIVERY_QUEUE = 'paperboy-deliveries';
const WORKER_KEY = 'paperboy:worker:';
/** Live workers by heartbeat expiry, so a /metrics scrape reads known keys instead of scanning Redis with KEYS. */
const WORKERS_SET = 'paperboy:workers';
const HEARTBEAT_TTL_S = 60;

export interface DeliveryJobData {
  deliveryId: number;
  runId: number;
  /** A job for several deliveries (a large run, see enqueue()): all of them, deliveryId first. */
  deliveryIds?: number[];
}

/** A cursor of the due index (subscribers_next_due) in a job: the instant as stored or as ISO text. */
export interface JobCursor {
  nextDueAt: string;
  id: number;
}

/**
 * A queued scheduled run's range of due readers (DigestService.duePlanned): the worker reads the
 * readers after `after` up to `upto` still due at the run's start, and claims each one's delivery.
 */
export interface RangeJobData {
  runId: number;
  range: { seq: number; after: JobCursor; upto: JobCursor };
}

export type QueueJobData = DeliveryJobData | RangeJobData;

/** A large page goes out as about this many jobs, each carrying its share of deliveries. */
const JOBS_PER_PAGE = 64;
/** At most this many deliveries per job, so a job stays a short piece of work for one slot. */
const MAX_PER_JOB = 25;

export { redisConnection };

/**
 * The producer side: with REDIS_URL, a run hands its deliveries to BullMQ instead of sending them.
 * A job's id is derived from subscriber, period and resend, so enqueueing the same delivery again
 * (a resumed run, a second instance) is a no-op while the first job is still waiting.
 */
@Injectable()
export class DeliveryQueue implements OnApplicationShutdown {
  readonly queue: Queue<QueueJobData> | null;
  /** A plain client for health checks and worker heartbeats. */
  readonly redis: Redis | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    health: HealthService,
    metrics: DigestMetrics,
    /** Absent where only the queue itself is built (a unit of it under test): no readers gauge then. */
    @Optional() private readonly ranges?: DueRangeRepository,
  ) {
    this.queue = config.redisUrl ? new Queue<QueueJobData>(DELIVERY_QUEUE, { connection: redisConnection(config.redisUrl) }) : null;
    this.redis = config.redisUrl ? new Redis(redisConnection(config.redisUrl)) : null;
    if (this.redis) {
      const redis = this.redis;
      health.add('redis', async () => void (await redis.ping()));
      this.registerMetrics(metrics);
    }
  }

  private registerMetrics(metrics: DigestMetrics): void {
    const depth = () => this.depth();
    const workers = () => this.workers();
    new Gauge({
      name: 'paperboy_queue_jobs',
      help: 'Delivery jobs in the queue by state',
      labelNames: ['state'],
      registers: [metrics.registry],
      async collect() {
        for (const [state, n] of Object.entries(await depth())) this.set({ state }, n);
      },
    });
    const ranges = this.ranges;
    if (ranges) {
      new Gauge({
        name: 'paperboy_queue_readers',
        help: 'Due readers handed to the workers in range jobs not finished yet (a range job stands for many readers)',
        registers: [metrics.registry],
        async collect() {
          this.set(await ranges.waiting());
        },
      });
    }
    new Gauge({
      name: 'paperboy_worker_processed',
      help: 'Deliveries processed by each live worker since it started (rate() gives its throughput)',
      labelNames: ['worker'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const [worker, n] of await workers()) this.set({ worker }, n);
      },
    });
  }

  get enabled(): boolean {
    return this.queue !== null;
  }

  /**
   * One BullMQ job per delivery costs Redis a script run and the producer a round of encoding each:
   * at a million readers that is most of planning. So a large page is enqueued as a few dozen jobs
   * of up to MAX_PER_JOB deliveries, each sent in turn by the worker, with the same ledger claims
   * one by one (the ledger, not the job, is what makes a delivery go out once). Small pages, and
   * any page under a MAIL_RATE_PER_SECOND limit (BullMQ's limiter counts jobs), stay one per job.
   */
  async enqueue(runId: number, deliveries: ClaimedDelivery[]): Promise<void> {
    if (!this.queue || deliveries.length === 0) return;
    const size = this.config.mail.ratePerSecond > 0 ? 1 : Math.min(MAX_PER_JOB, Math.max(1, Math.floor(deliveries.length / JOBS_PER_PAGE)));
    const opts = this.jobOptions();
    const jobs = [];
    for (let i = 0; i < deliveries.length; i += size) {
      const group = deliveries.slice(i, i + size);
      const [d] = group;
      jobs.push({
        name: 'deliver',
        data: size === 1 ? { deliveryId: d.id, runId } : { deliveryId: d.id, runId, deliveryIds: group.map((g) => g.id) },
        opts: { ...opts, jobId: size === 1 ? `${d.subscriberId}-${d.period}-${d.resend}` : `d${d.id}+${group.length}` },
      });
    }
    await this.queue.addBulk(jobs);
  }

  /** One job per range of due readers; its id names the run and range, so adding it again is a no-op while it waits. */
  async enqueueRanges(runId: number, ranges: DueRange[]): Promise<void> {
    if (!this.queue || ranges.length === 0) return;
    const opts = this.jobOptions();
    await this.queue.addBulk(
      ranges.map((r) => ({
        name: 'deliver-range',
        data: { runId, range: { seq: r.seq, after: jobCursor(r.after), upto: jobCursor(r.upto) } },
        opts: { ...opts, jobId: `r${runId}-${r.seq}` },
      })),
    );
  }

  private jobOptions() {
    return {
      attempts: this.config.queue.attempts,
      backoff: { type: 'exponential', delay: this.config.queue.backoffMs },
      removeOnComplete: true,
      // Gone once done either way: a job id left behind would turn a later enqueue of the same delivery into a no-op.
      removeOnFail: true,
    };
  }

  /** Jobs by state, for /metrics. */
  async depth(): Promise<Record<string, number>> {
    return this.queue ? this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed') : {};
  }

  /** Deliveries each live worker has processed, from their heartbeats. */
  async workers(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!this.redis) return out;
    await this.redis.zremrangebyscore(WORKERS_SET, '-inf', Date.now());
    const ids = await this.redis.zrange(WORKERS_SET, 0, -1);
    const values = ids.length ? await this.redis.mget(...ids.map((id) => `${WORKER_KEY}${id}`)) : [];
    ids.forEach((id, i) => {
      if (values[i] != null) out.set(id, Number(values[i]));
    });
    return out;
  }

  async heartbeat(workerId: string, processed: number): Promise<void> {
    await this.redis
      ?.multi()
      .set(`${WORKER_KEY}${workerId}`, String(processed), 'EX', HEARTBEAT_TTL_S)
      .zadd(WORKERS_SET, Date.now() + HEARTBEAT_TTL_S * 1000, workerId)
      .exec();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    this.redis?.disconnect();
  }
}

function jobCursor(c: DueCursor): JobCursor {
  return { nextDueAt: typeof c.nextDueAt === 'string' ? c.nextDueAt : c.nextDueAt.toISOString(), id: c.id };
}
