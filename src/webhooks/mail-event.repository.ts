import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import { QueryFailedError, type DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';

/** Mail events received from providers, by hashed address: what soft bounces are counted from, and what makes a retried event a no-op. */
@Injectable()
export class MailEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  /** False when this provider event was recorded before. */
  async record(provider: string, key: string, emailHash: string, kind: string, detail: string, now: Date): Promise<boolean> {
    const p = (n: number) => param(this.d, n);
    try {
      const rows: unknown[] = await this.dataSource.query(
        `INSERT INTO mail_events (provider, event_key, email_hash, kind, detail, created_at) VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(', ')})
         ON CONFLICT (provider, event_key) DO NOTHING RETURNING id`,
        [provider, key.slice(0, 200), emailHash, kind, detail.slice(0, 1000), sqlTimestamp(this.d, now)],
      );
      return rows.length > 0;
    } catch (err) {
      if (err instanceof QueryFailedError && /unique|duplicate/i.test(err.message)) return false;
      throw err;
    }
  }

  async softBouncesSince(emailHash: string, since: Date): Promise<number> {
    const [row]: { n: number | string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM mail_events WHERE email_hash = ${param(this.d, 1)} AND kind = 'soft' AND created_at > ${param(this.d, 2)}`,
      [emailHash, sqlTimestamp(this.d, since)],
    );
    return Number(row?.n ?? 0);
  }

  /** Per provider: how many events were recorded, and when the last came. */
  async perProvider(): Promise<{ provider: string; events: number; lastEventAt: Date }[]> {
    const rows: { provider: string; n: number | string; at: string | Date }[] = await this.dataSource.query(
      `SELECT provider, count(*) AS n, max(created_at) AS at FROM mail_events GROUP BY provider`,
    );
    return rows.map((r) => ({ provider: r.provider, events: Number(r.n), lastEventAt: parseTimestamp(r.at) }));
  }
}
