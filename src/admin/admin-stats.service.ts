import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { TopicsService } from '../topics/topics.service.js';
import { Clock } from '../common/clock.js';
import { SourceFreshness } from '../health/source-freshness.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
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
      this.count(`SELECT count(*) AS n FROM digest_deliveries WHERE status = 'bounced' AND updated_at >= ${this.p(1)}`, since),
      this.count(`SELECT count(*) AS n FROM subscribers WHERE unsubscribed_at >= ${this.p(1)}`, since),
    ]);
    const sent = perDay.reduce((n, d) => n + d.sent, 0);
    const dashboard = await dashboardStats(
      this.dataSource,
      perDay.map((d) => d.date),
      since,
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
    const rows: { status: SubscriberStatus; n: string | number }[] = await this.dataSource.query(
      'SELECT status, count(*) AS n FROM subscribers GROUP BY status',
    );
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
    const rows: { day: string; n: string | number }[] = await this.dataSource.query(
      `SELECT ${dayOf(this.d, 'sent_at')} AS day, count(*) AS n FROM digest_deliveries WHERE status = 'sent' AND sent_at >= ${this.p(1)} GROUP BY ${dayOf(this.d, 'sent_at')}`,
      [sqlTimestamp(this.d, since)],
    );
    const counts = new Map(rows.map((r) => [String(r.day), Number(r.n)]));
    return Array.from({ length: STATS_DAYS }, (_, i) => {
      const date = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
      return { date, sent: counts.get(date) ?? 0 };
    });
  }

  private async count(sql: string, value: Date | string): Promise<number> {
    const [row] = await this.dataSource.query(sql, [value instanceof Date ? sqlTimestamp(this.d, value) : value]);
    return Number(row?.n ?? 0);
  }

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  private p(n: number): string {
    return param(this.d, n);
  }
}

/** The UTC calendar day of a timestamp column, as YYYY-MM-DD. */
function dayOf(d: DialectName, column: string): string {
  return d === 'postgres' ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `substr(${column}, 1, 10)`;
}

function ratio(n: number, of: number): number | null {
  return of === 0 ? null : Math.round((n / of) * 10_000) / 10_000;
}
