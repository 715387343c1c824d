import { FIELD_STRIDE, indexText, walkDocument, type DocumentBounds, type PaperText, type TextIndexer } from './document.index.js';
import { countSequences, type CandidateFilter } from './matcher.js';
import type { Leaf, WordPattern } from './query.compiler.js';
import { featureValue, type TopicScorer } from './topic.model.js';
import { isAscii, normalizeText, stem } from './text.tokenizer.js';

/** What tagging needs of one paper, found in one pass over its words (see TermIndex.scan). */
export interface ScannedPaper {
  /** Candidate leaves, counted on demand from the paper's term occurrences. */
  readonly filter: CandidateFilter;
  /** Whether any of these leaves can occur: a query none of whose terms occurs cannot match. */
  anyCandidate(leafIds: readonly number[]): boolean;
  /** The model's weighed stems of the paper as (stem index, x), in the order the paper first uses them. */
  features(visit: (stemIndex: number, x: number, spelling: string) => void): void;
}

// Words seen so far, each with what it means to the queries and the model; cleared past this
// size so a long-lived server does not grow it forever (it is only a cache of derived facts).
const VOCABULARY_LIMIT = 300_000;
const EMPTY: readonly number[] = [];

/**
 * The tagger's fast path. A paper's words matter only where a query looks for them or the model
 * weighs their stem, so each distinct word is looked at once per vocabulary, not once per paper:
 * it is stemmed, tested against every wildcard, and resolved to term ids (a query stem or a
 * wildcard pattern) and a model stem index. Per paper, one Map lookup per word then finds what
 * it feeds, and everything else is skipped. Produces exactly what prepareDocument feeds the
 * matcher and the model (same words, positions and order), as test/unit/topics/term.index.test.ts
 * checks on real papers.
 */
export class TermIndex {
  private readonly stemTerms = new Map<string, number>();
  private readonly wildcards: { term: number; test: (word: string) => boolean }[] = [];
  private readonly wildcardTerms = new Map<string, number>();
  /** By leaf id: its sequences as term ids. */
  private readonly leafTerms: number[][][] = [];
  /** By term id: the leaves whose sequences start with it. */
  private readonly leavesByFirst: number[][] = [];
  private readonly fieldWeights;

  // The vocabulary: an open-addressing table of word ids by a hash of their characters, so a word
  // is found straight from the text it appears in, without cutting it out as a string first.
  private table = new Int32Array(1 << 14);
  private wordText: string[] = [];
  private wordHash: number[] = [];
  private wordTerms: (number[] | null)[] = [];
  private wordStem: number[] = [];

  private generation = 0;
  private termStamp: Uint32Array;
  private readonly termOccurrences: number[][];
  private readonly present: number[] = [];
  private stemStamp: Uint32Array;
  private readonly stemCounts: Int32Array;
  private readonly docStems: number[] = [];
  /** By stem index: the paper's first word with that stem (valid for the paper's stems). */
  private readonly stemSpelling: string[] = [];
  private leafStamp: Uint32Array;
  private counted: Uint32Array;
  private readonly counts: Int32Array;
  private bounds: DocumentBounds = { leadEnd: 0, keywordsEnd: 0 };

  constructor(
    leaves: readonly Leaf[],
    private readonly scorer: TopicScorer | null,
  ) {
    for (const leaf of leaves) {
      if (this.leafTerms[leaf.id]) continue;
      const terms = leaf.sequences.map((seq) => seq.map((p) => this.termOf(p)));
      this.leafTerms[leaf.id] = terms;
      for (const first of new Set(terms.map((t) => t[0]))) (this.leavesByFirst[first] ??= []).push(leaf.id);
    }
    const termCount = this.stemTerms.size + this.wildcardTerms.size;
    this.termStamp = new Uint32Array(termCount);
    this.termOccurrences = Array.from({ length: termCount }, () => []);
    const stems = scorer?.weighedStems ?? 0;
    this.stemStamp = new Uint32Array(stems);
    this.stemCounts = new Int32Array(3 * stems);
    const size = Math.max(0, ...leaves.map((l) => l.id)) + 1;
    this.leafStamp = new Uint32Array(size);
    this.counted = new Uint32Array(size);
    this.counts = new Int32Array(size);
    this.fieldWeights = scorer?.fieldWeights;
  }

