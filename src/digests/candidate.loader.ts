import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import { paperUrl } from '../papers/papers.service.js';
import { CandidatePool, type CandidatePaper } from './digest.selection.js';

interface PaperRow {
  id: number;
  title: string;
  authors: string;
  abstract: string | null;
  ai_summary: string | null;
  ai_keywords: string;
  upvotes: number | null;
  arxiv_id: string | null;
  arxiv_url: string | null;
  project_url: string | null;
  code_url: string | null;
  source: string;
  available_at: string | Date;
}

interface TagRow {
  paper_id: number;
  topic_slug: string;
  score: number;
  matched: string;
}

const COLUMNS = 'id, title, authors, abstract, ai_summary, ai_keywords, upvotes, arxiv_id, arxiv_url, project_url, code_url, source, available_at';

/** Loads the papers that became available in a window, with their tags, as a CandidatePool. */
@Injectable()
export class CandidateLoader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(since: Date, until: Date): Promise<CandidatePool> {
    const d = dialectOf({ connection: this.dataSource });
    const range = [sqlTimestamp(d, since), sqlTimestamp(d, until)];
    const rows: PaperRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM papers WHERE available_at > ${param(d, 1)} AND available_at <= ${param(d, 2)}`,
      range,
    );
    const tags: TagRow[] = await this.dataSource.query(
      `SELECT t.paper_id, t.topic_slug, t.score, t.matched FROM paper_topics t JOIN papers p ON p.id = t.paper_id
       WHERE p.available_at > ${param(d, 1)} AND p.available_at <= ${param(d, 2)}`,
      range,
    );
    return new CandidatePool(withTags(rows, tags));
  }

  /** Specific papers with their tags (a sent digest shown again in the browser), in the order given. */
  async byIds(ids: number[]): Promise<CandidatePaper[]> {
    if (ids.length === 0) return [];
    const d = dialectOf({ connection: this.dataSource });
    const list = ids.map((_, i) => param(d, i + 1)).join(', ');
    const rows: PaperRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM papers WHERE id IN (${list})`, ids);
    const tags: TagRow[] = await this.dataSource.query(`SELECT paper_id, topic_slug, score, matched FROM paper_topics WHERE paper_id IN (${list})`, ids);
    const byId = new Map(withTags(rows, tags).map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id)).filter((p): p is CandidatePaper => p !== undefined);
  }
}

function withTags(rows: PaperRow[], tags: TagRow[]): CandidatePaper[] {
  const papers = new Map(rows.map((r) => [Number(r.id), toCandidate(r)]));
  for (const t of tags) papers.get(Number(t.paper_id))?.tags.set(t.topic_slug, { score: Number(t.score), matched: JSON.parse(t.matched) });
  return [...papers.values()];
}

function toCandidate(r: PaperRow): CandidatePaper {
  return {
    id: Number(r.id),
    title: r.title,
    authors: JSON.parse(r.authors),
    abstract: r.abstract,
    aiSummary: r.ai_summary,
    aiKeywords: JSON.parse(r.ai_keywords),
    upvotes: r.upvotes == null ? null : Number(r.upvotes),
    url: paperUrl({ arxivId: r.arxiv_id, source: r.source, arxivUrl: r.arxiv_url, projectUrl: r.project_url, title: r.title }),
    codeUrl: r.code_url,
    availableAt: parseTimestamp(r.available_at).getTime(),
    tags: new Map(),
  };
}
