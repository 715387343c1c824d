import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PermanentMailError, TemporaryMailError } from '../mail/mail.errors.js';
import { MailService, type OutgoingMail } from '../mail/mail.service.js';
import { MailTemplates } from '../mail/mail.templates.js';
import { TopicsService } from '../topics/topics.service.js';
import type { Subscriber } from './subscriber.entity.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import { SubscriberRepository } from './subscriber.repository.js';

export type SubscriberMailKind = 'confirm' | 'welcome' | 'manage';

const SUBJECTS: Record<SubscriberMailKind, string> = {
  confirm: 'Confirm your Paperboy subscription',
  welcome: 'Welcome to Paperboy: you are subscribed',
  manage: 'Your Paperboy preferences link',
};
const RETRY_DELAYS_MS = [2_000, 15_000];

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
 * answer to a subscribe request takes the same time whether or not a message goes out.
 * Temporary failures are retried twice; a permanent refusal marks the address bounced.
 */
@Injectable()
export class SubscriberMailer implements OnApplicationShutdown {
  private readonly log = new Logger('SubscriberMail');
  private readonly pending = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mail: MailService,
    private readonly templates: MailTemplates,
    private readonly links: SubscriberLinks,
    private readonly topics: TopicsService,
    private readonly repo: SubscriberRepository,
  ) {}

  dispatch(kind: SubscriberMailKind, subscriber: Subscriber): void {
    const task: Promise<void> = this.deliver(kind, subscriber)
      .catch((err: unknown) => this.log.error({ msg: 'account email not sent', kind, subscriberId: subscriber.id, error: String(err) }))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Resolves once every email dispatched so far has been sent or given up on. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const wake of this.sleepers) wake();
    await this.idle();
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

  private async deliver(kind: SubscriberMailKind, s: Subscriber): Promise<void> {
    const message = await this.compose(kind, s);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.mail.send(message);
        return;
      } catch (err) {
        if (err instanceof PermanentMailError) {
          await this.repo.transition(s.id, ['pending', 'confirmed'], { status: 'bounced', statusReason: `${err.responseCode} ${err.message}`.slice(0, 500) });
          return;
        }
        if (!(err instanceof TemporaryMailError) || attempt >= RETRY_DELAYS_MS.length || this.closing) throw err;
        await this.sleep(RETRY_DELAYS_MS[attempt]);
      }
    }
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
