import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { bounceReason, MailPolicy, type SendResult } from '../mail/mail.policy.js';
import type { OutgoingMail } from '../mail/mail.service.js';
import { MailTemplates } from '../mail/mail.templates.js';
import { TopicsService } from '../topics/topics.service.js';
import type { Subscriber } from './subscriber.entity.js';
import { AccountMailQueue, type AccountMailJob } from './account-mail.queue.js';
import { SubscriberBounces } from './subscriber-bounces.service.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import { SubscriberRepository } from './subscriber.repository.js';

export type SubscriberMailKind = AccountMailJob['kind'];

const SUBJECTS: Record<SubscriberMailKind, string> = {
  confirm: 'Confirm your Paperboy subscription',
  welcome: 'Welcome to Paperboy: you are subscribed',
  manage: 'Your Paperboy preferences link',
};

/** What every subscriber email template receives (templates/partials use these names). */
export interface SubscriberMailData {
  appUrl: string;
  appHost: string;
  email: string;
  topics: { slug: string; name: string }[];
  keywords: string | null;
  frequencyLabel: string;
  deliveryTime: string;
  unsubscribeUrl: string;
  preferencesUrl?: string;
  confirmUrl?: string;
}

/**
 * Sends the account emails (confirm, welcome, preferences link) in the background, so the HTTP
 * answer to a subscribe request takes the same time whether or not a message goes out. Sent under
 * the mail policy (src/mail/mail.policy.ts): temporary failures retried on its schedule, a permanent
 * refusal bounces the address (SubscriberBounces). With REDIS_URL each email is a job in Redis
 * (AccountMailQueue), so a crash loses none; without it, or when Redis refuses the job, it is sent in-process.
 */
@Injectable()
export class SubscriberMailer implements OnApplicationShutdown {
  private readonly log = new Logger('SubscriberMail');
  private readonly pending = new Set<Promise<void>>();
  /** Queued emails this process consumes itself, until each is done (for idle()). */
  private readonly queued = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: MailPolicy,
    private readonly queue: AccountMailQueue,
    private readonly bounces: SubscriberBounces,
    private readonly templates: MailTemplates,
    private readonly links: SubscriberLinks,
    private readonly topics: TopicsService,
    private readonly repo: SubscriberRepository,
  ) {}

  dispatch(kind: SubscriberMailKind, subscriber: Subscriber): void {
    const task = this.enqueueOrDeliver(kind, subscriber).catch((err: unknown) =>
      this.log.error({ msg: 'account email not sent', kind, subscriberId: subscriber.id, error: String(err) }),
    );
    this.track(this.pending, task);
  }

  /** Resolves once every email dispatched so far has been sent or given up on (queued ones too, when this process consumes the queue). */
  async idle(): Promise<void> {
    while (this.pending.size || this.queued.size) await Promise.all([...this.pending, ...this.queued]);
  }

  /** Waits for in-process sends and for jobs being added; queued emails stay in Redis for the next process. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const wake of this.sleepers) wake();
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private track(set: Set<Promise<void>>, task: Promise<void>): void {
    const tracked: Promise<void> = task.finally(() => set.delete(tracked));
    set.add(tracked);
  }

  /** The template data of one subscriber, also what `compose` sends. */
  async data(kind: SubscriberMailKind, s: Subscriber): Promise<SubscriberMailData> {
    const names = new Map((await this.topics.list()).map((t) => [t.slug, t.name]));
    const base: SubscriberMailData = {
      appUrl: this.config.publicUrl,
      appHost: new URL(this.config.publicUrl).host,
      email: s.email,
      topics: s.topics.map((slug) => ({ slug, name: names.get(slug) ?? slug })),
      keywords: s.keywords,
      frequencyLabel: s.frequency === 'weekly' ? 'every Monday' : 'every day',
      deliveryTime: `${String(s.deliveryHour).padStart(2, '0')}:00 (${s.timezone})`,
      unsubscribeUrl: this.links.unsubscribeUrl(s),
    };
    if (kind === 'confirm') return { ...base, confirmUrl: this.links.confirmUrl(s) };
    return { ...base, preferencesUrl: this.links.preferencesUrl(s) };
  }

  async compose(kind: SubscriberMailKind, s: Subscriber): Promise<OutgoingMail> {
    const data = await this.data(kind, s);
    const { html, text } = this.templates.render(kind, data);
    return { to: s.email, subject: SUBJECTS[kind], html, text, unsubscribeUrl: data.unsubscribeUrl };
  }

  /** Takes the account-mail jobs of the queue in this process (`paperboy serve` and `paperboy worker`). */
  consumeQueue(): void {
    this.queue.consume((job) => this.deliverQueued(job));
  }

  private async enqueueOrDeliver(kind: SubscriberMailKind, s: Subscriber): Promise<void> {
    if (this.queue.enabled && !this.closing) {
      try {
        const { done } = await this.queue.add({ kind, subscriberId: s.id });
        this.track(this.queued, done);
        return;
      } catch (err) {
        this.log.warn({ msg: 'account email not queued, sending it now', kind, subscriberId: s.id, error: String(err) });
      }
    }
    await this.settle(s, await this.policy.send(await this.compose(kind, s), { stop: () => this.closing, wait: (ms) => this.sleep(ms) }));
  }

  /** One try of a queued email for the row as it is now; a temporary failure throws, so the queue retries it. */
  private async deliverQueued(job: AccountMailJob): Promise<void> {
    const s = await this.repo.findById(job.subscriberId);
    if (!s) return; // deleted since: nothing to send
    await this.settle(s, await this.policy.sendOnce(await this.compose(job.kind, s)));
  }

  private async settle(s: Subscriber, result: SendResult): Promise<void> {
    if (result.ok) return;
    if (result.bounce) await this.bounces.markBounced(s.id, bounceReason(result.bounce));
    else throw result.error;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
