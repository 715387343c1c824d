import { aliasExpansions } from './query.aliases.js';
import { QuerySyntaxError } from './query.errors.js';
import { lexQuery, type LexToken, type QueryField } from './query.lexer.js';

export { QuerySyntaxError } from './query.errors.js';

/**
 * The query language shared by topic definitions and subscribers' own keywords.
 *
 *   quantization              a word; matched after case folding and Porter stemming, so it
 *                             also finds "quantized" and "quantize"
 *   "graph neural network"    a phrase: the words in this order, each stemmed
 *   "introduce benchmark"~4   the words in this order, at most 4 other words between each
 *   quantiz*                  a prefix of the word as written (not stemmed); 3+ characters;
 *                             *bench is a suffix (ProBench), *bench* anywhere in a word
 *   vision-language           a hyphenated word; also finds "vision language" and "visionlanguage"
 *   a AND b, a OR b, NOT a    operators (any case); `-a` is NOT a
 *   a b                       adjacent terms must both appear: the implicit operator is AND
 *   a b, c d                  a comma is OR, so subscribers can list alternatives:
 *                             `diffusion transformer, quantiz*` means (diffusion AND transformer)
 *                             OR quantiz*
 *   ( … )                     grouping; NOT binds tighter than AND, AND tighter than OR/comma
 *   term^2, (a OR b)^0.5      weighs the evidence of a term or group (0.1–10; default 1)
 *   title:bench*              only look in one field: title:, abstract: or keywords: (the AI
 *                             keywords); also before a phrase or a group: title:(a OR b)
 *   GNN, LLM, RL, …           aliases (see query.aliases.ts): also match the spelled-out forms
 *
 * AND is the implicit operator because people write `diffusion transformer` meaning the one
 * thing, not either word: OR would flood a digest with every paper saying "transformer".
 */

export interface TermNode {
  kind: 'term';
  /** The words as written, without quotes or boost (`graph neural network`, `quantiz*`). */
  text: string;
  /** How the term is shown to people: as written, quotes included. */
  display: string;
  quoted: boolean;
  boost: number;
  /** For `"a b"~N`: how many other words may sit between consecutive words (0: adjacent). */
  slop: number;
  position: number;
}

export interface AliasNode {
  kind: 'alias';
  display: string;
  boost: number;
  position: number;
  /** The abbreviation itself followed by its spelled-out forms. */
  expansions: TermNode[];
}

export type QueryNode =
  | TermNode
  | AliasNode
  | { kind: 'and' | 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode; position: number }
  | { kind: 'field'; field: QueryField; child: QueryNode }
  | { kind: 'boost'; boost: number; child: QueryNode };

export type { QueryField } from './query.lexer.js';

export interface QueryLimits {
  /** Longest accepted query, in characters. */
  maxLength: number;
  /** Deepest nesting of parentheses and NOTs. */
  maxDepth: number;
  /** Most terms (words and phrases) in one query. */
  maxTerms: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxLength: 500, maxDepth: 8, maxTerms: 100 };
// Topic queries are written by the operator, not typed by subscribers, and need room for the
// phrases and exclusions that keep a broad topic precise.
export const TOPIC_QUERY_LIMITS: QueryLimits = { maxLength: 2000, maxDepth: 8, maxTerms: 200 };

const MIN_WILDCARD = 3;

/** Parses a query into its syntax tree, or throws QuerySyntaxError saying what and where. */
export function parseQuery(query: string, limits: Partial<QueryLimits> = {}): QueryNode {
  const lim = { ...DEFAULT_QUERY_LIMITS, ...limits };
  if (query.length > lim.maxLength) {
    throw new QuerySyntaxError(`query is ${query.length} characters long; the limit is ${lim.maxLength}`, lim.maxLength);
  }
  const parser = new Parser(lexQuery(query), query.length, lim);
  const root = parser.parse();
  if (!hasPositiveTerm(root)) {
    throw new QuerySyntaxError('the query only excludes words; add at least one word to look for', 0);
  }
  return root;
}

// A branch made only of NOTs would match nearly every paper, which is never what a topic means.
function hasPositiveTerm(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term':
    case 'alias':
      return true;
    case 'not':
      return false;
    case 'field':
    case 'boost':
      return hasPositiveTerm(node.child);
    case 'and':
      return node.children.some(hasPositiveTerm);
    case 'or':
      return node.children.every(hasPositiveTerm);
  }
}

