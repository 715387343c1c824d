import { QuerySyntaxError } from './query.errors.js';

/** The tokens of the query language; positions are 0-based offsets into the query. */
export type LexToken =
  | { type: 'lparen' | 'comma' | 'and' | 'or' | 'not' | 'minus'; position: number }
  | { type: 'rparen'; position: number; boost: number }
  | { type: 'word' | 'phrase'; position: number; text: string; boost: number; slop: number }
  | { type: 'field'; position: number; field: QueryField };

/** Parts of a paper a term can be limited to with `title:`, `abstract:` or `keywords:`. */
export const QUERY_FIELDS = ['title', 'abstract', 'keywords'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];
const FIELD_PREFIX = /^(title|abstract|keywords):/i;

const OPERATORS: Readonly<Record<string, 'and' | 'or' | 'not'>> = { and: 'and', or: 'or', not: 'not' };
const WORD_END = /[\s()",]/;
const BOOST = /^\^(\d+(?:\.\d+)?)/;
export const MAX_BOOST = 10;
export const MAX_SLOP = 20;

/** Splits a query into tokens; throws QuerySyntaxError on an unclosed quote or a bad boost. */
export function lexQuery(query: string): LexToken[] {
  const tokens: LexToken[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) i++;
    else if (c === '(') tokens.push({ type: 'lparen', position: i++ });
    else if (c === ')') i = readCloseParen(query, i, tokens);
    else if (c === ',') tokens.push({ type: 'comma', position: i++ });
    else if (c === '"') i = readPhrase(query, i, tokens);
    else if (c === '-' && i + 1 < query.length && !/\s/.test(query[i + 1])) tokens.push({ type: 'minus', position: i++ });
    else i = readWord(query, i, tokens);
  }
  return tokens;
}

function readCloseParen(query: string, at: number, tokens: LexToken[]): number {
  const { boost, end } = readBoost(query, at + 1);
  tokens.push({ type: 'rparen', position: at, boost });
  return end;
}

function readPhrase(query: string, start: number, tokens: LexToken[]): number {
  const close = query.indexOf('"', start + 1);
  if (close < 0) throw new QuerySyntaxError(`unclosed quote starting at position ${start}`, start);
  const near = readSlop(query, close + 1);
  const { boost, end } = readBoost(query, near.end);
  tokens.push({ type: 'phrase', position: start, text: query.slice(start + 1, close), boost, slop: near.slop });
  return end;
}

// `"introduce benchmark"~4` lets up to 4 other words sit between consecutive words of the phrase.
function readSlop(query: string, at: number): { slop: number; end: number } {
  if (query[at] !== '~') return { slop: 0, end: at };
  const m = /^~(\d+)/.exec(query.slice(at));
  const slop = m ? Number(m[1]) : NaN;
  if (!(slop >= 1 && slop <= MAX_SLOP)) {
    throw new QuerySyntaxError(`"~" must be followed by a number of words from 1 to ${MAX_SLOP} at position ${at}`, at);
  }
  return { slop, end: at + (m as RegExpExecArray)[0].length };
}

function readWord(query: string, start: number, tokens: LexToken[]): number {
  let end = start;
  while (end < query.length && !WORD_END.test(query[end]) && query[end] !== '^') end++;
  const text = query.slice(start, end);
  if (text === '') throw new QuerySyntaxError(`"^" must follow a word, a phrase or ")" at position ${start}`, start);
  const field = FIELD_PREFIX.exec(text);
  if (field) {
    tokens.push({ type: 'field', position: start, field: field[1].toLowerCase() as QueryField });
    return start + field[0].length;
  }
  const boosted = readBoost(query, end);
  const operator = boosted.end === end ? OPERATORS[text.toLowerCase()] : undefined;
  if (operator) tokens.push({ type: operator, position: start });
  else tokens.push({ type: 'word', position: start, text, boost: boosted.boost, slop: 0 });
  return boosted.end;
}

// `term^2` weighs a term twice as much as its neighbours; `^` must be followed by a number.
function readBoost(query: string, at: number): { boost: number; end: number } {
  if (query[at] !== '^') return { boost: 1, end: at };
  const m = BOOST.exec(query.slice(at));
  const boost = m ? Number(m[1]) : NaN;
  if (!(boost > 0 && boost <= MAX_BOOST)) {
    throw new QuerySyntaxError(`"^" must be followed by a weight from 0.1 to ${MAX_BOOST} at position ${at}`, at);
  }
  return { boost, end: at + (m as RegExpExecArray)[0].length };
}
