import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MoreThan, type DataSource } from 'typeorm';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { normalizeEmail } from './email-address.js';
import { csvHeader, csvLines } from './subscriber-csv.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: SubscriberRepository,
    private readonly subscribers: SubscribersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async search(query: SubscriberQuery): Promise<SubscriberPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new InvalidInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidInputError('offset must be a whole number, 0 or more');
    const qb = this.dataSource.getRepository(Subscriber).createQueryBuilder('s').orderBy('s.id', 'ASC').take(limit).skip(offset);
    if (query.status !== undefined && query.status !== '') {
      if (!(SUBSCRIBER_STATUSES as readonly string[]).includes(query.status)) {
        throw new InvalidInputError(`status must be one of ${SUBSCRIBER_STATUSES.join(', ')}, got "${query.status.slice(0, 40)}"`);
      }
      qb.andWhere('s.status = :status', { status: query.status });
    }
    if (query.q) {
      if (query.q.length > 254) throw new InvalidInputError('q is longer than an email address can be');
      // Addresses are stored lowercased; LIKE's wildcards in the search text are taken literally.
      qb.andWhere(`s.email LIKE :q ESCAPE '\\'`, { q: `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    }
    const [rows, total] = await qb.getManyAndCount();
    return { total, limit, offset, items: rows.map(view) };
  }

  /** Deletes the subscriber and their ledger rows; it does not add the address to the "never again" list. */
  async remove(email: string): Promise<{ removed: string }> {
    const s = await this.find(email);
    await this.repo.delete(s);
    return { removed: s.email };
  }

  async find(email: string): Promise<Subscriber> {
    const check = normalizeEmail(email);
    const s = check.ok ? await this.repo.findByEmail(check.email) : null;
    if (!s) throw new InvalidInputError(`no subscriber with the address "${email.slice(0, 254)}"`);
    return s;
  }

  /** The CSV, a page of subscribers at a time, so an export of any size streams in flat memory. */
  async *exportCsv(): AsyncGenerator<string> {
    yield csvHeader();
    const repo = this.dataSource.getRepository(Subscriber);
    for (let after = 0; ;) {
      const page = await repo.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: PAGE });
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
    return importSubscriberCsv(this.dataSource, rules, path, options);
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
