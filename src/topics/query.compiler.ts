import { QUERY_FIELDS, type QueryField } from './query.lexer.js';
import { parseQuery, type QueryLimits, type QueryNode, type TermNode } from './query.parser.js';
import { splitWords, stem, wordParts } from './text.tokenizer.js';

/**
 * One word slot of a phrase: a Porter stem, or — for wildcards — a prefix (`quantiz*`), suffix
 * (`*bench`) or infix (`*bench*`) of the word as written, unstemmed.
 */
export interface WordPattern {
  kind: 'stem' | 'prefix' | 'suffix' | 'contains';
  value: string;
}

/**
 * A term ready to look up: the word sequences any of which counts as an occurrence. `vision-language
 * model` has two: [vision, language, model] and [visionlanguage, model].
 */
export interface Leaf {
  /** Identifies the lookup (same word sequences, same id), so documents memoize it across queries. */
  id: number;
  /** The term as the query wrote it, shown to people as the reason for a match. */
  display: string;
  boost: number;
  /** The fields where an occurrence counts (`title:` limits a term to the title). */
  fields: readonly QueryField[];
  sequences: WordPattern[][];
  /** Other words allowed between consecutive words of a sequence (`"a b"~N`). */
  slop: number;
}

export type CompiledNode = { kind: 'leaf'; leaf: Leaf } | { kind: 'and' | 'or'; children: CompiledNode[] } | { kind: 'not'; child: CompiledNode };

/** A parsed and compiled query; compile once, evaluate against many documents. */
export interface CompiledQuery {
  readonly source: string;
  readonly root: CompiledNode;
  /** Every positive and negative term, for display (`topics test`). */
  readonly leaves: readonly Leaf[];
}

// Each hyphenated word doubles the sequences to try; past this, extra compounds keep one form.
const MAX_SEQUENCES = 16;

/** Parses and compiles a query; throws QuerySyntaxError on malformed input. */
export function compileQuery(source: string, limits?: Partial<QueryLimits>): CompiledQuery {
  const leaves: Leaf[] = [];
  const root = compileNode(parseQuery(source, limits), leaves, { fields: QUERY_FIELDS, boost: 1 });
  return { source, root, leaves };
}

// What enclosing `title:` scopes and `( … )^w` weights impose on the terms inside them.
interface Scope {
  fields: readonly QueryField[];
  boost: number;
}

function compileNode(node: QueryNode, leaves: Leaf[], scope: Scope): CompiledNode {
  const { fields, boost } = scope;
  switch (node.kind) {
    case 'term':
      return addLeaf(leaves, {
        display: node.display,
        boost: boost * node.boost,
        fields,
        sequences: termSequences(node),
        slop: node.slop,
      });
    case 'alias': {
      const sequences = node.expansions.flatMap(termSequences);
      return addLeaf(leaves, { display: node.display, boost: boost * node.boost, fields, sequences, slop: 0 });
    }
    case 'field':
      return compileNode(node.child, leaves, { fields: [node.field], boost });
    case 'boost':
      return compileNode(node.child, leaves, { fields, boost: boost * node.boost });
    case 'not':
      return { kind: 'not', child: compileNode(node.child, leaves, scope) };
    default:
      return { kind: node.kind, children: node.children.map((c) => compileNode(c, leaves, scope)) };
  }
}

function addLeaf(leaves: Leaf[], parts: Omit<Leaf, 'id'>): CompiledNode {
  const leaf = { id: leafId(parts.sequences, parts.slop), ...parts };
  leaves.push(leaf);
  return { kind: 'leaf', leaf };
}

// Ids are never reused, so clearing the table (bounded for long-lived servers compiling users'
// keywords) only loses sharing between queries compiled before and after, never correctness.
const LEAF_IDS_LIMIT = 100_000;
const leafIds = new Map<string, number>();
let nextLeafId = 0;

function leafId(sequences: WordPattern[][], slop: number): number {
  const key = JSON.stringify([slop, sequences]);
  let id = leafIds.get(key);
  if (id === undefined) {
    if (leafIds.size >= LEAF_IDS_LIMIT) leafIds.clear();
    id = nextLeafId++;
    leafIds.set(key, id);
  }
  return id;
}

/** The word sequences a term stands for, cut exactly as documents are cut. */
export function termSequences(term: TermNode): WordPattern[][] {
  let sequences: WordPattern[][] = [[]];
  for (const word of term.text.split(' ')) {
    const leading = word.startsWith('*');
    const trailing = word.endsWith('*');
    const chunks = splitWords(word.replace(/^\*|\*$/g, ''));
    chunks.forEach((chunk, c) => {
      const forms = chunkForms(wordParts(chunk), leading && c === 0, trailing && c === chunks.length - 1);
      sequences = extend(sequences, forms);
    });
  }
  return sequences.filter((s) => s.length > 0);
}

// A hyphenated chunk may appear closed (`finetuning`) or split (`fine tuning`, `fine-tuning`).
function chunkForms(parts: string[], leading: boolean, trailing: boolean): WordPattern[][] {
  const last = parts.length - 1;
  const split = parts.map((p, i) => wordPattern(p, leading && i === 0, trailing && i === last));
  if (parts.length === 1) return [split];
  return [[wordPattern(parts.join(''), leading, trailing)], split];
}

function wordPattern(word: string, leading: boolean, trailing: boolean): WordPattern {
  if (leading && trailing) return { kind: 'contains', value: word };
  if (leading) return { kind: 'suffix', value: word };
  if (trailing) return { kind: 'prefix', value: word };
  return { kind: 'stem', value: stem(word) };
}

function extend(sequences: WordPattern[][], forms: WordPattern[][]): WordPattern[][] {
  const usable = sequences.length * forms.length > MAX_SEQUENCES ? forms.slice(0, 1) : forms;
  return sequences.flatMap((s) => usable.map((f) => [...s, ...f]));
}