  /** Walks the paper's words once; the result is valid until the next scan. */
  scan(paper: PaperText): ScannedPaper {
    const generation = this.nextGeneration();
    this.present.length = 0;
    this.docStems.length = 0;
    this.bounds = walkDocument(paper, this.indexText);
    for (const term of this.present) for (const id of this.leavesByFirst[term] ?? EMPTY) this.leafStamp[id] = generation;
    const filter: CandidateFilter = {
      stamp: this.leafStamp,
      generation,
      counts: this.counts,
      counted: this.counted,
      count: (leaf) => countSequences(this.leafTerms[leaf.id], leaf.slop, this.occurrencesOf, this.bounds),
    };
    return {
      filter,
      anyCandidate: (ids) => ids.some((id) => this.leafStamp[id] === generation),
      features: (visit) => this.features(visit),
    };
  }

  private readonly indexText: TextIndexer = (text, pos) => {
    const norm = normalizeText(text);
    // Text that stays non-ASCII once accents are stripped (Greek, CJK) takes splitWords' way.
    return isAscii(norm) ? this.scanAscii(norm, pos) : indexText(this.visitWord, text, pos);
  };

  private readonly visitWord = (word: string, start: number, end: number): void => this.hit(this.wordId(word, 0, word.length, false), start, end);

