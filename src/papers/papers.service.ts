import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/errors.js';
import type { PaperTopic } from '../topics/paper-topic.entity.js';
import type { Paper } from './paper.entity.js';
import { PaperRepository } from './paper.repository.js';

export interface PaperQuery {
  since?: string;
  topic?: string;
  limit?: number;
  offset?: number;
}

/** The contract's JSON shape of a paper (PRODUCT.md, `papers list`). */
export interface PaperView {
  id: number;
  arxivId: string | null;
  title: string;
  authors: string[];
  abstract: string | null;
  aiSummary: string | null;
  publishedAt: string | null;
  trendingDate: string | null;
  upvotes: number | null;
  url: string;
  pdfUrl: string | null;
  codeUrl: string | null;
  projectUrl: string | null;
  firstSeenAt: string;
  topics: { slug: string; score: number; matched: string[] }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@Injectable()
export class PapersService {
  constructor(private readonly papers: PaperRepository) {}

  async list(query: PaperQuery = {}): Promise<PaperView[]> {
    await this.validate(query);
    const papers = await this.papers.list(query);
    const tags = await this.papers.tagsOf(papers.map((p) => p.id));
    return papers.map((p) => toView(p, tags.get(p.id) ?? []));
  }

  count(): Promise<number> {
    return this.papers.count();
  }

  private async validate(query: PaperQuery): Promise<void> {
    if (query.since !== undefined && !DATE.test(query.since)) {
      throw new InvalidInputError(`since must be a date YYYY-MM-DD, got "${query.since}"`);
    }
    if (query.topic !== undefined) {
      const slugs = await this.papers.topicSlugs();
      if (!slugs.includes(query.topic)) {
        throw new InvalidInputError(`unknown topic "${query.topic}"; valid topics: ${slugs.sort().join(', ')}`);
      }
    }
  }
}

/** Where a reader should land: the HF page for trending papers, arXiv otherwise, a title search as last resort. */
export function paperUrl(p: Pick<Paper, 'arxivId' | 'source' | 'arxivUrl' | 'projectUrl' | 'title'>): string {
  if (p.arxivId && p.source.startsWith('hf-')) return `https://huggingface.co/papers/${p.arxivId}`;
  if (p.arxivUrl) return p.arxivUrl;
  if (p.arxivId) return `https://arxiv.org/abs/${p.arxivId}`;
  return p.projectUrl ?? `https://arxiv.org/search/?searchtype=title&query=${encodeURIComponent(p.title)}`;
}

export function toView(p: Paper, tags: PaperTopic[]): PaperView {
  return {
    id: p.id,
    arxivId: p.arxivId,
    title: p.title,
    authors: p.authors,
    abstract: p.abstract,
    aiSummary: p.aiSummary,
    publishedAt: p.publishedAt ? new Date(p.publishedAt).toISOString() : null,
    trendingDate: p.trendingDate,
    upvotes: p.upvotes,
    url: paperUrl(p),
    pdfUrl: p.pdfUrl,
    codeUrl: p.codeUrl,
    projectUrl: p.projectUrl,
    firstSeenAt: new Date(p.firstSeenAt).toISOString(),
    topics: [...tags].sort((a, b) => b.score - a.score).map((t) => ({ slug: t.topicSlug, score: Math.round(t.score * 1000) / 1000, matched: t.matched })),
  };
}
