import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { parseTimestamp } from '../database/timestamp.js';
import { paperUrl } from '../papers/papers.service.js';
import { CandidateRepository, type PaperRow, type TagRow } from './candidate.repository.js';
import { CandidatePool, type CandidatePaper } from './digest.selection.js';

/** Loads the papers that became available in a window, with their tags, as a CandidatePool. */
@Injectable()
export class CandidateLoader {
  private readonly candidates: CandidateRepository;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.candidates = new CandidateRepository(dataSource);
  }

  async load(since: Date, until: Date): Promise<CandidatePool> {
    const { rows, tags } = await this.candidates.availableBetween(since, until);
    return new CandidatePool(withTags(rows, tags));
  }

  /** Specific papers with their tags (a sent digest shown again in the browser), in the order given. */
  async byIds(ids: number[]): Promise<CandidatePaper[]> {
    if (ids.length === 0) return [];
    const { rows, tags } = await this.candidates.byIds(ids);
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
  const arxivId = r.arxiv_id;
  return {
    id: Number(r.id),
    arxivId,
    title: r.title,
    authors: JSON.parse(r.authors),
    abstract: r.abstract,
    aiSummary: r.ai_summary,
    aiKeywords: JSON.parse(r.ai_keywords),
    upvotes: r.upvotes == null ? null : Number(r.upvotes),
    url: paperUrl({ arxivId: r.arxiv_id, source: r.source, arxivUrl: r.arxiv_url, projectUrl: r.project_url, title: r.title }),
    arxivUrl: arxivId ? `https://arxiv.org/abs/${arxivId}` : r.arxiv_url,
    pdfUrl: r.pdf_url ?? (arxivId ? `https://arxiv.org/pdf/${arxivId}` : null),
    codeUrl: r.code_url,
    projectUrl: r.project_url,
    hfUrl: arxivId && r.source.startsWith('hf-') ? `https://huggingface.co/papers/${arxivId}` : null,
    publishedAt: r.published_at ? parseTimestamp(r.published_at) : null,
    trendingDate: r.trending_date,
    availableAt: parseTimestamp(r.available_at).getTime(),
    tags: new Map(),
  };
}
