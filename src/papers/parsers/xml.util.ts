import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DumpRejectedError } from '../paper.types.js';
import { LineIndex } from './source.util.js';
import { isRecord } from './text.util.js';

export type XmlNode = Record<string, unknown>;

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/**
 * Namespace prefixes are dropped (`arxiv:primary_category` → `primary_category`): the old
 * arXiv format declares namespaces on each element, the new one on <feed>, and prefixes are
 * the authors' choice anyway. Entities are left alone here and decoded once by the caller,
 * so `&amp;lt;` ends as `&lt;`, not `<`, and no DTD entity is ever expanded.
 */
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  captureMetaData: true,
  isArray: (name) => ['entry', 'item', 'author', 'link', 'category', 'creator'].includes(name),
});

export interface XmlDocument {
  rootName: string;
  root: XmlNode;
  /** 1-based line where an element parsed from this document starts, when known. */
  lineOf(node: unknown, fallback: number): number;
}

/** Parses a whole XML document; malformed XML is a rejection with the line the validator names. */
export function parseXml(text: string, file: string): XmlDocument {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw xmlRejection(file, text, valid.err);
  const doc = parseChecked(text, file);
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#')) ?? '';
  const root = doc[rootName];
  const lines = new LineIndex(text);
  return {
    rootName,
    root: isRecord(root) ? root : {},
    lineOf: (node, fallback) => {
      const meta = isRecord(node) ? (node as Record<symbol, unknown>)[META] : undefined;
      const start = isRecord(meta) ? meta.startIndex : undefined;
      return typeof start === 'number' ? lines.lineAt(start) : fallback;
    },
  };
}

/** The parser finds a few faults the validator lets through (an unclosed `<?xml`); it may end its message with `:line:col`. */
function parseChecked(text: string, file: string): XmlNode {
  try {
    return parser.parse(text) as XmlNode;
  } catch (e) {
    const message = (e as Error).message;
    const at = /:(\d+):\d+$/.exec(message);
    throw new DumpRejectedError(file, at ? +at[1] : null, `invalid XML: ${at ? message.slice(0, at.index) : message}`);
  }
}

/**
 * Elements still open at the end mean a truncated file: the validator reports them at line 1
 * (or where the outermost opened), which is less useful than where the text stops.
 */
function xmlRejection(file: string, text: string, err: { code: string; msg: string; line: number }): DumpRejectedError {
  const open = /^Unclosed tag '([^']+)'/.exec(err.msg)?.[1] ?? /^Invalid '(\[.*\])' found/.exec(err.msg)?.[1];
  if (open === undefined) return new DumpRejectedError(file, err.line, `invalid XML: ${err.msg}`);
  const names = open.startsWith('[') ? (JSON.parse(open) as string[]) : [open];
  const lastLine = new LineIndex(text).lineAt(text.trimEnd().length);
  return new DumpRejectedError(file, lastLine, `truncated XML: unclosed ${names.map((n) => `<${n}>`).join(', ')}`);
}

/** The text of an element that may carry attributes (`{"#text": …, "@type": …}`). */
export function textOf(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return null;
}

/** A child that may repeat, as an array (fast-xml-parser gives one child as a plain value). */
export function children(node: XmlNode, name: string): unknown[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function attr(node: unknown, name: string): string | null {
  if (!isRecord(node)) return null;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : null;
}
