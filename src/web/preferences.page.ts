import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DigestStatusService } from '../subscribers/preferences.digest-status.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { CsrfTokens, PageRenderer } from '../http/index.js';
import type { FormErrors, FormValues } from './subscription.form.js';
import { groupTopics } from './topic-groups.js';

export interface PreferencesPageOptions {
  done?: string;
  errors?: FormErrors;
  /** What was submitted, shown again when it had problems. */
  form?: FormValues;
  openDelete?: boolean;
}

const NOTICES: Record<string, string> = {
  saved: 'Your preferences are saved.',
  paused: 'Paused: no emails until you resume.',
  resumed: 'Resumed: your digests are back on.',
  unsubscribed: 'You are unsubscribed. Paperboy will not email you any more.',
  resubscribed: 'You are subscribed.',
  'confirm-sent': 'A confirmation email is on its way: follow its link to subscribe again.',
};

const STATUS: Record<Subscriber['status'], string> = {
  pending: 'Waiting for you to confirm: follow the link in the confirmation email.',
  confirmed: 'Subscribed.',
  unsubscribed: 'Unsubscribed: Paperboy does not email you.',
  bounced: 'Stopped: our emails to this address bounced.',
  complained: 'Stopped: an email was reported as spam from this address.',
};

// Every zone the runtime knows, listed once; UTC first because it is the default.
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** The preferences page: the subscriber's choices as a form, and the account actions. */
@Injectable()
export class PreferencesPage {
  constructor(
    private readonly pages: PageRenderer,
    private readonly topics: TopicsService,
    private readonly csrf: CsrfTokens,
    private readonly digestStatus: DigestStatusService,
    private readonly links: SubscriberLinks,
  ) {}

  async send(req: Request, res: Response, status: number, s: Subscriber, token: string, options: PreferencesPageOptions = {}): Promise<void> {
    const form = options.form ?? { topics: s.topics, keywords: s.keywords ?? '', frequency: s.frequency, timezone: s.timezone, hour: String(s.deliveryHour) };
    const hour = /^\d{1,2}$/.test(form.hour) ? Number(form.hour) : s.deliveryHour;
    const zones = ZONES.includes(s.timezone) ? ZONES : [s.timezone, ...ZONES];
    this.pages.send(res, status, 'preferences', {
      title: 'Your Paperboy preferences',
      csrf: this.csrf.issue(req, res),
      token,
      email: s.email,
      statusText: STATUS[s.status],
      active: s.status === 'confirmed',
      editable: s.status === 'confirmed' || s.status === 'pending',
      canResume: s.status === 'unsubscribed' || s.status === 'bounced',
      paused: Boolean(s.paused),
      digests: await this.digestStatus.of(s),
      notice: options.done ? NOTICES[options.done] : undefined,
      errors: options.errors,
      openDelete: options.openDelete ?? false,
      topicGroups: groupTopics(await this.topics.list(), form.topics),
      keywords: form.keywords,
      weekly: form.frequency === 'weekly',
      hours: HOURS.map((h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00`, selected: h === hour })),
      zones: zones.map((z) => ({ name: z, selected: z === (form.timezone || s.timezone) })),
      ...this.feedData(s),
    });
  }

  /** The reader's personal feed (src/feeds): linked on the page and announced for autodiscovery. */
  private feedData(s: Subscriber): { feedUrl: string; feedLinks: { type: string; title: string; href: string }[] } {
    const feedUrl = this.links.feedUrl(s, 'atom');
    return {
      feedUrl,
      feedLinks: [
        { type: 'application/atom+xml', title: 'Your Paperboy digests', href: feedUrl },
        { type: 'application/feed+json', title: 'Your Paperboy digests (JSON Feed)', href: this.links.feedUrl(s, 'json') },
      ],
    };
  }
}
