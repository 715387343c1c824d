import { Injectable, Logger } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError } from '../common/errors.js';
import { takeWriterTurn } from '../database/dialect.js';
import type { BatchTagger } from '../topics/threaded.tagger.js';
import { TopicsService } from '../topics/topics.service.js';
import { PAPER_WRITERS, PaperTopicRepository } from '../topics/paper-topic.repository.js';
import { openFileSource, type DumpSource } from './dump-source.js';
import { paperKeyOf } from './paper-key.js';
import { rememberTitleKeys, resolveIdentities } from './paper-identity.js';
import { PaperRepository, type PaperRow, type StoredPaperState } from './paper.repository.js';
import { DumpRejectedError, type DumpFormat, type ParsedPaper } from './paper.types.js';
import { detectFormat, getParser } from './parsers/index.js';

export interface IngestOptions {
  format?: DumpFormat | 'auto';
  /** Supplies a missing year or day (HF page captures). */
  date?: string;
  /** Reject the whole file on the first broken record instead of skipping it. */
  strict?: boolean;
  /** Store for search and the archive, never for digests. */
  backfill?: boolean;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  file: string;
  bytesRead: number;
  totalBytes: number | null;
  papers: number;
}

export interface IngestReport {
  file: string;
  format: DumpFormat;
  read: number;
  new: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** The first skipped records with their line and reason (all are counted in `skipped`). */
  skips: { line: number; reason: string }[];
}

const BATCH = 500;
const KEPT_SKIPS = 50;

/** Reads one dump into the database as one transaction: a rejected file stores nothing. */
@Injectable()
export class IngestService {
  private readonly log = new Logger('Ingest');

  constructor(
    private readonly papers: PaperRepository,
    private readonly paperTopics: PaperTopicRepository,
    private readonly topics: TopicsService,
    private readonly clock: Clock,
  ) {}

  async ingestFile(path: string, options: IngestOptions = {}): Promise<IngestReport> {
    return this.ingest(await openFileSource(path), options);
  }

  async ingest(source: DumpSource, options: IngestOptions = {}): Promise<IngestReport> {
    if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) {
      throw new InvalidInputError(`--date must be YYYY-MM-DD, got "${options.date}"`);
    }
    const format = !options.format || options.format === 'auto' ? detectFormat(source.head.toString('utf8'), source.name) : options.format;
    const report: IngestReport = { file: source.name, format, read: 0, new: 0, updated: 0, unchanged: 0, skipped: 0, skips: [] };
    const tagger = await this.topics.tagger();
    const runner = this.papers.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await takeWriterTurn(runner, PAPER_WRITERS);
      await this.readAll(runner, source, format, options, report, tagger);
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
    this.log.log({ msg: 'ingested', ...report, skips: report.skips.slice(0, 5) });
    return report;
  }

  /**
   * Parses and writes batch after batch; a batch's topic tags are computed (on the tagger's thread)
   * while the next batch is parsed, and written before the transaction ends, whatever happens.
   */
  private async readAll(runner: QueryRunner, source: DumpSource, format: DumpFormat, options: IngestOptions, report: IngestReport, tagger: BatchTagger): Promise<void> {
    const tagging: Promise<void>[] = [];
    try {
      await this.readRecords(runner, source, format, options, report, tagger, tagging);
      await Promise.all(tagging);
    } finally {
      await Promise.allSettled(tagging); // never leave a tag write running past commit or rollback
    }
  }

  private async readRecords(
    runner: QueryRunner,
    source: DumpSource,
    format: DumpFormat,
    options: IngestOptions,
    report: IngestReport,
    tagger: BatchTagger,
    tagging: Promise<void>[],
  ): Promise<void> {
    const pending = new Map<string, PaperRow>();
    const now = this.clock.now();
    const flush = async () => {
      const batch = this.writeBatch(runner, [...pending.values()], now, options, report, tagger);
      pending.clear();
      tagging.push((await batch).tags);
      if (tagging.length > 2) await tagging[tagging.length - 3];
      options.onProgress?.({ file: source.name, bytesRead: source.bytesRead(), totalBytes: source.totalBytes, papers: report.read });
    };
    for await (const event of getParser(format).parse(source.chunks, source.name, { date: options.date })) {
      if (event.kind === 'skip') {
        if (options.strict) throw new DumpRejectedError(source.name, event.line, `${event.reason} (--strict)`);
        report.skipped++;
        if (report.skips.length < KEPT_SKIPS) report.skips.push({ line: event.line, reason: event.reason });
        continue;
      }
      report.read++;
      const row: PaperRow = { ...event.paper, paperKey: paperKeyOf(event.paper), source: format };
      pending.set(row.paperKey, mergeRows(pending.get(row.paperKey), row));
      if (pending.size >= BATCH) await flush();
    }
    await flush();
    if (report.read === 0 && report.skipped > 0) {
      const first = report.skips[0];
      throw new DumpRejectedError(source.name, first.line, `no readable paper: ${report.skipped} record(s) skipped, first: ${first.reason}`);
    }
  }

  /** Writes the papers now; returns the (still running) work of tagging them, wrapped so awaiting this does not wait for it. */
  private async writeBatch(runner: QueryRunner, parsed: PaperRow[], now: Date, options: IngestOptions, report: IngestReport, tagger: BatchTagger): Promise<{ tags: Promise<void> }> {
    if (parsed.length === 0) return { tags: Promise.resolve() };
    const rows = await resolveIdentities(runner, parsed, mergeRows);
    const states = await this.papers.findStates(runner, rows.map((r) => r.paperKey));
    const ids = await this.papers.upsert(runner, rows, now, !options.backfill);
    await rememberTitleKeys(runner, ids, rows);
    const toTag: { paperId: number; doc: TagDoc; replace: boolean }[] = [];
    for (const row of rows) {
      const state = states.get(row.paperKey);
      const change = classify(state, row);
      report[change]++;
      if (change === 'unchanged' || (state && !textGrew(state, row))) continue;
      toTag.push({ paperId: ids.get(row.paperKey)!, doc: mergedDoc(state, row), replace: state !== undefined });
    }
    const tagged = tagger.tagMany(toTag.map((t) => t.doc));
    const written = tagged.then((tags) => this.paperTopics.writeTags(runner, toTag.map((t, i) => ({ paperId: t.paperId, replace: t.replace, tags: tags[i] }))));
    written.catch(() => undefined); // awaited by readAll; this only keeps an early failure from being "unhandled"
    return { tags: written };
  }
}

