import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { csvHeader, csvLines } from './subscriber-csv.js';
import { importOnThread, importThreadAvailable } from './import-thread.js';
import { importSubscriberCsv, type ImportOptions, type ImportReport } from './subscriber-import.js';
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

export type { ImportReport } from './subscriber-import.js';
const PAGE = 500;
export const MAX_PAGE_SIZE = 500;

/** The operators' view of subscribers: search, remove, export and import (CLI and admin API). */
@Injectable()
export class SubscriberDirectory {
  constructor(
    private readonly repo: SubscriberRepository,
    private readonly subscribers: SubscribersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
   * Imports every row of the CSV file at `path` it can, streamed in short transactions, and
   * reports the others with their line and reason. A file that is not readable as CSV, or lacks
   * the required columns, is rejected whole before anything is stored (see subscriber-import.ts).
   */
  async importCsv(path: string, options: ImportOptions): Promise<ImportReport> {
    const rules = { validSlugs: await this.subscribers.validSlugs(), defaultHour: this.config.digest.defaultHour };
    const db = this.config.database;
    // On a SQLite file the import runs on a thread of its own: its work never holds up requests.
    if (db.kind === 'sqlite' && db.path !== ':memory:' && importThreadAvailable()) {
      return importOnThread(db.path, { path, confirmed: options.confirmed, rules }, options.onProgress);
    }
    return importSubscriberCsv(this.repo.importWriter, rules, path, options);
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
