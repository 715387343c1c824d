import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { redisConnection } from '../common/redis.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MailPolicy } from '../mail/mail.policy.js';

export const ACCOUNT_MAIL_QUEUE = 'paperboy-account-mails';

export interface AccountMailJob {
  kind: 'confirm' | 'welcome' | 'manage';
  subscriberId: number;
}

/**
 * With REDIS_URL, account emails are jobs in Redis, so a crash between the HTTP answer and the send
 * loses none: `paperboy serve` and `paperboy worker` take them (AccountMailConsumer), each job tried
 * on the mail policy's schedule (`jobOptions`). Without Redis the queue is off and SubscriberMailer sends in-process.
 */
@Injectable()
export class AccountMailQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('SubscriberMail');
  private bullmq: typeof import('bullmq') | null = null;
  private queue: Queue<AccountMailJob> | null = null;
  private worker: Worker<AccountMailJob> | null = null;
  /** Jobs this process added and consumes, by id: resolved when each is done or given up on. */
  private readonly local = new Map<string, () => void>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: MailPolicy,
  ) {}

  /** BullMQ (with ioredis, some 260 modules) is loaded only with REDIS_URL: a process without Redis (a CLI command) never needs it. */
  async onModuleInit(): Promise<void> {
    if (!this.config.redisUrl) return;
    this.bullmq = await import('bullmq');
    this.queue = new this.bullmq.Queue<AccountMailJob>(ACCOUNT_MAIL_QUEUE, { connection: redisConnection(this.config.redisUrl) });
  }

  get enabled(): boolean {
    return Boolean(this.config.redisUrl);
  }

  /** Adds a job; `done` settles once the job is done or given up on, when this process consumes the queue (at once otherwise). */
  async add(job: AccountMailJob): Promise<{ done: Promise<void> }> {
    const jobId = randomUUID();
    const done = this.worker ? new Promise<void>((resolve) => this.local.set(jobId, resolve)) : Promise.resolve();
    try {
      await this.queue!.add('send', job, { ...this.policy.jobOptions, jobId, removeOnComplete: true, removeOnFail: 1000 });
    } catch (err) {
      this.local.delete(jobId);
      throw err;
    }
    return { done };
  }

  consume(handle: (job: AccountMailJob) => Promise<void>): void {
    if (!this.bullmq || !this.config.redisUrl || this.worker) return;
    this.worker = new this.bullmq.Worker<AccountMailJob>(ACCOUNT_MAIL_QUEUE, (job) => handle(job.data), {
      connection: redisConnection(this.config.redisUrl),
      concurrency: 2,
    });
    this.worker.on('completed', (job) => this.settle(job));
    this.worker.on('failed', (job, err) => {
      const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.log[final ? 'error' : 'warn']({ msg: final ? 'account email not sent' : 'account email will be retried', jobId: job?.id, error: err.message });
      if (job && final) this.settle(job);
    });
  }

  private settle(job: Job<AccountMailJob>): void {
    if (!job.id) return;
    this.local.get(job.id)?.();
    this.local.delete(job.id);
  }

  async onApplicationShutdown(): Promise<void> {
    // close() lets an active job finish; waiting and delayed jobs stay in Redis for the next process.
    await this.worker?.close();
    await this.queue?.close();
    for (const resolve of this.local.values()) resolve();
  }
}
