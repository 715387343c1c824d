import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import { In, type DataSource } from 'typeorm';
import { type DialectName, greatest, param, sqlTimestamp } from '../database/dialect.js';
import type { WriteSteps } from '../database/write-steps.js';
import { PaperTopic } from '../topics/paper-topic.entity.js';
import { Topic } from '../topics/topic.entity.js';
import { Paper } from './paper.entity.js';
import { titleKeyOf } from './paper-key.js';
import type { ParsedPaper } from './paper.types.js';

/** A parsed paper with its key, ready to be written. */
export interface PaperRow extends ParsedPaper {
  paperKey: string;
  source: string;
}

/** What is already stored of a paper, enough to count changes and re-tag merged text. */
export interface StoredPaperState {
  id: number;
  paperKey: string;
  title: string;
  abstract: string | null;
  upvotes: number | null;
  trendingDate: string | null;
  aiKeywords: string[];
  /** Fillable fields the stored paper lacks (database column names). */
  missing: Set<string>;
}

const COLUMNS = [
  'paper_key',
  'arxiv_id',
  'title',
  'abstract',
  'authors',
  'published_at',
  'trending_date',
  'upvotes',
  'arxiv_url',
  'pdf_url',
  'code_url',
  'project_url',
  'ai_summary',
  'ai_keywords',
  'categories',
  'source',
  'first_seen_at',
  'last_seen_at',
  'available_at',
  // Written with the paper, so that a later record by title alone finds it (see paper-identity.ts).
  'title_key',
] as const;

/** Fields filled from a later dump when the stored paper lacks them. */
export const FILLABLE = ['abstract', 'published_at', 'arxiv_url', 'pdf_url', 'code_url', 'project_url', 'ai_summary'] as const;

/**
 * Batched writes of papers as write steps (see database/write-steps.ts): the ingest runs them in
 * short transactions on SQLite and inside its one transaction on PostgreSQL.
 */
@Injectable()
export class PaperRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** Papers by trending date, then upvotes (unknown last), newest id first; optionally since a day and of one topic. */
  list(query: { since?: string; topic?: string; limit?: number; offset?: number }): Promise<Paper[]> {
    const qb = this.dataSource
      .getRepository(Paper)
      .createQueryBuilder('p')
      .orderBy('p.trending_date', 'DESC', 'NULLS LAST')
      .addOrderBy('p.upvotes', 'DESC', 'NULLS LAST')
      .addOrderBy('p.id', 'DESC');
    if (query.since) qb.andWhere('p.trending_date >= :since', { since: query.since });
    if (query.topic) {
      qb.andWhere('p.id IN (SELECT pt.paper_id FROM paper_topics pt WHERE pt.topic_slug = :topic)', { topic: query.topic });
    }
    if (query.limit !== undefined) qb.take(query.limit).skip(query.offset ?? 0);
    return qb.getMany();
  }

  /** Each paper's topic tags, a query per 500 papers (under every database's limit on bound parameters). */
  async tagsOf(ids: number[]): Promise<Map<number, PaperTopic[]>> {
    const out = new Map<number, PaperTopic[]>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const t of await this.dataSource.getRepository(PaperTopic).findBy({ paperId: In(ids.slice(i, i + 500)) })) {
        const list = out.get(t.paperId);
        if (list) list.push(t);
        else out.set(t.paperId, [t]);
      }
    }
    return out;
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(Paper).count();
  }

  async topicSlugs(): Promise<string[]> {
    return (await this.dataSource.getRepository(Topic).find({ select: { slug: true } })).map((t) => t.slug);
  }

  findStates(d: DialectName, keys: string[]): WriteSteps<Map<string, StoredPaperState>> {
    return findPaperStates(d, keys);
  }

  upsert(d: DialectName, rows: PaperRow[], now: Date, available: boolean): WriteSteps<Map<string, number>> {
    return upsertPapers(d, rows, now, available);
  }
}

/** The batch-write steps, also run by the ingest worker thread (papers/ingest.worker.ts) on its own connection. */
export function* findPaperStates(d: DialectName, keys: string[]): WriteSteps<Map<string, StoredPaperState>> {
  if (keys.length === 0) return new Map();
  const rows = yield {
    sql: `SELECT id, paper_key, title, upvotes, trending_date, ai_keywords, ${FILLABLE.join(', ')}
     FROM papers WHERE paper_key IN (${keys.map((_, i) => param(d, i + 1)).join(', ')})`,
    params: keys,
  };
  return new Map(rows.map((r) => [String(r.paper_key), toState(r)]));
}

/** Inserts or merges a batch (keys unique within it); returns the ids by key. */
export function* upsertPapers(d: DialectName, rows: PaperRow[], now: Date, available: boolean): WriteSteps<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const values: unknown[] = [];
  const stamp = sqlTimestamp(d, now);
  const tuples = rows.map((row) => {
    const start = values.length;
    values.push(...rowValues(row, stamp, available, d));
    return `(${COLUMNS.map((_, i) => param(d, start + i + 1)).join(', ')})`;
  });
  const sql = `INSERT INTO papers (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
    ON CONFLICT (paper_key) DO UPDATE SET ${mergeClause(d)} RETURNING id, paper_key`;
  const result = yield { sql, params: values };
  return new Map(result.map((r) => [String(r.paper_key), Number(r.id)]));
}

function mergeClause(d: DialectName): string {
  return [
    `upvotes = ${greatest(d, 'papers.upvotes', 'excluded.upvotes')}`,
    `trending_date = ${greatest(d, 'papers.trending_date', 'excluded.trending_date')}`,
    ...FILLABLE.map((c) => `${c} = coalesce(papers.${c}, excluded.${c})`),
    `authors = CASE WHEN papers.authors = '[]' THEN excluded.authors ELSE papers.authors END`,
    `ai_keywords = CASE WHEN papers.ai_keywords = '[]' THEN excluded.ai_keywords ELSE papers.ai_keywords END`,
    `categories = CASE WHEN papers.categories = '[]' THEN excluded.categories ELSE papers.categories END`,
    `last_seen_at = excluded.last_seen_at`,
    `title_key = coalesce(papers.title_key, excluded.title_key)`,
  ].join(', ');
}

function rowValues(row: PaperRow, now: string | Date, available: boolean, d: DialectName): unknown[] {
  return [
    row.paperKey,
    row.arxivId,
    row.title,
    row.abstract,
    JSON.stringify(row.authors),
    row.publishedAt && sqlTimestamp(d, row.publishedAt),
    row.trendingDate,
    row.upvotes,
    row.arxivUrl,
    row.pdfUrl,
    row.codeUrl,
    row.projectUrl,
    row.aiSummary,
    JSON.stringify(row.aiKeywords),
    JSON.stringify(row.categories),
    row.source,
    now,
    now,
    available ? now : null,
    titleKeyOf(row.title),
  ];
}

function toState(r: Record<string, unknown>): StoredPaperState {
  return {
    id: Number(r.id),
    paperKey: String(r.paper_key),
    title: String(r.title),
    abstract: (r.abstract as string | null) ?? null,
    upvotes: r.upvotes == null ? null : Number(r.upvotes),
    trendingDate: (r.trending_date as string | null) ?? null,
    aiKeywords: JSON.parse(String(r.ai_keywords)) as string[],
    missing: new Set(FILLABLE.filter((c) => r[c] == null)),
  };
}
