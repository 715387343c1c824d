import { chunkText, stem } from './text.tokenizer.js';

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
  /** First PREFIX_BUCKET characters → the words starting with them, so a prefix needs no scan. */
  readonly buckets: ReadonlyMap<string, readonly string[]>;
  /** Memo of term lookups (leaf id → packed per-field counts), shared by all queries on this document. */
  readonly memo: Map<number, number>;
}

export const FIELD_STRIDE = 1_000_000;
const PREFIX_BUCKET = 3;
// Keywords are separate phrases: a gap keeps a phrase from running from one into the next.
const KEYWORD_GAP = 2;

/** The field (index into FIELDS) of a word position. */
export function fieldOf(position: number): number {
  return Math.min(FIELDS.length - 1, Math.floor(position / FIELD_STRIDE));
}

/** Tells a prepared document from raw paper text, so callers may pass either. */
export function isPreparedDocument(x: PaperText | PreparedDocument): x is PreparedDocument {
  return 'memo' in x && 'stems' in x;
}

/** Tokenizes and stems a paper's title, abstract and AI keywords. */
export function prepareDocument(paper: PaperText): PreparedDocument {
  const doc = { stems: new Map<string, number[]>(), words: new Map<string, number[]>() };
  const stemLists: StemLists = new Map();
  indexTexts(doc, stemLists, [paper.title ?? ''], 0);
  indexTexts(doc, stemLists, [paper.abstract ?? ''], FIELD_STRIDE);
  indexTexts(doc, stemLists, paper.aiKeywords ?? [], 2 * FIELD_STRIDE);
  const buckets = new Map<string, string[]>();
  for (const word of doc.words.keys()) {
    const key = word.slice(0, PREFIX_BUCKET);
    const list = buckets.get(key);
    if (list) list.push(word);
    else buckets.set(key, [word]);
  }
  return { ...doc, buckets, memo: new Map() };
}

interface MutableIndex {
  stems: Map<string, number[]>;
  words: Map<string, number[]>;
}

// While indexing, each distinct word remembers its stem's list, so a paper's repeated words are
// stemmed once (stemming, even memoized, dominated preparation time).
type StemLists = Map<string, number[]>;

function indexTexts(doc: MutableIndex, stemLists: StemLists, texts: readonly string[], base: number): void {
  let pos = base;
  for (const text of texts) {
    for (const parts of chunkText(text)) {
      const first = pos;
      for (const part of parts) add(doc, stemLists, part, pos, pos++);
      if (parts.length > 1) add(doc, stemLists, parts.join(''), first, pos - 1);
    }
    pos += KEYWORD_GAP;
  }
}

function add(doc: MutableIndex, stemLists: StemLists, word: string, start: number, end: number): void {
  const occ = doc.words.get(word);
  if (occ) {
    occ.push(start, end);
    (stemLists.get(word) as number[]).push(start, end);
    return;
  }
  doc.words.set(word, [start, end]);
  const key = stem(word);
  let list = doc.stems.get(key);
  if (list) list.push(start, end);
  else doc.stems.set(key, (list = [start, end]));
  stemLists.set(word, list);
}

/** Occurrences of every word that starts with `prefix`. */
export function prefixOccurrences(doc: PreparedDocument, prefix: string): readonly number[] {
  if (prefix.length < PREFIX_BUCKET) return scanOccurrences(doc, (w) => w.startsWith(prefix));
  const out: number[] = [];
  for (const word of doc.buckets.get(prefix.slice(0, PREFIX_BUCKET)) ?? []) {
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
