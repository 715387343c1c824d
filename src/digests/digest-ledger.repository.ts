import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { dialectOf, execute, param, returning, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import type { Statement, WriteSteps } from '../database/write-steps.js';
import { claimIsLive } from './delivery.claims.js';
import type { DeliveryStatus } from './digest-delivery.entity.js';

/** A delivery a run has claimed and must now send (or skip). */
export interface ClaimedDelivery {
  id: number;
  subscriberId: number;
  period: string;
  resend: number;
  attempts: number;
  windowStart: Date;
}

export interface PlanItem {
  subscriberId: number;
  period: string;
  /** Where this digest's papers start if the row is new. */
  windowStart: Date;
}

export interface LedgerRow {
  id: number;
  subscriber_id: number;
  period: string;
  resend: number;
  status: DeliveryStatus;
  attempts: number;
  claimed_by: string | null;
  window_start: string | Date;
  updated_at: string | Date;
}

const CHUNK = 300;
/** Rows inserted per statement when claiming: 7 parameters each, well under both databases' limits. */
const CLAIM_CHUNK = 1000;

/** The delivery ledger: claims, outcomes, and what a subscriber was last sent. */
@Injectable()
export class DigestLedger {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  /**
   * Where each subscriber's next digest starts: the end of their last sent or skipped one. The
   * max() per reader is a single seek in digest_deliveries_window_end (both databases turn it into
   * a read of the index's last entry for that reader), however long their history.
   */
  async lastWindowEnds(subscriberIds: number[]): Promise<Map<number, Date>> {
    const out = new Map<number, Date>();
    for (let i = 0; i < subscriberIds.length; i += CHUNK) {
      const ids = subscriberIds.slice(i, i + CHUNK);
      const rows: { subscriber_id: number; last: string | Date }[] = await this.dataSource.query(
        `SELECT s.id AS subscriber_id,
           (SELECT max(d.window_end) FROM digest_deliveries d WHERE d.subscriber_id = s.id AND d.status IN ('sent', 'skipped')) AS last
         FROM subscribers s WHERE s.id IN (${ids.map((_, n) => param(this.d, n + 1)).join(', ')})`,
        ids,
      );
      for (const r of rows) if (r.last) out.set(Number(r.subscriber_id), parseTimestamp(r.last));
    }
    return out;
  }

  /**
   * Claims the period's delivery of each subscriber for this run: new rows are created claimed;
   * an unsent row (pending or failed) is taken over when no live run holds it. Periods already
   * sent, skipped or bounced are left alone: that is what makes a second run send nothing.
   */
  async claim(runId: number, claimant: string, items: PlanItem[], now: Date): Promise<ClaimedDelivery[]> {
    const claimed: ClaimedDelivery[] = [];
    for (let i = 0; i < items.length; i += CLAIM_CHUNK) claimed.push(...(await this.claimChunk(runId, claimant, items.slice(i, i + CLAIM_CHUNK), now)));
    return claimed;
  }

  /** New rows come back from the insert itself (they are this run's); only the periods that had a row already are read and taken over. */
  private async claimChunk(runId: number, claimant: string, items: PlanItem[], now: Date): Promise<ClaimedDelivery[]> {
    if (items.length === 0) return [];
    const inserted = await returning<LedgerRow>(this.dataSource, ...this.claimInsert(runId, claimant, items, now));
    const mine = inserted.map(toClaimed);
    const fresh = new Set(mine.map((c) => c.subscriberId));
    const existing: LedgerRow[] = [];
    for (let i = 0, rest = items.filter((it) => !fresh.has(it.subscriberId)); i < rest.length; i += CHUNK)
      existing.push(...(await this.rowsFor(rest.slice(i, i + CHUNK))));
    for (const row of existing) {
      if (row.status !== 'pending' && row.status !== 'failed') continue;
      if (row.claimed_by === claimant || (await this.takeOver(row, runId, claimant, now))) mine.push(toClaimed(row));
    }
    return mine;
  }

  /** The insert of claimed rows: on PostgreSQL as arrays (one plan, three parameters, whatever the count), on SQLite as VALUES. */
  private claimInsert(runId: number, claimant: string, items: PlanItem[], now: Date): [string, unknown[]] {
    const into = `INSERT INTO digest_deliveries (subscriber_id, period, run_id, claimed_by, window_start, created_at, updated_at, resend, status, attempts, more_count)`;
    const tail = `ON CONFLICT (subscriber_id, period, resend) DO NOTHING
       RETURNING id, subscriber_id, period, resend, status, attempts, claimed_by, window_start, updated_at`;
    if (this.d === 'postgres') {
      return [
        `${into} SELECT u.s, u.p, $4, $5, u.w, $6, $6, 0, 'pending', 0, 0 FROM unnest($1::int[], $2::text[], $3::timestamptz[]) AS u(s, p, w) ${tail}`,
        [items.map((it) => it.subscriberId), items.map((it) => it.period), items.map((it) => it.windowStart), runId, claimant, now],
      ];
    }
    const t = sqlTimestamp(this.d, now);
    const values: unknown[] = [];
    const tuples = items.map((it) => {
      values.push(it.subscriberId, it.period, runId, claimant, sqlTimestamp(this.d, it.windowStart), t, t);
      return `(?, ?, ?, ?, ?, ?, ?, 0, 'pending', 0, 0)`;
    });
    return [`${into} VALUES ${tuples.join(', ')} ${tail}`, values];
  }

  private async rowsFor(items: PlanItem[]): Promise<LedgerRow[]> {
    if (items.length === 0) return [];
    const ids = items.map((i) => i.subscriberId);
    const periods = new Map(items.map((i) => [i.subscriberId, i.period]));
    // The periods (few per page) let the (subscriber_id, period, resend) index find the rows, rather than read each subscriber's whole history.
    const distinct = [...new Set(periods.values())];
    const rows: LedgerRow[] = await this.dataSource.query(
      `SELECT id, subscriber_id, period, resend, status, attempts, claimed_by, window_start, updated_at FROM digest_deliveries
       WHERE resend = 0 AND subscriber_id IN (${ids.map((_, n) => param(this.d, n + 1)).join(', ')})
       AND period IN (${distinct.map((_, n) => param(this.d, ids.length + n + 1)).join(', ')})`,
      [...ids, ...distinct],
    );
    return rows.filter((r) => periods.get(Number(r.subscriber_id)) === r.period);
  }

  /** The plan with each item's window moved back to its period's original digest, where there is one. */
  async withOriginalWindows(items: PlanItem[]): Promise<PlanItem[]> {
    const originals = new Map<number, Date>();
    for (let i = 0; i < items.length; i += CHUNK) {
      for (const r of await this.rowsFor(items.slice(i, i + CHUNK))) originals.set(Number(r.subscriber_id), parseTimestamp(r.window_start));
    }
    return items.map((it) => ({ ...it, windowStart: originals.get(it.subscriberId) ?? it.windowStart }));
  }

  /** Subscribers whose period in the plan is already sent, skipped or bounced. */
  async finishedIn(items: PlanItem[]): Promise<Set<number>> {
    const done = new Set<number>();
    for (let i = 0; i < items.length; i += CHUNK) {
      for (const r of await this.rowsFor(items.slice(i, i + CHUNK))) {
        if (r.status === 'sent' || r.status === 'skipped' || r.status === 'bounced') done.add(Number(r.subscriber_id));
      }
    }
    return done;
  }

  /** Compare-and-set on the holder, so of two runs taking over the same row only one wins. */
  private async takeOver(row: LedgerRow, runId: number, claimant: string, now: Date): Promise<boolean> {
    if (claimIsLive(row.claimed_by, parseTimestamp(row.updated_at), now)) return false;
    const p = (n: number) => param(this.d, n);
    const sameHolder = row.claimed_by === null ? 'claimed_by IS NULL' : `claimed_by = ${p(5)}`;
    const params = [runId, claimant, sqlTimestamp(this.d, now), row.id, ...(row.claimed_by === null ? [] : [row.claimed_by])];
    const changed = await execute(
      this.dataSource,
      `UPDATE digest_deliveries SET run_id = ${p(1)}, claimed_by = ${p(2)}, updated_at = ${p(3)} WHERE id = ${p(4)} AND status IN ('pending', 'failed') AND ${sameHolder}`,
      params,
    );
    return changed === 1;
  }

  /** A page of the rows a run left failed, by id; a row another run took over since is no longer this run's. */
  async failedOf(runId: number, afterId: number, limit: number): Promise<LedgerRow[]> {
    const p = (n: number) => param(this.d, n);
    return this.dataSource.query(
      `SELECT id, subscriber_id, period, resend, status, attempts, claimed_by, window_start, updated_at FROM digest_deliveries
       WHERE run_id = ${p(1)} AND status = 'failed' AND id > ${p(2)} ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`,
      [runId, afterId],
    );
  }

  /** A targeted retry: claims exactly these failed rows, with the same compare-and-set as claim(). */
  async claimFailed(rows: LedgerRow[], runId: number, claimant: string, now: Date): Promise<ClaimedDelivery[]> {
    const mine: ClaimedDelivery[] = [];
    for (const row of rows) {
      if (row.status === 'failed' && (await this.takeOver(row, runId, claimant, now))) mine.push(toClaimed(row));
    }
    return mine;
  }

  /**
   * An admin's forced copy: a new row with the next resend number, claimed at once. It covers the
   * period's original window when there is one, so "send again" sends that digest again rather
   * than an empty one (the plan's window starts where the period's digest ended).
   */
  async claimResend(runId: number, claimant: string, item: PlanItem, now: Date): Promise<ClaimedDelivery> {
    const p = (n: number) => param(this.d, n);
    const t = sqlTimestamp(this.d, now);
    const [{ next, original }] = await this.dataSource.query(
      `SELECT coalesce(max(resend), -1) + 1 AS next, min(CASE WHEN resend = 0 THEN window_start END) AS original
       FROM digest_deliveries WHERE subscriber_id = ${p(1)} AND period = ${p(2)}`,
      [item.subscriberId, item.period],
    );
    const windowStart = original ? parseTimestamp(original) : item.windowStart;
    const rows: { id: number }[] = await this.dataSource.query(
      `INSERT INTO digest_deliveries (subscriber_id, period, resend, run_id, claimed_by, window_start, created_at, updated_at, status, attempts, more_count)
       VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')}, 'pending', 0, 0) RETURNING id`,
      [item.subscriberId, item.period, Number(next), runId, claimant, sqlTimestamp(this.d, windowStart), t, t],
    );
    return { id: Number(rows[0].id), subscriberId: item.subscriberId, period: item.period, resend: Number(next), attempts: 0, windowStart };
  }

  /** The delivery is sent: a write step, committed together with the other records of a sent digest. */
  *markSentSteps(id: number, outcome: SentOutcome): WriteSteps<void> {
    yield this.finishStatement(id, 'sent', outcome.attempts, {
      message_id: outcome.messageId,
      paper_ids: JSON.stringify(outcome.paperIds),
      more_count: outcome.moreCount,
      window_end: sqlTimestamp(this.d, outcome.windowEnd),
      sent_at: sqlTimestamp(this.d, this.clock.now()),
      error: null,
    });
  }

  async markSkipped(id: number, windowEnd: Date): Promise<void> {
    await this.finish(id, 'skipped', 0, { window_end: sqlTimestamp(this.d, windowEnd), paper_ids: '[]' });
  }

  /** Temporary failures outlasted the retries: released, so a later run tries again. */
  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.finish(id, 'failed', attempts, { error: error.slice(0, 2000) });
  }

  async markBounced(id: number, attempts: number, error: string): Promise<void> {
    await this.finish(id, 'bounced', attempts, { error: error.slice(0, 2000) });
  }

  private async finish(id: number, status: DeliveryStatus, attempts: number, fields: Record<string, unknown>): Promise<void> {
    const { sql, params } = this.finishStatement(id, status, attempts, fields);
    await this.dataSource.query(sql, params);
  }

  private finishStatement(id: number, status: DeliveryStatus, attempts: number, fields: Record<string, unknown>): Statement {
    const entries = Object.entries({ status, attempts, claimed_by: null, updated_at: sqlTimestamp(this.d, this.clock.now()), ...fields });
    return {
      sql: `UPDATE digest_deliveries SET ${entries.map(([k], i) => `${k} = ${param(this.d, i + 1)}`).join(', ')} WHERE id = ${param(this.d, entries.length + 1)}`,
      params: [...entries.map(([, v]) => v), id],
    };
  }
}

export interface SentOutcome {
  messageId: string;
  paperIds: number[];
  moreCount: number;
  attempts: number;
  windowEnd: Date;
}

/** A ledger row as the delivery it claims; the queue's repository reads the same rows. */
export function toClaimed(r: Pick<LedgerRow, 'id' | 'subscriber_id' | 'period' | 'resend' | 'attempts' | 'window_start'>): ClaimedDelivery {
  return {
    id: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    period: r.period,
    resend: Number(r.resend),
    attempts: Number(r.attempts),
    windowStart: parseTimestamp(r.window_start),
  };
}
