import { compileQuery, matchQuery, prepareDocument, type CompiledQuery, type PreparedDocument } from '../topics/matcher.js';
import { rankScore } from '../topics/ranking.js';
import { allocate, type Candidate, type Section, type SectionKind } from './digest.sections.js';
import { PaperSpelling, plainWords, splitKeywordQueries } from './reason.words.js';
import { isEmptyProfile, type ReaderProfile } from '../feedback/feedback.types.js';
import { PersonalRanker } from './personal-ranking.js';

export type { Section, SectionKind } from './digest.sections.js';

/** A paper that may go into digests of this run, with its topic tags. */
export interface CandidatePaper {
  id: number;
  arxivId: string | null;
  title: string;
  authors: string[];
  abstract: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  upvotes: number | null;
  /** The paper's page: Hugging Face when it came from there, else arXiv, else the project. */
  url: string;
  arxivUrl: string | null;
  pdfUrl: string | null;
  codeUrl: string | null;
  projectUrl: string | null;
  hfUrl: string | null;
  publishedAt: Date | null;
  trendingDate: string | null;
  availableAt: number;
  tags: Map<string, { score: number; matched: string[] }>;
}

/** One thing the reader asked for that this paper matched, in plain words. */
export interface Reason {
  kind: SectionKind;
  /** Topic slug, keyword query, … : what the section is keyed by. */
  key: string;
  /** What the reader sees: the topic's name, or their keywords as plain words. */
  label: string;
  /** The words of this paper that made the match, as the paper spells them. */
  words: string[];
  score: number;
  /** Said instead of the label when present: "like “Title you liked”" (personal-ranking.ts). */
  note?: string;
}

export interface SelectedPaper {
  paper: CandidatePaper;
  rank: number;
  /** The section the paper is shown in: its strongest match (explicit keywords before topics). */
  section: Section;
  reasons: Reason[];
}

export interface SectionSummary extends Section {
  /** Papers of this section in the selection (emailed, or shown) and matched in all. */
  shown: number;
  total: number;
}

export interface Selection {
  /** The papers to show, grouped by section in section order, best first within each. */
  papers: SelectedPaper[];
  /** Every paper that matched, including those past the budget ("and N more"). */
  total: number;
  /** Ids of every matched paper, by section: what the web view of the digest shows. */
  allIds?: number[];
  sections?: SectionSummary[];
}

export interface SelectionRequest {
  topics: string[];
  keywords: string | null;
  windowStart: Date;
  windowEnd: Date;
  /** The budget of papers (DIGEST_MAX_PAPERS), shared fairly between sections. */
  max: number;
  /** Topic slug → name, for section labels; the slug when missing. */
  topicNames?: ReadonlyMap<string, string>;
  /** Sections (`topic:slug`, `keyword:query`) the reader muted: not shown. */
  muted?: readonly string[];
  /** The reader's votes, likes and followed authors: their personal ranking (personal-ranking.ts). */
  profile?: ReaderProfile | null;
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
  private readonly spellings = new Map<number, PaperSpelling>();
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
    const found = new Map<number, { paper: CandidatePaper; reasons: Reason[] }>();
    const muted = new Set(req.muted ?? []);
    const inWindow = (p: CandidatePaper) => p.availableAt > req.windowStart.getTime() && p.availableAt <= req.windowEnd.getTime();
    const add = (p: CandidatePaper, r: Reason) => {
      const entry = found.get(p.id) ?? { paper: p, reasons: [] };
      entry.reasons.push(r);
      found.set(p.id, entry);
    };
    for (const text of req.keywords ? splitKeywordQueries(req.keywords) : []) {
      const query = this.keywordQuery(text);
      if (!query || muted.has(`keyword:${text}`)) continue;
      const label = plainWords(text) || text;
      for (const p of this.papers) {
        if (!inWindow(p)) continue;
        const m = matchQuery(query, this.doc(p));
        if (m && m.score >= KEYWORD_THRESHOLD) add(p, { kind: 'keyword', key: text, label, words: m.matched, score: m.score });
      }
    }
    for (const slug of req.topics) {
      if (muted.has(`topic:${slug}`)) continue;
      const label = req.topicNames?.get(slug) ?? slug;
      for (const p of this.byTopic.get(slug) ?? []) {
        const tag = p.tags.get(slug)!;
        if (inWindow(p)) add(p, { kind: 'topic', key: slug, label, words: tag.matched, score: tag.score });
      }
    }
    const personal = isEmptyProfile(req.profile) ? null : new PersonalRanker(this.papers, req.profile!);
    personal?.extend(this.papers.filter(inWindow), found, (p, r) => add(p as CandidatePaper, r));
    for (const id of personal?.known ?? []) found.delete(id);
    const rank = (p: CandidatePaper, r: Reason) => {
      const base = rankScore({ matchScore: r.score, upvotes: p.upvotes });
      return personal ? personal.blend(p, base) : base;
    };
    const candidates: Candidate<CandidatePaper, Reason & { rank: number }>[] = [...found.values()].map(({ paper, reasons }) => ({
      item: paper,
      id: paper.id,
      reasons: reasons.map((r) => ({ ...r, rank: rank(paper, r) })),
    }));
    const { shown, all, sections } = allocate(candidates, req.max, personal?.weight);
    const explain = (c: (typeof shown)[number]): SelectedPaper => ({
      paper: c.item,
      rank: c.rank,
      section: c.section,
      reasons: c.reasons.map(({ rank: _rank, ...r }): Reason => ({ ...r, words: this.spelling(c.item).wordsFor(r.words) })),
    });
    return { papers: shown.map(explain), total: all.length, allIds: all.map((c) => c.id), sections };
  }

  /** Every matched paper, grouped and explained: what the web view shows. */
  selectAll(req: Omit<SelectionRequest, 'max'>): Selection {
    return this.select({ ...req, max: Number.MAX_SAFE_INTEGER });
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

  private spelling(p: CandidatePaper): PaperSpelling {
    let s = this.spellings.get(p.id);
    if (!s) this.spellings.set(p.id, (s = new PaperSpelling(p)));
    return s;
  }
}