class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly tokens: LexToken[],
    private readonly length: number,
    private readonly limits: QueryLimits,
  ) {}

  parse(): QueryNode {
    if (this.tokens.length === 0) throw new QuerySyntaxError('the query is empty', 0);
    const node = this.parseOr();
    const extra = this.tokens[this.i];
    if (extra) throw new QuerySyntaxError(`unexpected ${describe(extra)} at position ${extra.position}`, extra.position);
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek('or') || this.peek('comma')) {
      this.expectOperand(this.tokens[this.i++]);
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      if (this.peek('and')) this.expectOperand(this.tokens[this.i++]);
      else if (!this.startsOperand()) break;
      children.push(this.parseUnary());
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    const tok = this.tokens[this.i];
    if (tok?.type !== 'not' && tok?.type !== 'minus') return this.parsePrimary();
    this.i++;
    this.expectOperand(tok);
    return this.nested(tok.position, () => ({ kind: 'not', child: this.parseUnary(), position: tok.position }));
  }

  private parsePrimary(): QueryNode {
    const tok = this.tokens[this.i];
    if (!tok) throw new QuerySyntaxError(`unexpected end of query at position ${this.length}`, this.length);
    if (tok.type === 'word' || tok.type === 'phrase') {
      this.i++;
      return this.term(tok);
    }
    if (tok.type === 'field') {
      this.i++;
      this.expectOperand(tok);
      return this.nested(tok.position, () => ({ kind: 'field', field: tok.field, child: this.parsePrimary() }));
    }
    if (tok.type !== 'lparen') throw new QuerySyntaxError(`unexpected ${describe(tok)} at position ${tok.position}`, tok.position);
    this.i++;
    const inner = this.nested(tok.position, () => this.parseOr());
    const close = this.tokens[this.i];
    if (close?.type !== 'rparen') throw new QuerySyntaxError(`missing ")" for the "(" at position ${tok.position}`, tok.position);
    this.i++;
    return close.boost === 1 ? inner : { kind: 'boost', boost: close.boost, child: inner };
  }

  private nested(position: number, parse: () => QueryNode): QueryNode {
    if (++this.depth > this.limits.maxDepth) {
      throw new QuerySyntaxError(`nesting deeper than ${this.limits.maxDepth} levels at position ${position}`, position);
    }
    const node = parse();
    this.depth--;
    return node;
  }

  private term(tok: Extract<LexToken, { type: 'word' | 'phrase' }>): QueryNode {
    if (++this.terms > this.limits.maxTerms) {
      throw new QuerySyntaxError(`more than ${this.limits.maxTerms} terms at position ${tok.position}`, tok.position);
    }
    const quoted = tok.type === 'phrase';
    const node = buildTerm(tok.text, quoted, tok.boost, tok.position, tok.slop);
    const expansions = quoted || tok.text.includes('*') ? undefined : aliasExpansions(tok.text);
    if (!expansions) return node;
    const spelled = expansions.map((e) => buildTerm(e, true, 1, tok.position));
    return { kind: 'alias', display: tok.text, boost: tok.boost, position: tok.position, expansions: [node, ...spelled] };
  }

  private expectOperand(op: LexToken): void {
    if (!this.startsOperand()) {
      const at = this.tokens[this.i]?.position ?? this.length;
      throw new QuerySyntaxError(`expected a term after ${describe(op)} at position ${at}`, at);
    }
  }

  private startsOperand(): boolean {
    const t = this.tokens[this.i]?.type;
    return t === 'word' || t === 'phrase' || t === 'lparen' || t === 'not' || t === 'minus' || t === 'field';
  }

  private peek(type: LexToken['type']): boolean {
    return this.tokens[this.i]?.type === type;
  }
}

function buildTerm(text: string, quoted: boolean, boost: number, position: number, slop = 0): TermNode {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new QuerySyntaxError(`empty phrase at position ${position}`, position);
  for (const w of words) checkWord(w, position);
  const display = quoted ? `"${words.join(' ')}"${slop > 0 ? `~${slop}` : ''}` : text;
  return { kind: 'term', text: words.join(' '), display, quoted, boost, slop, position };
}

function checkWord(word: string, position: number): void {
  const inner = word.replace(/^\*|\*$/g, '');
  if (inner.includes('*')) {
    throw new QuerySyntaxError(`"*" is only allowed at the start or end of a word ("${word}" at position ${position})`, position);
  }
  const letters = inner.replace(/[^\p{L}\p{N}]/gu, '').length;
  if (letters === 0) throw new QuerySyntaxError(`"${word}" at position ${position} has no letters or digits`, position);
  if (inner !== word && letters < MIN_WILDCARD) {
    throw new QuerySyntaxError(`a wildcard needs at least ${MIN_WILDCARD} letters besides "*" ("${word}" at position ${position})`, position);
  }
}

function describe(tok: LexToken): string {
  switch (tok.type) {
    case 'lparen':
      return '"("';
    case 'rparen':
      return '")"';
    case 'comma':
      return '","';
    case 'minus':
      return '"-"';
    case 'word':
    case 'phrase':
      return `"${tok.text}"`;
    case 'field':
      return `"${tok.field}:"`;
    default:
      return tok.type.toUpperCase();
  }
}
