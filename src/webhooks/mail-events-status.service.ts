import { Injectable } from '@nestjs/common';
import { MailEventRepository } from './mail-event.repository.js';

export interface MailProviderState {
  /** Events recorded from this provider, and when the last one came. */
  events: number;
  lastEventAt: string | null;
  /** The last request refused (401) since this server started, and why. */
  lastRefusedAt: string | null;
  lastRefusal: string | null;
}

/**
 * What the admin page shows of mail events in, per provider. Refusals are kept in memory only: a
 * caller without the key must not be able to make the server write to its database.
 */
@Injectable()
export class MailEventsStatus {
  private readonly refusals = new Map<string, { at: string; reason: string }>();

  constructor(private readonly events: MailEventRepository) {}

  refused(provider: string, reason: string, now = new Date()): void {
    this.refusals.set(provider, { at: now.toISOString(), reason: reason.slice(0, 300) });
  }

  async state(): Promise<Map<string, MailProviderState>> {
    const out = new Map<string, MailProviderState>();
    const row = (p: string) => out.get(p) ?? out.set(p, { events: 0, lastEventAt: null, lastRefusedAt: null, lastRefusal: null }).get(p)!;
    for (const r of await this.events.perProvider()) Object.assign(row(r.provider), { events: r.events, lastEventAt: r.lastEventAt.toISOString() });
    for (const [p, r] of this.refusals) Object.assign(row(p), { lastRefusedAt: r.at, lastRefusal: r.reason });
    return out;
  }
}
