import { splitWords, stem, wordParts } from './text.tokenizer.js';

/** What the matcher reads of a paper. */
export interface PaperText {
  title: string;
  abstract?: string | null;
  aiKeywords?: readonly string[] | null;
}

/** The fields a query looks in, in the order their evidence is weighed. */
export const FIELDS = ['title', 'abstract', 'keywords'] as const;
export type FieldName = (typeof FIELDS)[number];

/**
 * A paper tokenized once, ready to be matched against any number of compiled queries.
 *
 * All fields share one index: word positions of field i start at i × FIELD_STRIDE, so a single
 * lookup finds a word everywhere and the field is recovered from the position. Occurrences are
 * flat `[start, end, start, end, …]`: a plain word spans one position, the closed form of a
 * hyphenated compound (`pretraining` for `pre-training`) spans all its parts, so phrases can run
 * through either form.
 */
export interface PreparedDocument {
  /** Porter stem → occurrences. */
  readonly stems: ReadonlyMap<string, readonly number[]>;
  /** Lowercased word as written → occurrences; wildcards search these. */
  readonly words: ReadonlyMap<string, readonly number[]>;
  /** bucketOf(first PREFIX_BUCKET characters) → the words starting with them: prefixes need no scan. */
  readonly buckets: ReadonlyMap<number, readonly string[]>;
  /** Memo of term lookups (leaf id → packed per-field counts), shared by all queries on this document. */
  readonly memo: Map<number, number>;
  /** Positions below this one are the abstract's first sentence, which usually states the topic. */
  readonly leadEnd: number;
  /** Positions below this one (and in the keywords) are the first LEADING_KEYWORDS AI keywords. */
  readonly keywordsEnd: number;
}

export const FIELD_STRIDE = 1_000_000;
/**
 * AI keywords come roughly in order of importance: the first few name the paper's subject, later
 * ones list datasets, baselines and side remarks. Only the leading ones weigh as evidence.
 */
export const LEADING_KEYWORDS = 3;
// The end of an abstract's first sentence: a full stop followed by a capitalised word.
const SENTENCE_END = /[.!?]\s+(?=[A-Z])/;
export const PREFIX_BUCKET = 3;
const KEYWORD_GAP = 32;

/** The field (index into FIELDS) of a word position. */
export function fieldOf(position: number): number {
  return Math.min(FIELDS.length - 1, Math.floor(position / FIELD_STRIDE));
}

/** Tells a prepared document from raw paper text, so callers may pass either. */
export function isPreparedDocument(x: PaperText | PreparedDocument): x is PreparedDocument {
  return 'memo' in x && 'stems' in x;
}

/** Where a paper's word positions end: see PreparedDocument. */
export interface DocumentBounds {
  leadEnd: number;
  keywordsEnd: number;
}

/** Indexes the words of `text` from position `pos`; returns the position after the last word. */
export type TextIndexer = (text: string, pos: number) => number;

/**
 * Lays a paper's fields out over word positions, handing each piece of text to `index` at its
 * starting position. The tagger's fast path (term.index.ts) lays papers out the same way, so both
 * see the same words at the same positions.
 */
export function walkDocument(paper: PaperText, index: TextIndexer): DocumentBounds {
  index(paper.title ?? '', 0);
  const abstract = paper.abstract ?? '';
  const end = SENTENCE_END.exec(abstract);
  const leadEnd = index(end ? abstract.slice(0, end.index + 1) : abstract, FIELD_STRIDE);
  if (end) index(abstract.slice(end.index + 1), leadEnd);
  let keywordsEnd = 3 * FIELD_STRIDE;
  let pos = 2 * FIELD_STRIDE;
  (paper.aiKeywords ?? []).forEach((keyword, i) => {
    if (i === LEADING_KEYWORDS) keywordsEnd = pos;
    // Keywords are separate phrases: a gap wider than any phrase slop keeps a phrase from
    // running from one keyword into the next.
    pos = index(keyword, pos) + KEYWORD_GAP;
  });
  return { leadEnd, keywordsEnd };
}

/**
 * Tokenizes and stems a paper's title, abstract and AI keywords. Words are stemmed once per
 * paper, after counting; most stems have one spelling in a paper, whose occurrence list is then
 * shared rather than copied.
 */
export function prepareDocument(paper: PaperText): PreparedDocument {
  const words = new Map<string, number[]>();
  const visit = (word: string, start: number, end: number) => push(words, word, start, end);
  const { leadEnd, keywordsEnd } = walkDocument(paper, (text, pos) => indexText(visit, text, pos));
  const stems = new Map<string, number[]>();
  const buckets = new Map<number, string[]>();
  for (const [word, occ] of words) {
    const key = stem(word);
    const same = stems.get(key);
    stems.set(key, same ? same.concat(occ) : occ);
    const bucket = bucketOf(word);
    const list = buckets.get(bucket);
    if (list) list.push(word);
    else buckets.set(bucket, [word]);
  }
  return { stems, words, buckets, memo: new Map(), leadEnd, keywordsEnd };
}

/**
 * Visits the words of `text` from position `pos` in indexing order (a hyphenated compound: its
 * parts, then its closed form over all of them); returns the position after the last word.
 */
export function indexText(visit: (word: string, start: number, end: number) => void, text: string, pos: number): number {
  for (const word of splitWords(text)) {
    if (!word.includes('-')) {
      visit(word, pos, pos++);
      continue;
    }
    const parts = wordParts(word);
    const first = pos;
    for (const part of parts) visit(part, pos, pos++);
    visit(parts.join(''), first, pos - 1);
  }
  return pos;
}

function push(map: Map<string, number[]>, key: string, start: number, end: number): void {
  const list = map.get(key);
  if (list) list.push(start, end);
  else map.set(key, [start, end]);
}

/**
 * A number standing for a word's first PREFIX_BUCKET characters (words shorter than that have
 * their own buckets). Numbers hash faster than the strings they replace; a collision between
 * non-ASCII characters only means a prefix is checked against a few more words.
 */
export function bucketOf(word: string): number {
  let key = word.length < PREFIX_BUCKET ? word.length + 1 : 0;
  for (let i = 0; i < PREFIX_BUCKET && i < word.length; i++) key = key * 256 + (word.charCodeAt(i) & 0xff);
  return key;
}

/** Occurrences of every word that starts with `prefix`. */
export function prefixOccurrences(doc: PreparedDocument, prefix: string): readonly number[] {
  if (prefix.length < PREFIX_BUCKET) return scanOccurrences(doc, (w) => w.startsWith(prefix));
  const out: number[] = [];
  for (const word of doc.buckets.get(bucketOf(prefix)) ?? []) {
    if (word.startsWith(prefix)) out.push(...(doc.words.get(word) as number[]));
  }
  return out;
}

/** Occurrences of every word that passes `test` (suffix and infix wildcards). */
export function scanOccurrences(doc: PreparedDocument, test: (word: string) => boolean): readonly number[] {
  const out: number[] = [];
  for (const [word, occ] of doc.words) if (test(word)) out.push(...occ);
  return out;
}
