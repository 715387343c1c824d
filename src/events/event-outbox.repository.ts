import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';

export interface OutboxRow {
  id: number;
  type: string;
  orderingKey: string;
  payload: string;
  attempts: number;
  nextAttemptAt: Date;
  /** Who is posting it now (host:pid:run), and since when; null when nobody is. */
  claimedBy: string | null;
  claimedAt: Date | null;
}

export interface OutboxState {
  pending: number;
  failed: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
}

/** A claim older than this is taken over even when its process lives (a post times out well before). */
export const CLAIM_TTL_MS = 60_000;

/** The event outbox: events for WEBHOOK_URL, stored before delivery so a restart loses none. */
@Injectable()
export class EventOutbox {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  private p(n: number): string {
    return param(this.d, n);
  }

  async add(type: string, orderingKey: string, payload: string, now: Date): Promise<void> {
    const t = sqlTimestamp(this.d, now);
    await this.dataSource.query(
      `INSERT INTO event_outbox (type, ordering_key, payload, status, attempts, next_attempt_at, created_at) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)}, 'pending', 0, ${this.p(4)}, ${this.p(5)})`,
      [type, orderingKey, payload, t, t],
    );
  }

  /** The oldest undelivered events, in the order they were emitted. */
  async pending(limit: number): Promise<OutboxRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, type, ordering_key, payload, attempts, next_attempt_at, claimed_by, claimed_at FROM event_outbox WHERE status = 'pending' ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      type: String(r.type),
      orderingKey: String(r.ordering_key),
      payload: String(r.payload),
      attempts: Number(r.attempts),
      nextAttemptAt: parseTimestamp(r.next_attempt_at as string | Date),
      claimedBy: r.claimed_by == null ? null : String(r.claimed_by),
      claimedAt: r.claimed_at == null ? null : parseTimestamp(r.claimed_at as string | Date),
    }));
  }

  /**
   * Compare-and-set on the claim seen by `pending`, so two processes never post the same event at
   * once; the caller has decided that claim (if any) is dead or stale.
   */
  async claim(id: number, claimant: string, seen: string | null, now: Date): Promise<boolean> {
    const held = seen === null ? 'claimed_by IS NULL' : `claimed_by = ${this.p(4)}`;
    return (
      (await execute(
        this.dataSource,
        `UPDATE event_outbox SET claimed_by = ${this.p(1)}, claimed_at = ${this.p(2)} WHERE id = ${this.p(3)} AND status = 'pending' AND ${held}`,
        seen === null ? [claimant, sqlTimestamp(this.d, now), id] : [claimant, sqlTimestamp(this.d, now), id, seen],
      )) === 1
    );
  }

  async delivered(id: number, attempts: number, now: Date): Promise<void> {
    await this.set(id, { status: 'delivered', attempts, delivered_at: sqlTimestamp(this.d, now), claimed_by: null, last_error: null });
  }

  async retryLater(id: number, attempts: number, at: Date, error: string): Promise<void> {
    await this.set(id, { attempts, next_attempt_at: sqlTimestamp(this.d, at), claimed_by: null, last_error: error.slice(0, 1000) });
  }

  /** Given up on: refused (4xx) or out of attempts. Kept for the operator to see; later events of the key go on. */
  async failed(id: number, attempts: number, error: string): Promise<void> {
    await this.set(id, { status: 'failed', attempts, claimed_by: null, last_error: error.slice(0, 1000) });
  }

  async state(): Promise<OutboxState> {
    const counts: { status: string; n: number | string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS n FROM event_outbox WHERE status IN ('pending', 'failed') GROUP BY status`,
    );
    const [last]: { at: string | Date | null }[] = await this.dataSource.query(`SELECT max(delivered_at) AS at FROM event_outbox`);
    const [err]: { last_error: string | null }[] = await this.dataSource.query(
      `SELECT last_error FROM event_outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1`,
    );
    const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    return {
      pending: n('pending'),
      failed: n('failed'),
      lastDeliveredAt: last?.at ? parseTimestamp(last.at).toISOString() : null,
      lastError: err?.last_error ?? null,
    };
  }

  private async set(id: number, fields: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(fields);
    await this.dataSource.query(
      `UPDATE event_outbox SET ${entries.map(([k], i) => `${k} = ${this.p(i + 1)}`).join(', ')} WHERE id = ${this.p(entries.length + 1)}`,
      [...entries.map(([, v]) => v), id],
    );
  }
}
