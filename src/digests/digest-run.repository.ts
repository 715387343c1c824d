import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource, Repository } from 'typeorm';
import { dialectOf, param } from '../database/dialect.js';
import { DigestDelivery, type DeliveryStatus } from './digest-delivery.entity.js';
import { DigestRun } from './digest-run.entity.js';

/** A ledger row of a run with its subscriber's address, as `paperboy runs show` and the admin list it. */
export type RunDeliveryRow = Record<string, unknown>;

/** Database access for digest runs (digest_runs) and the per-run views of their deliveries. */
@Injectable()
export class DigestRunRepository {
  private readonly runs: Repository<DigestRun>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.runs = dataSource.getRepository(DigestRun);
  }

  exists(id: number): Promise<boolean> {
    return this.runs.existsBy({ id });
  }

  findById(id: number): Promise<DigestRun | null> {
    return this.runs.findOneBy({ id });
  }

  findByIdOrFail(id: number): Promise<DigestRun> {
    return this.runs.findOneByOrFail({ id });
  }

  /** Newest first. */
  list(limit: number, offset: number): Promise<DigestRun[]> {
    return this.runs.find({ order: { id: 'DESC' }, take: limit, skip: offset });
  }

  start(fields: Omit<DigestRun, 'id'>): Promise<DigestRun> {
    return this.runs.save(this.runs.create(fields));
  }

  async update(id: number, changes: Partial<Omit<DigestRun, 'options'>>): Promise<void> {
    await this.runs.update({ id }, changes);
  }

  async delete(id: number): Promise<void> {
    await this.runs.delete({ id });
  }

  /** One ledger row by id (a digest's web page). */
  delivery(id: number): Promise<DigestDelivery | null> {
    return this.dataSource.getRepository(DigestDelivery).findOneBy({ id });
  }

  /** How many of the run's deliveries are in each status (statuses with none are absent). */
  async outcomes(runId: number): Promise<{ status: DeliveryStatus; n: number }[]> {
    const rows: { status: DeliveryStatus; n: number | string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS n FROM digest_deliveries WHERE run_id = ${this.p(1)} GROUP BY status`,
      [runId],
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  /** A page of the run's deliveries, by id, optionally of one status. */
  deliveries(runId: number, filter: { status?: DeliveryStatus; limit: number; offset: number }): Promise<RunDeliveryRow[]> {
    const byStatus = filter.status ? ` AND d.status = ${this.p(2)}` : '';
    return this.dataSource.query(
      `SELECT d.id, s.email, d.period, d.resend, d.status, d.attempts, d.error, d.paper_ids, d.sent_at
       FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
       WHERE d.run_id = ${this.p(1)}${byStatus} ORDER BY d.id LIMIT ${Number(filter.limit)} OFFSET ${Number(filter.offset)}`,
      filter.status ? [runId, filter.status] : [runId],
    );
  }

  private p(n: number): string {
    return param(dialectOf({ connection: this.dataSource }), n);
  }
}
