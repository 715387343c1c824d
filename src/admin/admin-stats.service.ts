import { Injectable } from '@nestjs/common';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { TopicsService } from '../topics/topics.service.js';
import { Clock } from '../common/clock.js';
import { SourceFreshness } from '../health/source-freshness.js';
import { AdminStatsRepository } from './admin-stats.repository.js';
import { dashboardStats, type DashboardStats } from './admin-stats.trust.js';

export const STATS_DAYS = 30;

export interface AdminStats {
  subscribers: {
    total: number;
    byStatus: Record<SubscriberStatus, number>;
    /** Confirmed subscribers per topic, most followed first. */
    byTopic: { slug: string; name: string; subscribers: number }[];
  };
  /** The last STATS_DAYS days (UTC), oldest first, today included. */
  digests: { since: string; perDay: { date: string; sent: number }[]; sent: number; bounced: number };
  /**
   * Over the same days: bounce = bounced ÷ (sent + bounced) digests; unsubscribe = people who
   * unsubscribed ÷ digests sent. Null when there is nothing to divide by.
   */
  rates: { bounce: number | null; unsubscribe: number | null; unsubscribed: number };
  /** The dashboard's plots: papers per day by source, outcomes per day, last ingest, next run, source freshness. */
  dashboard: DashboardStats;
}

/** `GET /api/admin/stats`: counts an operator watches, straight from the tables. */
@Injectable()
export class AdminStatsService {
  constructor(
    private readonly counts: AdminStatsRepository,
    private readonly topics: TopicsService,
    private readonly clock: Clock,
    private readonly freshness: SourceFreshness,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async stats(now = this.clock.now()): Promise<AdminStats> {
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (STATS_DAYS - 1)));
    const [byStatus, byTopic, perDay, bounced, unsubscribed] = await Promise.all([
      this.byStatus(),
      this.byTopic(),
      this.sentPerDay(since),
      this.counts.bouncedSince(since),
      this.counts.unsubscribedSince(since),
    ]);
    const sent = perDay.reduce((n, d) => n + d.sent, 0);
    const dashboard = dashboardStats(
      await this.counts.dashboardRows(since),
      perDay.map((d) => d.date),
      now,
      await this.freshness.state(now),
    );
    return {
      subscribers: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, byTopic },
      digests: { since: since.toISOString().slice(0, 10), perDay, sent, bounced },
      rates: { bounce: ratio(bounced, sent + bounced), unsubscribe: ratio(unsubscribed, sent), unsubscribed },
      dashboard,
    };
  }

  private async byStatus(): Promise<Record<SubscriberStatus, number>> {
    const rows = await this.counts.subscribersByStatus();
    const out = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  private async byTopic(): Promise<AdminStats['subscribers']['byTopic']> {
    const counts = await this.subscribers.confirmedPerTopic();
    const out = (await this.topics.list()).map((t) => ({ slug: t.slug, name: t.name, subscribers: counts.get(t.slug) ?? 0 }));
    return out.sort((a, b) => b.subscribers - a.subscribers || a.slug.localeCompare(b.slug));
  }

  private async sentPerDay(since: Date): Promise<{ date: string; sent: number }[]> {
    const counts = await this.counts.sentPerDay(since);
    return Array.from({ length: STATS_DAYS }, (_, i) => {
      const date = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
      return { date, sent: counts.get(date) ?? 0 };
    });
  }
}

function ratio(n: number, of: number): number | null {
  return of === 0 ? null : Math.round((n / of) * 10_000) / 10_000;
}
