import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, utcDay, type DialectName } from '../database/dialect.js';
import type { SubscriberStatus } from '../subscribers/subscriber.entity.js';

export type Rows = Record<string, unknown>[];

/** The counts behind `/api/admin/stats` and the dashboard: read-only aggregates over papers, subscribers and the ledger. */
@Injectable()
export class AdminStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  async subscribersByStatus(): Promise<{ status: SubscriberStatus; n: number }[]> {
    const rows: { status: SubscriberStatus; n: string | number }[] = await this.dataSource.query(
      'SELECT status, count(*) AS n FROM subscribers GROUP BY status',
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  /** Digests sent per UTC day (YYYY-MM-DD) since then; days with none are absent. */
  async sentPerDay(since: Date): Promise<Map<string, number>> {
    const day = utcDay(this.d, 'sent_at');
    const rows: { day: string; n: string | number }[] = await this.dataSource.query(
      `SELECT ${day} AS day, count(*) AS n FROM digest_deliveries WHERE status = 'sent' AND sent_at >= ${param(this.d, 1)} GROUP BY ${day}`,
      [sqlTimestamp(this.d, since)],
    );
    return new Map(rows.map((r) => [String(r.day), Number(r.n)]));
  }

  bouncedSince(since: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n FROM digest_deliveries WHERE status = 'bounced' AND updated_at >= ${param(this.d, 1)}`, since);
  }

  unsubscribedSince(since: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n FROM subscribers WHERE unsubscribed_at >= ${param(this.d, 1)}`, since);
  }

  /** The dashboard's raw rows: papers per day and source, ledger outcomes per day, the last ingest, the readers' schedules. */
  async dashboardRows(since: Date): Promise<{ papers: Rows; outcomes: Rows; last: Rows; schedules: Rows }> {
    const d = this.d;
    const from = sqlTimestamp(d, since);
    const [papers, outcomes, last, schedules] = await Promise.all([
      this.dataSource.query(
        `SELECT ${utcDay(d, 'first_seen_at')} AS day, source, count(*) AS n FROM papers WHERE first_seen_at >= ${param(d, 1)} GROUP BY 1, 2`,
        [from],
      ) as Promise<Rows>,
      this.dataSource.query(
        `SELECT ${utcDay(d, 'coalesce(sent_at, updated_at)')} AS day, status, count(*) AS n FROM digest_deliveries
         WHERE coalesce(sent_at, updated_at) >= ${param(d, 1)} AND status IN ('sent', 'skipped', 'failed', 'bounced') GROUP BY 1, 2`,
        [from],
      ) as Promise<Rows>,
      this.dataSource.query(
        `SELECT first_seen_at AS at, source, count(*) AS n FROM papers WHERE first_seen_at = (SELECT max(first_seen_at) FROM papers) GROUP BY 1, 2 ORDER BY 3 DESC`,
      ) as Promise<Rows>,
      this.dataSource.query(
        `SELECT timezone, delivery_hour, frequency, count(*) AS n FROM subscribers WHERE status = 'confirmed' AND NOT paused GROUP BY 1, 2, 3`,
      ) as Promise<Rows>,
    ]);
    return { papers, outcomes, last, schedules };
  }

  private async count(sql: string, since: Date): Promise<number> {
    const [row] = await this.dataSource.query(sql, [sqlTimestamp(this.d, since)]);
    return Number(row?.n ?? 0);
  }
}
