import { createHash } from 'node:crypto';
import { InvalidInputError } from '../common/errors.js';
import { type DialectName, param } from '../database/dialect.js';
import type { WriteSteps } from '../database/write-steps.js';
import type { BatchTagger } from '../topics/threaded.tagger.js';
import { PaperTopicRepository, type TopicTag } from '../topics/paper-topic.repository.js';
import type { DumpSource } from './dump-source.js';
import { openStaging, type Staging } from './dump-staging.js';
import { paperKeyOf } from './paper-key.js';
import { resolveIdentities } from './paper-identity.js';
import { findPaperStates, upsertPapers, type PaperRow, type StoredPaperState } from './paper.repository.js';
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
  /**
   * False: the last batch need not wait for the disk either, because the caller ingests more
   * files and calls IngestService.sync() before it reports anything (one wait for a whole corpus).
   */
  durable?: boolean;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  file: string;
  /** Reading the file into staging, then merging the staged papers into the database. */
  phase: 'reading' | 'merging';
  merged?: number;
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

/**
 * One write transaction of the merge. `durable` marks the last one: a connection that commits
 * the batches before it without waiting for the disk (the ingest thread's) waits for that one,
 * which makes every batch before it durable too (they precede it in the same WAL).
 */
export type IngestWrite = <R>(steps: () => WriteSteps<R>, durable?: boolean) => Promise<R>;

/** What an ingest needs, whichever thread it runs on (see IngestService and ingest.worker.ts). */
export interface IngestContext {
  dialect: DialectName;
  /** Runs the merge's writes (see writeSession in database/write-steps.ts). */
  session: <T>(work: (write: IngestWrite) => Promise<T>) => Promise<T>;
  tagger: BatchTagger;
  varDir: string;
  now: Date;
}

const BATCH = 500;
/** Its write steps only (it has no state): the same on either thread. */
const paperTopics = new PaperTopicRepository();
/** Records parsed between two turns of the event loop (and progress reports). */
const YIELD_EVERY = 200;
const KEPT_SKIPS = 50;

type Counts = Pick<IngestReport, 'new' | 'updated' | 'unchanged'>;
interface Prepared {
  rows: PaperRow[];
  lastSeq: number;
  counts: Counts;
  toTag: { paperKey: string; replace: boolean }[];
  tags: Promise<TopicTag[][]>;
}

/**
 * Reads one dump in two phases. First every record is parsed and validated into a private staging
 * file: a rejected file (`--strict`, or no readable paper) stops there and never touched the
 * database. Then the staged papers are merged batch by batch (see writeSession): on SQLite each
 * batch is one short transaction, with the position reached saved in the same transaction, so
 * web writes are never held up for long and a killed ingest resumes where it stopped when the
 * same file is ingested again; on PostgreSQL the merge is one transaction, as before.
 */
export async function runIngest(ctx: IngestContext, source: DumpSource, options: IngestOptions = {}): Promise<IngestReport> {
  if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) {
    throw new InvalidInputError(`--date must be YYYY-MM-DD, got "${options.date}"`);
  }
  const format = !options.format || options.format === 'auto' ? detectFormat(source.head.toString('utf8'), source.name) : options.format;
  const report: IngestReport = { file: source.name, format, read: 0, new: 0, updated: 0, unchanged: 0, skipped: 0, skips: [] };
  const staging = openStaging(ctx.varDir, source.totalBytes);
  try {
    const digest = await stage(staging, source, format, options, report);
    const key = `ingest:${digest}`.slice(0, 64);
    await ctx.session((write) => merge(ctx, write, staging, key, report, options));
  } finally {
    staging.close();
  }
  return report;
}

/** Phase 1: parses the whole file into staging; returns a digest of its bytes and options (the resume key). */
async function stage(staging: Staging, source: DumpSource, format: DumpFormat, options: IngestOptions, report: IngestReport): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([format, options.date ?? null, !!options.backfill]));
  const chunks = (async function* () {
    for await (const chunk of source.chunks) {
      hash.update(chunk);
      yield chunk;
    }
  })();
  let sinceProgress = 0;
  for await (const event of getParser(format).parse(chunks, source.name, { date: options.date })) {
    if (event.kind === 'skip') {
      if (options.strict) throw new DumpRejectedError(source.name, event.line, `${event.reason} (--strict)`);
      report.skipped++;
      if (report.skips.length < KEPT_SKIPS) report.skips.push({ line: event.line, reason: event.reason });
      continue;
    }
    report.read++;
    staging.add({ ...event.paper, paperKey: paperKeyOf(event.paper), source: format }, mergeRows);
    if (++sinceProgress >= YIELD_EVERY) {
      sinceProgress = 0;
      await new Promise((resolve) => setImmediate(resolve)); // parsing a chunk is synchronous: let waiting requests in
      options.onProgress?.({ file: source.name, phase: 'reading', bytesRead: source.bytesRead(), totalBytes: source.totalBytes, papers: report.read });
    }
  }
  staging.flush();
  if (report.read === 0 && report.skipped > 0) {
    const first = report.skips[0];
    throw new DumpRejectedError(source.name, first.line, `no readable paper: ${report.skipped} record(s) skipped, first: ${first.reason}`);
  }
  return hash.digest('hex').slice(0, 40);
}