  /**
   * splitWords and indexText over lowercased ASCII, without their intermediate strings: a word is
   * a run of [a-z0-9-] cut at its hyphens (empty parts dropped); a run of several parts is a
   * compound, visited as its parts and then its closed form.
   */
  private scanAscii(s: string, pos: number): number {
    const n = s.length;
    let i = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      const runStart = i;
      let parts = 0;
      // The closed form's hash runs on over every part (see wordId).
      let closedHash = FNV_OFFSET;
      while (i < n && isWordChar((c = s.charCodeAt(i)))) {
        if (c === HYPHEN) {
          i++;
          continue;
        }
        const partStart = i;
        let h = FNV_OFFSET;
        while (i < n && (c = s.charCodeAt(i)) !== HYPHEN && isWordChar(c)) {
          h = Math.imul(h ^ c, FNV_PRIME);
          closedHash = Math.imul(closedHash ^ c, FNV_PRIME);
          i++;
        }
        this.hit(this.find(s, partStart, i, false, h, i - partStart), pos, pos++);
        parts++;
      }
      if (parts > 1) this.hit(this.find(s, runStart, i, true, closedHash, i - runStart - hyphens(s, runStart, i)), pos - parts, pos - 1);
    }
    return pos;
  }

  // A word's id: the characters s[from, to), hyphens left out when `closed`.
  private wordId(s: string, from: number, to: number, closed: boolean): number {
    let h = FNV_OFFSET;
    let length = 0;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (closed && c === HYPHEN) continue;
      h = Math.imul(h ^ c, FNV_PRIME);
      length++;
    }
    return this.find(s, from, to, closed, h, length);
  }

  // The id of the word s[from, to) (`length` characters once hyphens are left out when `closed`), of hash `h`.
  private find(s: string, from: number, to: number, closed: boolean, h: number, length: number): number {
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot];
      if (entry === 0) return this.learn(closed ? s.slice(from, to).replace(/-/g, '') : s.slice(from, to), h, slot);
      const id = entry - 1;
      if (this.wordHash[id] === h && sameWord(this.wordText[id], length, s, from, to, closed)) return id;
    }
  }

  private hit(id: number, start: number, end: number): void {
    const generation = this.generation;
    const s = this.wordStem[id];
    if (s >= 0) {
      if (this.stemStamp[s] !== generation) {
        this.stemStamp[s] = generation;
        this.docStems.push(s);
        this.stemSpelling[s] = this.wordText[id];
        this.stemCounts.fill(0, 3 * s, 3 * s + 3);
      }
      // fieldOf(start): positions of field i start at i × FIELD_STRIDE.
      this.stemCounts[3 * s + (start < FIELD_STRIDE ? 0 : start < 2 * FIELD_STRIDE ? 1 : 2)]++;
    }
    const terms = this.wordTerms[id];
    if (terms === null) return;
    for (const term of terms) {
      if (this.termStamp[term] !== generation) {
        this.termStamp[term] = generation;
        this.present.push(term);
        // A fresh list is cheaper than emptying the last paper's (setting length calls the runtime).
        this.termOccurrences[term] = [start, end];
      } else this.termOccurrences[term].push(start, end);
    }
  }

  private readonly occurrencesOf = (term: number): readonly number[] => (this.termStamp[term] === this.generation ? this.termOccurrences[term] : EMPTY);

  private features(visit: (stemIndex: number, x: number, spelling: string) => void): void {
    const weights = this.fieldWeights;
    if (!weights) return;
    const c = this.stemCounts;
    for (const s of this.docStems) visit(s, featureValue(weights, c[3 * s], c[3 * s + 1], c[3 * s + 2]), this.stemSpelling[s]);
  }

  // A word seen for the first time (its hash `h` led to the empty `slot`): what it stands for, once.
  private learn(word: string, h: number, slot: number): number {
    if (this.wordText.length >= VOCABULARY_LIMIT) {
      this.clearVocabulary();
      return this.wordId(word, 0, word.length, false);
    }
    const stemmed = stem(word);
    const terms: number[] = [];
    const own = this.stemTerms.get(stemmed);
    if (own !== undefined) terms.push(own);
    for (const w of this.wildcards) if (w.test(word)) terms.push(w.term);
    const id = this.wordText.length;
    this.wordText.push(word);
    this.wordHash.push(h);
    this.wordTerms.push(terms.length ? terms : null);
    this.wordStem.push(this.scorer ? this.scorer.stemIndex(stemmed) : -1);
    this.table[slot] = id + 1;
    if (2 * this.wordText.length > this.table.length) this.grow();
    return id;
  }

  private grow(): void {
    const table = new Int32Array(2 * this.table.length);
    const mask = table.length - 1;
    this.wordHash.forEach((h, id) => {
      let slot = h & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    });
    this.table = table;
  }

  private clearVocabulary(): void {
    this.table = new Int32Array(1 << 14);
    this.wordText = [];
    this.wordHash = [];
    this.wordTerms = [];
    this.wordStem = [];
  }

  // The same pattern in two leaves (or topics) is one term, looked up once per paper.
  private termOf(p: WordPattern): number {
    if (p.kind === 'stem') return getOrAdd(this.stemTerms, p.value, () => this.stemTerms.size + this.wildcardTerms.size);
    return getOrAdd(this.wildcardTerms, `${p.kind}:${p.value}`, () => {
      const term = this.stemTerms.size + this.wildcardTerms.size;
      this.wildcards.push({ term, test: wildcardTest(p) });
      return term;
    });
  }

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.generation = 0;
      this.termStamp = new Uint32Array(this.termStamp.length);
      this.stemStamp = new Uint32Array(this.stemStamp.length);
      this.leafStamp = new Uint32Array(this.leafStamp.length);
      this.counted = new Uint32Array(this.counted.length);
    }
    return ++this.generation;
  }
}

const HYPHEN = 45;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hyphens(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === HYPHEN) n++;
  return n;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === HYPHEN;
}

// Whether `word` is s[from, to) (hyphens left out when `closed`), `length` characters long.
function sameWord(word: string, length: number, s: string, from: number, to: number, closed: boolean): boolean {
  if (word.length !== length) return false;
  let k = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (closed && c === HYPHEN) continue;
    if (word.charCodeAt(k++) !== c) return false;
  }
  return true;
}

// As the matcher looks wildcards up in a prepared document (document.index.ts).
function wildcardTest({ kind, value }: WordPattern): (word: string) => boolean {
  if (kind === 'prefix') return (w) => w.startsWith(value);
  if (kind === 'suffix') return (w) => w.endsWith(value);
  return (w) => w.includes(value);
}

function getOrAdd(map: Map<string, number>, key: string, make: () => number): number {
  let id = map.get(key);
  if (id === undefined) {
    id = make();
    map.set(key, id);
  }
  return id;
}