type TagDoc = { title: string; abstract: string | null; aiKeywords: string[] };

function classify(state: StoredPaperState | undefined, row: PaperRow): 'new' | 'updated' | 'unchanged' {
  if (!state) return 'new';
  const moreVotes = row.upvotes != null && (state.upvotes == null || row.upvotes > state.upvotes);
  const laterDay = row.trendingDate != null && (state.trendingDate == null || row.trendingDate > state.trendingDate);
  return moreVotes || laterDay || textGrew(state, row) || fillsMissing(state, row) ? 'updated' : 'unchanged';
}

function textGrew(state: StoredPaperState, row: PaperRow): boolean {
  return (state.abstract == null && row.abstract != null) || (state.aiKeywords.length === 0 && row.aiKeywords.length > 0);
}

const FIELD_OF_COLUMN: Record<string, keyof PaperRow> = {
  abstract: 'abstract', published_at: 'publishedAt', arxiv_url: 'arxivUrl', pdf_url: 'pdfUrl',
  code_url: 'codeUrl', project_url: 'projectUrl', ai_summary: 'aiSummary',
};

function fillsMissing(state: StoredPaperState, row: PaperRow): boolean {
  return [...state.missing].some((column) => row[FIELD_OF_COLUMN[column]] != null);
}

function mergedDoc(state: StoredPaperState | undefined, row: PaperRow): TagDoc {
  if (!state) return row;
  return {
    title: state.title,
    abstract: state.abstract ?? row.abstract,
    aiKeywords: state.aiKeywords.length ? state.aiKeywords : row.aiKeywords,
  };
}

/** The same paper twice in one dump: one row, keeping the stronger signal and every known field. */
export function mergeRows(a: PaperRow | undefined, b: PaperRow): PaperRow {
  if (!a) return b;
  const pick = <T>(x: T | null, y: T | null) => x ?? y;
  return {
    ...a,
    upvotes: a.upvotes == null ? b.upvotes : Math.max(a.upvotes, b.upvotes ?? a.upvotes),
    trendingDate: [a.trendingDate, b.trendingDate].filter(Boolean).sort().pop() ?? null,
    abstract: pick(a.abstract, b.abstract),
    publishedAt: pick(a.publishedAt, b.publishedAt),
    codeUrl: pick(a.codeUrl, b.codeUrl),
    projectUrl: pick(a.projectUrl, b.projectUrl),
    aiSummary: pick(a.aiSummary, b.aiSummary),
    aiKeywords: a.aiKeywords.length ? a.aiKeywords : b.aiKeywords,
    authors: a.authors.length ? a.authors : b.authors,
  } satisfies ParsedPaper & { paperKey: string; source: string };
}