/** Phase 2: batch after batch; a batch's tags are computed on the tagger's thread while the previous one is written. */
async function merge(ctx: IngestContext, write: IngestWrite, staging: Staging, key: string, report: IngestReport, options: IngestOptions): Promise<void> {
  const d = ctx.dialect;
  const resumed = await write(() => readProgress(d, key));
  if (resumed) Object.assign(report, resumed.counts);
  const now = ctx.now;
  let after = resumed?.seq ?? 0;
  let pending: Prepared | null = null;
  for (;;) {
    const batch = staging.batch(after, BATCH);
    const next = batch.length ? await prepare(write, d, batch, ctx.tagger) : null;
    // The last batch clears the resume point in its own transaction: a small dump (most of a
    // corpus) then costs one write transaction, one fsync, and nothing more.
    if (pending) await commit(write, d, pending, key, report, now, options, !next);
    if (!next) break;
    pending = next;
    after = next.lastSeq;
  }
  if (!pending) await write(() => clearProgress(d, key), options.durable !== false);
}

async function prepare(write: IngestWrite, d: DialectName, batch: { seq: number; row: PaperRow }[], tagger: BatchTagger): Promise<Prepared> {
  // One paper, one entry: re-key or fold rows stored under another key before they are compared.
  const { rows, states } = await write(function* () {
    const rows = yield* resolveIdentities(
      d,
      batch.map((b) => b.row),
      mergeRows,
    );
    const states = yield* findPaperStates(
      d,
      rows.map((r) => r.paperKey),
    );
    return { rows, states };
  });
  const counts: Counts = { new: 0, updated: 0, unchanged: 0 };
  const toTag: Prepared['toTag'] = [];
  const docs: TagDoc[] = [];
  for (const row of rows) {
    const state = states.get(row.paperKey);
    const change = classify(state, row);
    counts[change]++;
    if (change === 'unchanged' || (state && !textGrew(state, row))) continue;
    toTag.push({ paperKey: row.paperKey, replace: state !== undefined });
    docs.push(mergedDoc(state, row));
  }
  const tags = tagger.tagMany(docs);
  tags.catch(() => undefined); // awaited by commit; this only keeps an early failure from being "unhandled"
  return { rows, lastSeq: batch[batch.length - 1].seq, counts, toTag, tags };
}

async function commit(
  write: IngestWrite,
  d: DialectName,
  p: Prepared,
  key: string,
  report: IngestReport,
  now: Date,
  options: IngestOptions,
  last: boolean,
): Promise<void> {
  const tags = await p.tags;
  const counts: Counts = { new: report.new + p.counts.new, updated: report.updated + p.counts.updated, unchanged: report.unchanged + p.counts.unchanged };
  await write(
    function* () {
      const ids = yield* upsertPapers(d, p.rows, now, !options.backfill);
      yield* paperTopics.writeTags(
        d,
        p.toTag.map((t, i) => ({ paperId: ids.get(t.paperKey)!, replace: t.replace, tags: tags[i] })),
      );
      if (last) yield* clearProgress(d, key);
      else yield* saveProgress(d, key, { seq: p.lastSeq, counts });
    },
    last && options.durable !== false,
  );
  Object.assign(report, counts);
  options.onProgress?.({
    file: report.file,
    phase: 'merging',
    bytesRead: 0,
    totalBytes: null,
    papers: report.read,
    merged: counts.new + counts.updated + counts.unchanged,
  });
}

interface Progress {
  seq: number;
  counts: Counts;
}

function* readProgress(d: DialectName, key: string): WriteSteps<Progress | null> {
  const rows = yield { sql: `SELECT value FROM meta WHERE key = ${param(d, 1)}`, params: [key] };
  return rows.length ? (JSON.parse(String(rows[0].value)) as Progress) : null;
}

function* saveProgress(d: DialectName, key: string, progress: Progress): WriteSteps<void> {
  yield {
    sql: `INSERT INTO meta (key, value) VALUES (${param(d, 1)}, ${param(d, 2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    params: [key, JSON.stringify(progress)],
  };
}

/** A write that waits for the disk: every batch committed before it is then durable too. */
export function* markDurable(d: DialectName, now: Date): WriteSteps<void> {
  yield {
    sql: `INSERT INTO meta (key, value) VALUES (${param(d, 1)}, ${param(d, 2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    params: ['ingest:synced-at', now.toISOString()],
  };
}

function* clearProgress(d: DialectName, key: string): WriteSteps<void> {
  yield { sql: `DELETE FROM meta WHERE key = ${param(d, 1)}`, params: [key] };
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
  abstract: 'abstract',
  published_at: 'publishedAt',
  arxiv_url: 'arxivUrl',
  pdf_url: 'pdfUrl',
  code_url: 'codeUrl',
  project_url: 'projectUrl',
  ai_summary: 'aiSummary',
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
