import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/errors.js';
import { compileQuery, matchQuery, prepareDocument, QuerySyntaxError, type CompiledQuery } from './matcher.js';
import { TOPIC_QUERY_LIMITS } from './query.parser.js';
import { TopicRepository } from './topic.repository.js';
import { DEFAULT_TAG_THRESHOLD } from './topic.tagger.js';
import { TopicsService, type TopicInput } from './topics.service.js';

export interface QueryMatch {
  id: number;
  arxivId: string | null;
  title: string;
  score: number;
  /** The query's terms that hit, strongest evidence first. */
  matched: string[];
  /** Whether the score reaches the tagging threshold, i.e. a topic with this query would tag the paper. */
  tagged: boolean;
}

export interface QueryTestResult {
  query: string;
  threshold: number;
  scanned: number;
  matched: number;
  tagged: number;
  /** The best matches, highest score first. */
  papers: QueryMatch[];
}

/** A topic to create or change; fields left out keep their current values. */
export type TopicPatch = { slug: string } & Partial<Omit<TopicInput, 'slug'>>;

const BATCH = 500;

/** Operator tools on the taxonomy: try a query on the stored papers, edit one topic, re-tag. */
@Injectable()
export class TopicWorkbench {
  constructor(
    private readonly topics: TopicsService,
    private readonly repo: TopicRepository,
  ) {}

  /** Which stored papers a query matches and why; a query that does not parse is bad input naming the position. */
  async test(query: string, limit = 20): Promise<QueryTestResult> {
    const compiled = compile(query);
    const result: QueryTestResult = { query, threshold: DEFAULT_TAG_THRESHOLD, scanned: 0, matched: 0, tagged: 0, papers: [] };
    let best: QueryMatch[] = [];
    for (let after = 0; ;) {
      const rows = await this.repo.paperTexts(after, BATCH);
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1].id);
      result.scanned += rows.length;
      for (const r of rows) {
        const m = matchQuery(compiled, prepareDocument({ title: r.title, abstract: r.abstract, aiKeywords: JSON.parse(r.ai_keywords) as string[] }));
        if (!m) continue;
        const tagged = m.score >= DEFAULT_TAG_THRESHOLD;
        result.matched++;
        if (tagged) result.tagged++;
        best.push({ id: Number(r.id), arxivId: r.arxiv_id, title: r.title, score: m.score, matched: m.matched, tagged });
      }
      if (best.length > 4 * limit) best = top(best, limit);
    }
    result.papers = top(best, limit);
    return result;
  }

  /** Creates or edits one topic (the query checked first), then re-tags the stored papers for it. */
  async set(patch: TopicPatch): Promise<{ created: boolean; topic: TopicInput }> {
    if (typeof patch?.slug !== 'string') throw new InvalidInputError('slug is required');
    const current = await this.repo.findBySlug(patch.slug);
    if (!current && patch.name === undefined) throw new InvalidInputError(`there is no topic "${patch.slug.slice(0, 64)}" yet: a new topic needs a name`);
    if (patch.query !== undefined && typeof patch.query === 'string') compile(patch.query);
    const topic: TopicInput = {
      slug: patch.slug,
      name: patch.name ?? current!.name,
      description: patch.description ?? current?.description ?? '',
      ...(patch.query !== undefined ? { query: patch.query } : current ? { query: current.query } : {}),
    };
    const { created } = await this.topics.importTopics([topic]);
    const saved = await this.repo.findBySlug(topic.slug);
    if (!saved) throw new Error(`topic "${topic.slug}" was not stored`);
    return { created: created === 1, topic: { slug: saved.slug, name: saved.name, description: saved.description, query: saved.query } };
  }

  /** Re-tags the stored papers for these topics (all when none given); unknown slugs are bad input. */
  async retag(slugs?: string[]): Promise<{ papers: number; tags: number }> {
    if (slugs?.length) {
      const known = new Set((await this.topics.list()).map((t) => t.slug));
      const unknown = slugs.filter((s) => !known.has(s));
      if (unknown.length)
        throw new InvalidInputError(`unknown topic${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${String(s).slice(0, 64)}"`).join(', ')}`);
    }
    return this.topics.retag(slugs?.length ? slugs : undefined);
  }
}

function compile(query: string): CompiledQuery {
  if (typeof query !== 'string' || !query.trim()) throw new InvalidInputError('the query is empty');
  try {
    return compileQuery(query, TOPIC_QUERY_LIMITS);
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    throw new InvalidInputError(`query: ${err.message}`, { position: err.position });
  }
}

function top(matches: QueryMatch[], limit: number): QueryMatch[] {
  return matches.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit);
}
