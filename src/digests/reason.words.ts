import { compileQuery, type CompiledQuery } from '../topics/matcher.js';
import type { WordPattern } from '../topics/query.compiler.js';
import { normalizeText, stem } from '../topics/text.tokenizer.js';

/**
 * Why a paper was picked, in the reader's words: the words of *this paper* that made a match, as
 * the paper spells them ("KV Cache", "agentic"), never the query's syntax (`*agent*`, `"tool
 * calling"~2`, `title:`) and never function words ("with", "the") nor research filler ("using",
 * "trained"), which explain nothing.
 */

export const STOP_WORDS = new Set(
  (
    'a about above across after again against all almost also although among an and another any are as at be because been before ' +
    'being between both but by can could did do does doing done during each either else even ever every few for from further ' +
    'had has have having he her here hers him his how however i if in into is it its itself just less many may me might more ' +
    'most much must my near neither no nor not now of off often on once one only onto or other others our ours out over own ' +
    'per rather same several she should since so some still such than that the their theirs them themselves then there ' +
    'therefore these they this those though through thus to too toward towards two under until up upon us very via was we ' +
    'well were what whatever when where whether which while who whom whose why will with within without would yet you your ' +
    // words every abstract uses: they say nothing about what a paper is about
    'approach approaches based method methods new novel paper papers propose proposed proposes present presents result results ' +
    'show shows shown study trained training train use used uses using via work works achieve achieves state art performance ' +
    'demonstrate demonstrates existing first further different various significant significantly large small model models'
  ).split(' '),
);

interface Token {
  start: number;
  end: number;
  norm: string;
  stem: string;
}

interface Field {
  text: string;
  tokens: Token[];
}

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_WORDS = 4;

/** A paper's text, tokenized once, to find how it spells the terms that matched it. */
export class PaperSpelling {
  private readonly fields: Field[];

  constructor(paper: { title: string; abstract?: string | null; aiKeywords?: readonly string[] | null }) {
    this.fields = [paper.title ?? '', paper.abstract ?? '', (paper.aiKeywords ?? []).join(' · ')].map((text) => ({ text, tokens: tokenize(text) }));
  }

  /** The paper's spelling of each term (query terms or words), stop-words dropped, distinct, at most four. */
  wordsFor(terms: readonly string[]): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const term of terms) {
      const words = this.spell(term);
      const key = normalizeText(words).replace(/[^\p{L}\p{N}]+/gu, '');
      if (!words || seen.has(key) || isStopPhrase(words)) continue;
      seen.add(key);
      out.push(words);
      if (out.length === MAX_WORDS) break;
    }
    return out;
  }

  private spell(term: string): string {
    const query = compiled(term);
    for (const leaf of query?.leaves ?? []) {
      for (const seq of leaf.sequences) {
        const found = this.find(seq, leaf.slop);
        if (found) return found;
      }
    }
    return this.findClosed(term) ?? plainWords(term);
  }

  /** The tagger indexes `on-policy` also as `onpolicy`; a word it explains with is shown hyphenated, as written. */
  private findClosed(term: string): string | null {
    const word = normalizeText(term);
    if (!/^[\p{L}\p{N}]+$/u.test(word)) return null;
    const target = stem(word);
    for (const { text, tokens } of this.fields) {
      for (let i = 0; i < tokens.length; i++) {
        let joined = tokens[i].norm;
        for (let j = i + 1; j < tokens.length && j < i + 4 && text.slice(tokens[j - 1].end, tokens[j].start) === '-'; j++) {
          joined += tokens[j].norm;
          if (joined === word || stem(joined) === target) return text.slice(tokens[i].start, tokens[j].end);
        }
      }
    }
    return null;
  }

  private find(seq: readonly WordPattern[], slop: number): string | null {
    for (const f of this.fields) {
      for (let i = 0; i < f.tokens.length; i++) {
        if (!fits(seq[0], f.tokens[i])) continue;
        const end = follow(seq, f.tokens, i, slop);
        if (end >= 0) return f.text.slice(f.tokens[i].start, f.tokens[end].end);
      }
    }
    return null;
  }
}

// Index of the last token of `seq` starting at token i, allowing `slop` tokens between words; -1 when it does not follow.
function follow(seq: readonly WordPattern[], tokens: Token[], i: number, slop: number): number {
  let at = i;
  for (let k = 1; k < seq.length; k++) {
    let next = -1;
    for (let j = at + 1; j <= at + 1 + slop && j < tokens.length; j++) {
      if (fits(seq[k], tokens[j])) {
        next = j;
        break;
      }
    }
    if (next < 0) return -1;
    at = next;
  }
  return at;
}

function fits(p: WordPattern, t: Token): boolean {
  switch (p.kind) {
    case 'stem':
      return t.stem === p.value;
    case 'prefix':
      return t.norm.startsWith(p.value);
    case 'suffix':
      return t.norm.endsWith(p.value);
    case 'contains':
      return t.norm.includes(p.value);
  }
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => {
    const norm = normalizeText(m[0]);
    return { start: m.index!, end: m.index! + m[0].length, norm, stem: stem(norm) };
  });
}

const compiledTerms = new Map<string, CompiledQuery | null>();

function compiled(term: string): CompiledQuery | null {
  if (!compiledTerms.has(term)) {
    let q: CompiledQuery | null;
    try {
      q = compileQuery(term);
    } catch {
      q = null; // a stored word that is not valid query syntax: shown as plain words
    }
    if (compiledTerms.size > 5000) compiledTerms.clear();
    compiledTerms.set(term, q);
  }
  return compiledTerms.get(term)!;
}

/** A query (or one of its terms) as plain words: no fields, wildcards, quotes, weights or operators. */
export function plainWords(query: string): string {
  return query
    .replace(/\b(title|abstract|keywords):/gi, '')
    .replace(/[~^]\d+(\.\d+)?/g, '')
    .replace(/\b(AND|OR|NOT)\b/g, ' ')
    .replace(/(^|[\s(])-(?=\w)/g, '$1')
    .replace(/[*"()]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isStopPhrase(words: string): boolean {
  return normalizeText(words)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .every((w) => STOP_WORDS.has(w) || /^\d+$/.test(w));
}

/**
 * A reader's keywords are one query where a comma means OR; each comma-separated part is one
 * interest of its own ("KV cache", "speculative decoding") and gets its own section. Commas inside
 * quotes or parentheses do not split.
 */
export function splitKeywordQueries(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && !quoted && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}
