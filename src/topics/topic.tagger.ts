import { isPreparedDocument } from './document.index.js';
import { compileQuery, type CompiledQuery } from './query.compiler.js';
import { QuerySyntaxError } from './query.errors.js';
import {
  DEFAULT_SCORING,
  matchQuery,
  prepareDocument,
  type MatchResult,
  type PaperText,
  type PreparedDocument,
  type ScoringOptions,
} from './matcher.js';

export interface TopicQuery {
  slug: string;
  query: string;
}

export interface TopicTag {
  slug: string;
  score: number;
  matched: string[];
}

export interface TaggerOptions {
  /**
   * Minimum score for a tag. 0.5 needs more than a passing mention: a title hit, or several
   * abstract mentions of the topic's terms (one mention scores 0.28, two distinct terms ~0.49).
   */
  threshold: number;
  scoring: ScoringOptions;
}

export const DEFAULT_TAG_THRESHOLD = 0.5;

/** A topic whose query does not parse; names the topic so a bad import points at it. */
export class TopicQueryError extends Error {
  constructor(
    readonly slug: string,
    readonly cause: QuerySyntaxError,
  ) {
    super(`topic "${slug}": ${cause.message}`);
    this.name = 'TopicQueryError';
  }
}

/**
 * Tags papers with the topics whose queries they match strongly enough. Queries are compiled
 * once; a document's word lookups are memoized, so terms shared between topics cost once.
 */
export class TopicTagger {
  private readonly topics: readonly { slug: string; query: CompiledQuery }[];
  private readonly options: TaggerOptions;

  constructor(topics: readonly TopicQuery[], options: Partial<TaggerOptions> = {}) {
    this.options = { threshold: DEFAULT_TAG_THRESHOLD, scoring: DEFAULT_SCORING, ...options };
    this.topics = topics.map((t) => ({ slug: t.slug, query: compileTopic(t) }));
  }

  /** Topics above the threshold, best first. Accepts a prepared document to share its index. */
  tag(paper: PaperText | PreparedDocument): TopicTag[] {
    const doc = isPreparedDocument(paper) ? paper : prepareDocument(paper);
    const tags: TopicTag[] = [];
    for (const { slug, query } of this.topics) {
      const m = matchQuery(query, doc, this.options.scoring);
      if (m && m.score >= this.options.threshold) tags.push({ slug, score: m.score, matched: m.matched });
    }
    return tags.sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug));
  }

  /** The raw match of one topic, even below the threshold: why a paper is, or is not, tagged. */
  explain(paper: PaperText | PreparedDocument, slug: string): MatchResult | null {
    const topic = this.topics.find((t) => t.slug === slug);
    if (!topic) return null;
    return matchQuery(topic.query, isPreparedDocument(paper) ? paper : prepareDocument(paper), this.options.scoring);
  }
}

function compileTopic(topic: TopicQuery): CompiledQuery {
  try {
    return compileQuery(topic.query, { maxLength: 2000, maxTerms: 200 });
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new TopicQueryError(topic.slug, e);
    throw e;
  }
}
