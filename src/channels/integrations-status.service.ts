import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventOutbox, type OutboxState } from '../events/event-outbox.repository.js';
import { MailEventsStatus, type MailProviderState } from '../webhooks/mail-events-status.service.js';
import { ChannelRepository } from './channel.repository.js';
import type { Channel } from './channel.types.js';

export interface IntegrationsState {
  channels: (Channel & { host: string; failing: boolean })[];
  /** Events out; null when WEBHOOK_URL is unset. */
  events: (OutboxState & { host: string }) | null;
  /** Which mail providers' webhooks can be verified (their key is set). */
  mailProviders: ({ name: string; ready: boolean; setting: string } & Partial<MailProviderState>)[];
}

/** What the admin page shows of channels, events out and mail events in: each one's last delivery and last error. */
@Injectable()
export class IntegrationsStatus {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channels: ChannelRepository,
    private readonly outbox: EventOutbox,
    private readonly mailEvents: MailEventsStatus,
  ) {}

  async state(): Promise<IntegrationsState> {
    const c = this.config.integrations;
    const channels = (await this.channels.list()).map((ch) => ({
      ...ch,
      host: new URL(ch.url).host,
      failing: Boolean(ch.lastErrorAt && (!ch.lastDeliveryAt || ch.lastErrorAt > ch.lastDeliveryAt)),
    }));
    const mail = await this.mailEvents.state();
    return {
      channels,
      events: c.webhookUrl ? { ...(await this.outbox.state()), host: new URL(c.webhookUrl).host } : null,
      mailProviders: [
        { name: 'postmark', ready: c.postmarkToken !== null, setting: 'POSTMARK_WEBHOOK_TOKEN' },
        { name: 'sendgrid', ready: c.sendgridPublicKey !== null, setting: 'SENDGRID_WEBHOOK_PUBLIC_KEY' },
        { name: 'mailgun', ready: c.mailgunSigningKey !== null, setting: 'MAILGUN_SIGNING_KEY' },
        { name: 'ses', ready: true, setting: 'SES_TOPIC_ARNS (optional)' },
        { name: 'generic', ready: c.webhookSecret !== null, setting: 'WEBHOOK_SECRET' },
      ].map((p) => ({ ...p, ...mail.get(p.name) })),
    };
  }
}
