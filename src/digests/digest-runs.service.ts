import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { dialectOf, param } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import type { DeliveryStatus } from './digest-delivery.entity.js';
import { DigestRun } from './digest-run.entity.js';
import { reasonFor } from '../subscribers/preferences.digest-status.js';

const STATUSES: DeliveryStatus[] = ['pending', 'sent', 'skipped', 'failed', 'bounced'];

/** One subscriber's outcome in a run, as the ledger has it. */
export interface RunDelivery {
  id: number;
  email: string;
  period: string;
  /** 0 for the period's digest, 1, 2, … for copies an admin forced. */
  resend: number;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  /** Papers the digest matched (the email shows at most DIGEST_MAX_PAPERS of them). */
  papers: number;
  sentAt: string | null;
  /** Why this subscriber got no email from the run (nothing matched, source stale, bounced, …); null when sent. */
  reason: string | null;
}

export interface RunDetail {
  run: DigestRun;
  /** Ledger rows of this run by status; a row a later run took over (a retry) counts there instead. */
  outcomes: Record<DeliveryStatus, number>;
  total: number;
  deliveries: RunDelivery[];
}

export interface DeliveryFilter {
  status?: string;
  limit?: number;
  offset?: number;
}

/** Reading digest runs and their ledger rows, for `paperboy runs`, the admin API and the admin page. */
@Injectable()
export class DigestRunsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(limit = 50, offset = 0): Promise<DigestRun[]> {
    return this.dataSource.getRepository(DigestRun).find({ order: { id: 'DESC' }, take: limit, skip: offset });
  }

  async show(id: number, filter: DeliveryFilter = {}): Promise<RunDetail> {
    const run = await this.dataSource.getRepository(DigestRun).findOneBy({ id });
    if (!run) throw new NotFoundError(`no digest run ${id}`);
    if (filter.status !== undefined && !STATUSES.includes(filter.status as DeliveryStatus)) {
      throw new InvalidInputError(`status must be one of ${STATUSES.join(', ')}, got "${filter.status.slice(0, 40)}"`);
    }
    const outcomes = await this.outcomes(id);
    const total = filter.status ? outcomes[filter.status as DeliveryStatus] : Object.values(outcomes).reduce((a, b) => a + b, 0);
    return { run, outcomes, total, deliveries: await this.deliveries(run, filter) };
  }

  private async outcomes(runId: number): Promise<Record<DeliveryStatus, number>> {
    const rows: { status: DeliveryStatus; n: number | string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS n FROM digest_deliveries WHERE run_id = ${this.p(1)} GROUP BY status`,
      [runId],
    );
    const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  private async deliveries(run: DigestRun, filter: DeliveryFilter): Promise<RunDelivery[]> {
    const runId = run.id;
    const byStatus = filter.status ? ` AND d.status = ${this.p(2)}` : '';
    const limit = Math.min(Math.max(filter.limit ?? 500, 1), 5000);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT d.id, s.email, d.period, d.resend, d.status, d.attempts, d.error, d.paper_ids, d.sent_at
       FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
       WHERE d.run_id = ${this.p(1)}${byStatus} ORDER BY d.id LIMIT ${limit} OFFSET ${Math.max(filter.offset ?? 0, 0)}`,
      filter.status ? [runId, filter.status] : [runId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      email: String(r.email),
      period: String(r.period),
      resend: Number(r.resend),
      status: r.status as DeliveryStatus,
      attempts: Number(r.attempts),
      error: (r.error as string | null) ?? null,
      papers: paperCount(r.paper_ids),
      sentAt: r.sent_at ? parseTimestamp(r.sent_at as string | Date).toISOString() : null,
      reason: reasonFor(String(r.status), run.options),
    }));
  }

  private p(n: number): string {
    return param(dialectOf({ connection: this.dataSource }), n);
  }
}

function paperCount(raw: unknown): number {
  if (typeof raw !== 'string' || !raw) return 0;
  const ids = JSON.parse(raw) as unknown;
  return Array.isArray(ids) ? ids.length : 0;
}
