import { FIELDS, fieldOf, prefixOccurrences, scanOccurrences, type FieldName, type PreparedDocument } from './document.index.js';
import type { CompiledNode, CompiledQuery, Leaf, WordPattern } from './query.compiler.js';

export { prepareDocument, type PaperText, type PreparedDocument } from './document.index.js';
export { compileQuery, type CompiledQuery } from './query.compiler.js';
export { QuerySyntaxError } from './query.errors.js';

/**
 * Scoring. Each term that matched contributes evidence:
 *
 *   boost × (title × [in title] + abstract × log2(1 + mentions in abstract) + keywords × [in AI keywords])
 *
 * so a title hit outweighs an abstract mention, repeated mentions add less and less, and every
 * distinct term that hits adds its own evidence. The query's evidence E is the sum over the terms
 * that made it match (NOT branches add nothing), and score = 1 − exp(−E / scale), in [0, 1).
 * With the defaults, one passing mention in the abstract scores 0.28, a title hit alone 0.63,
 * a title hit plus two abstract mentions 0.78.
 */
export interface ScoringOptions {
  fieldWeights: Readonly<Record<FieldName, number>>;
  scale: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  fieldWeights: { title: 3, abstract: 1, keywords: 0.5 },
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
        if (r < 0) return (ctx.hits.length = mark), -1;
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
  for (const field of leaf.fields) raw += fieldEvidence(field, fieldCount(counts, field), ctx.scoring);
  if (raw === 0) return -1;
  const evidence = leaf.boost * raw;
  ctx.hits.push({ display: leaf.display, evidence });
  return evidence;
}

// A title or keyword hit counts once: repetition there says nothing more about the topic.
function fieldEvidence(field: FieldName, count: number, scoring: ScoringOptions): number {
  if (count === 0) return 0;
  const weight = scoring.fieldWeights[field];
  return field === 'abstract' ? weight * Math.log2(1 + count) : weight;
}

// Per-field counts are packed into one number (10 bits each) so the per-document memo allocates
// nothing per term: tagging a corpus evaluates hundreds of terms per paper, most of them absent.
const COUNT_BITS = 10;
const COUNT_MAX = (1 << COUNT_BITS) - 1;

function fieldCount(packed: number, field: FieldName): number {
  return (packed >>> (COUNT_BITS * FIELDS.indexOf(field))) & COUNT_MAX;
}

/** Occurrences of the leaf in [title, abstract, keywords] (memoized per document). */
export function leafFieldCounts(leaf: Leaf, doc: PreparedDocument): number[] {
  const packed = leafCounts(leaf, doc);
  return FIELDS.map((f) => fieldCount(packed, f));
}

function scratchCounts(leaf: Leaf, doc: PreparedDocument, f: CandidateFilter): number {
  if (f.counted[leaf.id] !== f.generation) {
    f.counts[leaf.id] = countByField(leaf, doc);
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

// Two sequences, or two spans of one loose phrase, can match at the same place (`vision-language`
// closed and split): each start counts once.
function countByField({ sequences, slop }: Leaf, doc: PreparedDocument): number {
  const counts = [0, 0, 0];
  const seen = sequences.length > 1 || slop > 0 ? new Set<number>() : undefined;
  for (const seq of sequences) {
    const spans = sequenceMatches(seq, doc, slop);
    for (let i = 0; i < spans.length; i += 2) {
      if (seen?.has(spans[i])) continue;
      seen?.add(spans[i]);
      counts[fieldOf(spans[i])]++;
    }
  }
  return counts.reduce((packed, c, f) => packed | (Math.min(c, COUNT_MAX) << (COUNT_BITS * f)), 0);
}

// Spans [start, end, …] where the words of `seq` follow each other with at most `slop` words between.
function sequenceMatches(seq: readonly WordPattern[], doc: PreparedDocument, slop: number): readonly number[] {
  let spans = occurrences(seq[0], doc);
  for (let k = 1; k < seq.length && spans.length > 0; k++) {
    const next = occurrences(seq[k], doc);
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
