import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError } from '../common/errors.js';
import { normalizeEmail } from './email-address.js';
import { csvHeader, csvLines, parseSubscriberCsv, subscriptionOfRow, type CsvRow } from './subscriber-csv.js';
import { Subscriber, SUBSCRIBER_STATUSES, type SubscriberStatus } from './subscriber.entity.js';
import { SubscriberRepository } from './subscriber.repository.js';
import { SubscribersService } from './subscribers.service.js';

export interface SubscriberQuery {
  /** A piece of the address, case-insensitive. */
  q?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

export interface SubscriberView {
  email: string;
  status: SubscriberStatus;
  statusReason: string | null;
  topics: string[];
  keywords: string | null;
  frequency: string;
  timezone: string;
  hour: number;
  paused: boolean;
  subscribedAt: Date;
  confirmedAt: Date | null;
  lastDigestAt: Date | null;
}

export interface SubscriberPage {
  total: number;
  limit: number;
  offset: number;
  items: SubscriberView[];
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  rejected: { line: number; email: string; reason: string }[];
}

/** Statuses an import never overrides: people who left, or whose mail bounced, are not re-subscribed by a file. */
const LEFT: SubscriberStatus[] = ['unsubscribed', 'bounced', 'complained'];
const PAGE = 500;
export const MAX_PAGE_SIZE = 500;

/** The operators' view of subscribers: search, remove, export and import (CLI and admin API). */
@Injectable()
export class SubscriberDirectory {
  constructor(
    private readonly repo: SubscriberRepository,
    private readonly subscribers: SubscribersService,
  ) {}

  async search(query: SubscriberQuery): Promise<SubscriberPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new InvalidInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidInputError('offset must be a whole number, 0 or more');
    const status = query.status || undefined;
    if (status !== undefined && !(SUBSCRIBER_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidInputError(`status must be one of ${SUBSCRIBER_STATUSES.join(', ')}, got "${status.slice(0, 40)}"`);
    }
    if (query.q && query.q.length > 254) throw new InvalidInputError('q is longer than an email address can be');
    const [rows, total] = await this.repo.search({ q: query.q, status: status as SubscriberStatus | undefined, limit, offset });
    return { total, limit, offset, items: rows.map(view) };
  }

  /** Deletes the subscriber and their ledger rows; it does not add the address to the "never again" list. */
  async remove(email: string): Promise<{ removed: string }> {
    const s = await this.find(email);
    await this.repo.delete(s);
    return { removed: s.email };
  }

  find(email: string): Promise<Subscriber> {
    return this.repo.getByAddress(email);
  }

  /** The CSV, a page of subscribers at a time, so an export of any size streams in flat memory. */
  async *exportCsv(): AsyncGenerator<string> {
    yield csvHeader();
    for (let after = 0; ;) {
      const page = await this.repo.pageAfter(after, PAGE);
      if (page.length === 0) return;
      yield csvLines(page);
      after = page[page.length - 1].id;
    }
  }

  /**
   * Imports every row it can and reports the others with their line and reason. A file that is
   * not readable as CSV, or lacks the required columns, is rejected whole before anything is stored.
   */
  async importCsv(text: string, options: { confirmed: boolean; onProgress?: (p: { rows: number; done: number }) => void }): Promise<ImportReport> {
    const rows = parseSubscriberCsv(text);
    const report: ImportReport = { rows: rows.length, created: 0, updated: 0, rejected: [] };
    const seen = new Map<string, number>();
    let done = 0;
    for (const row of rows) {
      const outcome = await this.importRow(row, seen, options);
      if (outcome === 'created' || outcome === 'updated') report[outcome]++;
      else report.rejected.push({ line: row.line, email: row.fields.email ?? '', reason: outcome.reason });
      if (++done % 500 === 0) options.onProgress?.({ rows: rows.length, done });
    }
    return report;
  }

  private async importRow(row: CsvRow, seen: Map<string, number>, options: { confirmed: boolean }): Promise<'created' | 'updated' | { reason: string }> {
    if (row.problem) return { reason: row.problem };
    const status = row.fields.status;
    if (status && status !== 'pending' && status !== 'confirmed')
      return { reason: `status is ${status.slice(0, 20)}: only pending or confirmed subscribers are imported` };
    const check = normalizeEmail(row.fields.email ?? '');
    if (check.ok) {
      if (seen.has(check.email)) return { reason: `${check.email} is already on line ${seen.get(check.email)}` };
      seen.set(check.email, row.line);
    }
    const existing = check.ok ? await this.repo.findByEmail(check.email) : null;
    if (existing && LEFT.includes(existing.status)) return { reason: `${existing.email} is ${existing.status}: an import does not subscribe it again` };
    try {
      await this.subscribers.addByOperator(subscriptionOfRow(row.fields), options);
      return existing ? 'updated' : 'created';
    } catch (err) {
      if (err instanceof InvalidInputError || err instanceof ConflictError) return { reason: err.message };
      throw err;
    }
  }
}

function view(s: Subscriber): SubscriberView {
  return {
    email: s.email,
    status: s.status,
    statusReason: s.statusReason,
    topics: s.topics,
    keywords: s.keywords,
    frequency: s.frequency,
    timezone: s.timezone,
    hour: s.deliveryHour,
    paused: Boolean(s.paused),
    subscribedAt: s.subscribedAt,
    confirmedAt: s.confirmedAt,
    lastDigestAt: s.lastDigestAt,
  };
}
