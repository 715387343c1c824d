import { FIELD_STRIDE, FIELDS, fieldOf, prefixOccurrences, scanOccurrences, type FieldName, type PreparedDocument } from './document.index.js';
import type { CompiledNode, CompiledQuery, Leaf, WordPattern } from './query.compiler.js';

export { prepareDocument, type PaperText, type PreparedDocument } from './document.index.js';
export { compileQuery, type CompiledQuery } from './query.compiler.js';
export { QuerySyntaxError } from './query.errors.js';

/**
 * Scoring. Each term that matched contributes evidence:
 *
 *   boost × (title × [in title]
 *            + abstract × log2(1 + mentions in abstract) + lead × [in the abstract's first sentence]
 *            + keywords × [in the first LEADING_KEYWORDS AI keywords])
 *
 * so a title hit outweighs an abstract mention, repeated mentions add less and less, and every
 * distinct term that hits adds its own evidence. The first sentence of an abstract usually says
 * what the paper is about, so a mention there counts more than one in passing further on; AI
 * keywords come in order of importance, and only the leading ones weigh (a term found only in
 * later keywords still satisfies the query, for AND and NOT, but adds no evidence). The query's
 * evidence E is the sum over the terms that made it match (NOT branches add nothing), and
 * score = 1 − exp(−E / scale), in [0, 1). With the defaults, one passing mention in the abstract
 * scores 0.28 (0.39 in the first sentence), a title hit alone 0.63, a title hit plus two abstract
 * mentions 0.78.
 */
export interface ScoringOptions {
  fieldWeights: Readonly<Record<FieldName, number>>;
  /** Extra evidence for a term in the abstract's first sentence. */
  lead: number;
  scale: number;
}

// Fitted on the tune set of test/fixtures/topic-eval by 3-fold cross-validation (every fold chose
// these values): lead 0.5 and weighing only the leading keywords lift micro-F1 by about 1.3 points.
export const DEFAULT_SCORING: ScoringOptions = {
  fieldWeights: { title: 3, abstract: 1, keywords: 0.5 },
  lead: 0.5,
  scale: 3,
};

export interface MatchResult {
  /** 0..1; comparable across queries, so one threshold serves every topic. */
  score: number;
  /** The query's terms that hit, as written, strongest evidence first. */
  matched: string[];
}

interface Hit {
  display: string;
  evidence: number;
}

/**
 * Lets a caller that knows which terms can occur in a document (the tagger's inverted index)
 * skip the others without looking them up: `stamp[leaf.id] === generation` marks a candidate.
 */
export interface CandidateFilter {
  stamp: Uint32Array;
  generation: number;
  /** Scratch memo replacing the document's: counts[id] is valid when counted[id] === generation. */
  counts: Int32Array;
  counted: Uint32Array;
  /** Counts a candidate leaf (packed per-field counts); by default against the document. */
  count?: (leaf: Leaf) => number;
}

interface Context {
  doc: PreparedDocument;
  scoring: ScoringOptions;
  hits: Hit[];
  filter?: CandidateFilter;
}

/** Evaluates a compiled query against a prepared document; null when it does not match. */
export function matchQuery(
  query: CompiledQuery,
  doc: PreparedDocument,
  scoring: ScoringOptions = DEFAULT_SCORING,
  filter?: CandidateFilter,
): MatchResult | null {
  const ctx: Context = { doc, scoring, hits: [], filter };
  const evidence = evaluate(query.root, ctx);
  if (evidence <= 0) return null;
  return { score: round(1 - Math.exp(-evidence / scoring.scale)), matched: rankTerms(ctx.hits) };
}

// Returns the evidence of a matching subtree, or -1 when it does not match. Hits of branches
// that fail (an AND missing a term, anything under NOT) are rolled back so they never explain.
function evaluate(node: CompiledNode, ctx: Context): number {
  const mark = ctx.hits.length;
  switch (node.kind) {
    case 'leaf':
      return leafEvidence(node.leaf, ctx);
    case 'not': {
      const r = evaluate(node.child, ctx);
      ctx.hits.length = mark;
      return r < 0 ? 0 : -1;
    }
    case 'and': {
      let sum = 0;
      for (const child of node.children) {
        const r = evaluate(child, ctx);
        if (r < 0) return ((ctx.hits.length = mark), -1);
        sum += r;
      }
      return sum;
    }
    case 'or': {
      let sum = -1;
      for (const child of node.children) {
        const r = evaluate(child, ctx);
        if (r >= 0) sum = Math.max(sum, 0) + r;
      }
      return sum;
    }
  }
}

function leafEvidence(leaf: Leaf, ctx: Context): number {
  const f = ctx.filter;
  if (f && f.stamp[leaf.id] !== f.generation) return -1;
  const counts = f ? scratchCounts(leaf, ctx.doc, f) : leafCounts(leaf, ctx.doc);
  if (counts === 0) return -1;
  let raw = 0;
  for (const field of leaf.fields) raw += fieldEvidence(field, counts, ctx.scoring);
  if (raw === 0) return fieldCount(counts, leaf) > 0 ? 0 : -1;
  const evidence = leaf.boost * raw;
  ctx.hits.push({ display: leaf.display, evidence });
  return evidence;
}

