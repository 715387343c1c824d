import { compileQuery, matchQuery, prepareDocument, type CompiledQuery, type PreparedDocument } from '../topics/matcher.js';
import { rankScore } from '../topics/ranking.js';

/** A paper that may go into digests of this run, with its topic tags. */
export interface CandidatePaper {
  id: number;
  title: string;
  authors: string[];
  abstract: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  upvotes: number | null;
  url: string;
  codeUrl: string | null;
  availableAt: number;
  tags: Map<string, { score: number; matched: string[] }>;
}

export interface Reason {
  /** A topic slug, or null for the subscriber's own keywords. */
  slug: string | null;
  matched: string[];
}

export interface SelectedPaper {
  paper: CandidatePaper;
  rank: number;
  reasons: Reason[];
}

export interface Selection {
  papers: SelectedPaper[];
  /** Every paper that matched, including those past the cap ("and N more"). */
  total: number;
  /** Ids of every matched paper, best first: what the web view of the digest shows. */
  allIds?: number[];
}

export interface SelectionRequest {
  topics: string[];
  keywords: string | null;
  windowStart: Date;
  windowEnd: Date;
  max: number;
}

/**
 * Own keywords were asked for by the reader in their own words: one real mention is enough
 * (a topic needs more, see TopicTagger's threshold).
 */
const KEYWORD_THRESHOLD = 0.25;

/**
 * The papers one run may send, indexed by topic, so picking a subscriber's digest is a walk over
 * their topics' lists, not a query. Keyword queries are compiled once per distinct text.
 */
export class CandidatePool {
  private readonly byTopic = new Map<string, CandidatePaper[]>();
  private readonly docs = new Map<number, PreparedDocument>();
  private readonly keywordQueries = new Map<string, CompiledQuery | null>();

  constructor(readonly papers: CandidatePaper[]) {
    for (const p of papers) {
      for (const slug of p.tags.keys()) {
        const list = this.byTopic.get(slug) ?? [];
        list.push(p);
        this.byTopic.set(slug, list);
      }
    }
  }

  select(req: SelectionRequest): Selection {
    const found = new Map<number, SelectedPaper>();
    const inWindow = (p: CandidatePaper) => p.availableAt > req.windowStart.getTime() && p.availableAt <= req.windowEnd.getTime();
    for (const slug of req.topics) {
      for (const p of this.byTopic.get(slug) ?? []) {
        if (inWindow(p)) add(found, p, { slug, matched: p.tags.get(slug)!.matched }, p.tags.get(slug)!.score);
      }
    }
    const query = req.keywords ? this.keywordQuery(req.keywords) : null;
    if (query) {
      for (const p of this.papers) {
        if (!inWindow(p)) continue;
        const m = matchQuery(query, this.doc(p));
        if (m && m.score >= KEYWORD_THRESHOLD) add(found, p, { slug: null, matched: m.matched }, m.score);
      }
    }
    const ranked = [...found.values()].sort((a, b) => b.rank - a.rank || b.paper.id - a.paper.id);
    return { papers: ranked.slice(0, req.max), total: ranked.length, allIds: ranked.map((p) => p.paper.id) };
  }

  private keywordQuery(text: string): CompiledQuery | null {
    if (!this.keywordQueries.has(text)) {
      let compiled: CompiledQuery | null;
      try {
        compiled = compileQuery(text);
      } catch {
        compiled = null; // validated when saved; an old value that no longer parses matches nothing
      }
      this.keywordQueries.set(text, compiled);
    }
    return this.keywordQueries.get(text)!;
  }

  private doc(p: CandidatePaper): PreparedDocument {
    let doc = this.docs.get(p.id);
    if (!doc) this.docs.set(p.id, (doc = prepareDocument(p)));
    return doc;
  }
}

/** A paper matched by several topics (or keywords) ranks by its strongest match and lists every reason. */
function add(found: Map<number, SelectedPaper>, paper: CandidatePaper, reason: Reason, matchScore: number): void {
  const rank = rankScore({ matchScore, upvotes: paper.upvotes });
  const existing = found.get(paper.id);
  if (!existing) {
    found.set(paper.id, { paper, rank, reasons: [reason] });
    return;
  }
  existing.rank = Math.max(existing.rank, rank);
  existing.reasons.push(reason);
}
