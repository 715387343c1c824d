import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { parseQuery, QuerySyntaxError, TOPIC_QUERY_LIMITS, type QueryNode } from '../../../src/topics/query.parser.js';
import { TopicTagger } from '../../../src/topics/topic.tagger.js';

/** A compact rendering of the tree, so precedence is visible in one string. */
function show(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return node.boost === 1 ? node.display : `${node.display}^${node.boost}`;
    case 'alias':
      return `alias(${node.display})`;
    case 'not':
      return `NOT(${show(node.child)})`;
    case 'field':
      return `${node.field}:(${show(node.child)})`;
    case 'boost':
      return `(${show(node.child)})^${node.boost}`;
    default:
      return `${node.kind.toUpperCase()}(${node.children.map(show).join(' ')})`;
  }
}

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`expected "${query}" to be rejected`);
}

describe('parseQuery: terms and operators', () => {
  it('reads words, quoted phrases and prefix wildcards as terms, as written', () => {
    expect(show(parseQuery('quantiz* "graph neural network" pruning'))).toBe('AND(quantiz* "graph neural network" pruning)');
  });

  it('uses AND between adjacent terms and OR for commas', () => {
    expect(show(parseQuery('diffusion transformer, quantiz*'))).toBe('OR(AND(diffusion transformer) quantiz*)');
  });

  it('gives NOT precedence over AND, and AND over OR', () => {
    expect(show(parseQuery('a OR b c NOT d'))).toBe('OR(a AND(b c NOT(d)))');
    expect(show(parseQuery('a AND b OR c'))).toBe('OR(AND(a b) c)');
  });

  it('lets parentheses override precedence', () => {
    expect(show(parseQuery('(a OR b) c'))).toBe('AND(OR(a b) c)');
    expect(show(parseQuery('a (b OR (c d))'))).toBe('AND(a OR(b AND(c d)))');
  });

  it('accepts -term as NOT, but keeps hyphens inside words', () => {
    expect(show(parseQuery('robot -humanoid'))).toBe('AND(robot NOT(humanoid))');
    expect(show(parseQuery('vision-language'))).toBe('vision-language');
  });

  it('reads operators in any case', () => {
    expect(show(parseQuery('a or b and not c'))).toBe('OR(a AND(b NOT(c)))');
  });

  it('expands aliases case-insensitively, but not inside quotes or wildcards', () => {
    const node = parseQuery('GNN');
    expect(node.kind).toBe('alias');
    expect(node.kind === 'alias' && node.expansions.map((e) => e.display)).toEqual(['GNN', '"graph neural network"', '"graph neural net"']);
    expect(show(parseQuery('llm'))).toBe('alias(llm)');
    expect(show(parseQuery('"LLM"'))).toBe('"LLM"');
    expect(show(parseQuery('LLM*'))).toBe('LLM*');
  });

  it('reads field scopes and weights', () => {
    expect(show(parseQuery('title:bench* abstract:(a OR b)'))).toBe('AND(title:(bench*) abstract:(OR(a b)))');
    expect(show(parseQuery('quantiz*^2 (a OR b)^0.5'))).toBe('AND(quantiz*^2 (OR(a b))^0.5)');
  });

  it('accepts suffix and infix wildcards', () => {
    expect(show(parseQuery('*bench *bench*'))).toBe('AND(*bench *bench*)');
  });
});

describe('parseQuery: errors name what is wrong and where', () => {
  it.each([
    ['a b)', 3, 'unexpected ")" at position 3'],
    ['graph "neural net', 6, 'unclosed quote starting at position 6'],
    ['(a OR b', 0, 'missing ")" for the "(" at position 0'],
    ['a OR', 4, 'expected a term after OR at position 4'],
    ['OR a', 0, 'unexpected OR at position 0'],
    ['a AND ) b', 6, 'expected a term after AND at position 6'],
    ['()', 1, 'unexpected ")" at position 1'],
    ['x ""', 2, 'empty phrase at position 2'],
    ['qu*', 0, 'a wildcard needs at least 3 letters'],
    ['a*b', 0, '"*" is only allowed at the start or end of a word'],
    ['foo^', 3, '"^" must be followed by a weight from 0.1 to 10 at position 3'],
    ['foo^99', 3, 'weight from 0.1 to 10'],
    ['a ^2', 2, '"^" must follow a word, a phrase or ")" at position 2'],
    ['"new benchmark"~', 15, '"~" must be followed by a number of words from 1 to 20 at position 15'],
    ['"new benchmark"~50', 15, 'from 1 to 20'],
    ['+++', 0, 'has no letters or digits'],
    ['NOT robot', 0, 'the query only excludes words'],
    ['', 0, 'the query is empty'],
  ])('%s', (query, position, message) => {
    const err = syntaxError(query);
    expect(err.position).toBe(position);
    expect(err.message).toContain(message);
  });

  it('limits the length of a query', () => {
    const err = syntaxError('word '.repeat(101));
    expect(err.message).toBe('query is 505 characters long; the limit is 500');
    expect(parseQuery('word '.repeat(101), { maxLength: 600, maxTerms: 200 }).kind).toBe('and');
  });

  it('limits nesting depth, counting NOTs', () => {
    const deep = `${'('.repeat(9)}a${')'.repeat(9)}`;
    const err = syntaxError(deep);
    expect(err.message).toBe('nesting deeper than 8 levels at position 8');
    expect(err.position).toBe(8);
    expect(syntaxError('x NOT NOT NOT NOT NOT NOT NOT NOT NOT y').message).toContain('nesting deeper than 8');
    expect(() => parseQuery(`${'('.repeat(8)}a${')'.repeat(8)}`)).not.toThrow();
  });

  it('limits the number of terms', () => {
    expect(syntaxError('a '.repeat(101)).message).toContain('more than 100 terms at position 200');
  });
});

describe('default topic queries', () => {
  const topics = JSON.parse(readFileSync(fromRoot('data', 'default-topics.json'), 'utf8')) as {
    slug: string;
    query?: string;
  }[];

  it('has a query for each of the 28 topics', () => {
    expect(topics).toHaveLength(28);
    expect(topics.filter((t) => !t.query)).toEqual([]);
  });

  it.each(topics.map((t) => [t.slug, t.query ?? '']))('%s parses within TOPIC_QUERY_LIMITS', (_slug, query) => {
    expect(() => parseQuery(query, TOPIC_QUERY_LIMITS)).not.toThrow();
  });

  it('compiles together in a tagger', () => {
    expect(() => new TopicTagger(topics.map((t) => ({ slug: t.slug, query: t.query ?? '' })))).not.toThrow();
  });
});