// A title or keyword hit counts once: repetition there says nothing more about the topic.
function fieldEvidence(field: FieldName, packed: number, scoring: ScoringOptions): number {
  const weight = scoring.fieldWeights[field];
  switch (field) {
    case 'title':
      return fieldCount(packed, field) > 0 ? weight : 0;
    case 'abstract': {
      const count = fieldCount(packed, field);
      if (count === 0) return 0;
      return weight * Math.log2(1 + count) + (packed & LEAD_FLAG ? scoring.lead : 0);
    }
    case 'keywords':
      return packed & LEADING_KEYWORD_FLAG ? weight : 0;
  }
}

// Per-field counts are packed into one number (9 bits each, then two flags: a mention in the
// abstract's first sentence, one in the leading keywords) so the per-document memo allocates
// nothing per term: tagging a corpus evaluates hundreds of terms per paper, most of them absent.
const COUNT_BITS = 9;
const COUNT_MAX = (1 << COUNT_BITS) - 1;
const LEAD_FLAG = 1 << (COUNT_BITS * FIELDS.length);
const LEADING_KEYWORD_FLAG = LEAD_FLAG << 1;

function fieldCount(packed: number, field: FieldName): number;
function fieldCount(packed: number, leaf: Leaf): number;
function fieldCount(packed: number, of: FieldName | Leaf): number {
  if (typeof of !== 'string') return of.fields.reduce((n, f) => n + fieldCount(packed, f), 0);
  return (packed >>> (COUNT_BITS * FIELDS.indexOf(of))) & COUNT_MAX;
}

function scratchCounts(leaf: Leaf, doc: PreparedDocument, f: CandidateFilter): number {
  if (f.counted[leaf.id] !== f.generation) {
    f.counts[leaf.id] = f.count ? f.count(leaf) : countByField(leaf, doc);
    f.counted[leaf.id] = f.generation;
  }
  return f.counts[leaf.id];
}

function leafCounts(leaf: Leaf, doc: PreparedDocument): number {
  let packed = doc.memo.get(leaf.id);
  if (packed === undefined) {
    packed = countByField(leaf, doc);
    doc.memo.set(leaf.id, packed);
  }
  return packed;
}

function countByField({ sequences, slop }: Leaf, doc: PreparedDocument): number {
  return countSequences(sequences, slop, (p) => occurrences(p, doc), doc);
}

/**
 * A leaf's packed per-field counts, from the occurrences of its word slots, however they are
 * looked up (patterns in a prepared document here, term ids in term.index.ts). Two sequences, or
 * two spans of one loose phrase, can match at the same place (`vision-language` closed and
 * split): each start counts once.
 */
export function countSequences<T>(
  sequences: readonly (readonly T[])[],
  slop: number,
  occurrencesOf: (slot: T) => readonly number[],
  bounds: { leadEnd: number; keywordsEnd: number },
): number {
  const counts = [0, 0, 0];
  let flags = 0;
  const seen = sequences.length > 1 || slop > 0 ? new Set<number>() : undefined;
  for (const seq of sequences) {
    const spans = sequenceMatches(seq, occurrencesOf, slop);
    for (let i = 0; i < spans.length; i += 2) {
      const start = spans[i];
      if (seen?.has(start)) continue;
      seen?.add(start);
      counts[fieldOf(start)]++;
      if (start >= FIELD_STRIDE && start < bounds.leadEnd) flags |= LEAD_FLAG;
      else if (start >= 2 * FIELD_STRIDE && start < bounds.keywordsEnd) flags |= LEADING_KEYWORD_FLAG;
    }
  }
  return counts.reduce((packed, c, f) => packed | (Math.min(c, COUNT_MAX) << (COUNT_BITS * f)), flags);
}

// Spans [start, end, …] where the words of `seq` follow each other with at most `slop` words between.
function sequenceMatches<T>(seq: readonly T[], occurrencesOf: (slot: T) => readonly number[], slop: number): readonly number[] {
  let spans = occurrencesOf(seq[0]);
  for (let k = 1; k < seq.length && spans.length > 0; k++) {
    const next = occurrencesOf(seq[k]);
    const joined: number[] = [];
    for (let i = 0; i < spans.length; i += 2) {
      for (let j = 0; j < next.length; j += 2) {
        const gap = next[j] - spans[i + 1] - 1;
        if (gap >= 0 && gap <= slop) joined.push(spans[i], next[j + 1]);
      }
    }
    spans = joined;
  }
  return spans;
}

function occurrences(p: WordPattern, doc: PreparedDocument): readonly number[] {
  switch (p.kind) {
    case 'stem':
      return doc.stems.get(p.value) ?? EMPTY;
    case 'prefix':
      return prefixOccurrences(doc, p.value);
    case 'suffix':
      return scanOccurrences(doc, (w) => w.endsWith(p.value));
    case 'contains':
      return scanOccurrences(doc, (w) => w.includes(p.value));
  }
}

const EMPTY: readonly number[] = [];

function rankTerms(hits: readonly Hit[]): string[] {
  const byTerm = new Map<string, number>();
  for (const h of hits) byTerm.set(h.display, (byTerm.get(h.display) ?? 0) + h.evidence);
  return [...byTerm.entries()].sort((a, b) => b[1] - a[1]).map(([display]) => display);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
