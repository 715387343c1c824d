import { basename } from 'node:path';
import { DumpRejectedError, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { normalizeArxivId } from './arxiv-id.util.js';
import { scanJson } from './json-scan.js';
import { paperEvent, rawTitleTooLong, skip } from './paper.util.js';
import { parsePythonLiteral } from './python-literal.js';
import { collectText } from './source.util.js';
import { cleanOptional, cleanStringArray, isoDatePart, isRecord, numberOrNull, parseTimestamp, stringOrNull } from './text.util.js';

/**
 * Hugging Face Daily Papers API (`/api/daily_papers?date=…`): a JSON array of items
 * `{paper: {id, title, summary, authors, upvotes, submittedOnDailyAt, …}, title, …}`.
 *
 * Readable defects seen in the collected corpus (2024-05 … 2026-08):
 * - items written as the Python `repr()` of the dict instead of JSON (2024-12-11 … 2025-01-10):
 *   read with a literal parser, they hold the same data;
 * - the array wrapped as `{status, date, count, data: [...]}` (2025-01-10): `data` is read.
 * Rejected whole: invalid or truncated JSON (with the failing line), any other shape.
 */
export class HfApiParser implements DumpParser {
  readonly format = 'hf-api' as const;

  async *parse(source: AsyncIterable<Buffer | string>, file: string, options: ParseOptions): AsyncIterable<ParseEvent> {
    const text = await collectText(source, file);
    const scan = scanJson(text);
    if (scan.error) throw new DumpRejectedError(file, scan.error.line, `invalid JSON: ${scan.error.reason}`);
    const { items, date } = unwrap(JSON.parse(text), file);
    const fallbackDate = date ?? dateFromFileName(file) ?? options.date ?? null;
    for (let i = 0; i < items.length; i++) {
      yield readItem(items[i], scan.itemLines[i] ?? i + 1, fallbackDate);
    }
  }
}

const EXPECTED = 'expected a JSON array of Daily Papers items ({"paper": {"id", "title", …}, …})';

/** The items and the wrapper's date, or a rejection naming what was expected. */
function unwrap(doc: unknown, file: string): { items: unknown[]; date: string | null } {
  if (isRecord(doc) && Array.isArray(doc.data)) return checked(doc.data, file, isoDatePart(doc.date));
  if (Array.isArray(doc)) return checked(doc, file, null);
  const found = isRecord(doc) ? `an object with keys ${Object.keys(doc).slice(0, 8).join(', ') || '(none)'}` : describe(doc);
  throw new DumpRejectedError(file, 1, `${EXPECTED}, found ${found}`);
}

/** An array none of whose items could be a Daily Papers item is the wrong file, not bad items. */
function checked(items: unknown[], file: string, date: string | null): { items: unknown[]; date: string | null } {
  if (items.length > 0 && !items.some(looksLikeItem)) {
    throw new DumpRejectedError(file, 1, `${EXPECTED}; no item has "paper" or "title" (the first is ${describe(items[0])})`);
  }
  return { items, date };
}

function looksLikeItem(item: unknown): boolean {
  if (typeof item === 'string') return item.trimStart().startsWith('{');
  return isRecord(item) && (isRecord(item.paper) || typeof item.title === 'string');
}

/** What a JSON value is, with its article: `a number`, `an object without …`. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return isRecord(value) ? 'an object without "paper" or "title"' : `a ${typeof value}`;
}

function dateFromFileName(file: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})\.json$/i.exec(basename(file));
  return m ? isoDatePart(m[1]) : null;
}

function readItem(raw: unknown, line: number, fallbackDate: string | null): ParseEvent {
  const decoded = typeof raw === 'string' ? decodeStringItem(raw) : { item: raw };
  if ('reason' in decoded) return skip(line, decoded.reason);
  const { item } = decoded;
  if (!isRecord(item)) return skip(line, `item is ${describe(item)}, not an object`);
  const paper = isRecord(item.paper) ? item.paper : {};
  const rawTitle = stringOrNull(paper.title) ?? stringOrNull(item.title);
  if (rawTitle === null) {
    return skip(line, paper.id != null ? `paper ${String(paper.id)} has no title` : 'item has neither paper.id nor a title');
  }
  const tooLong = rawTitleTooLong(rawTitle);
  if (tooLong) return skip(line, tooLong);
  return paperEvent(line, {
    ...paperFields(paper, item),
    arxivId: normalizeArxivId(paper.id),
    title: cleanOptional(rawTitle) ?? '',
    trendingDate: isoDatePart(paper.submittedOnDailyAt) ?? fallbackDate,
  });
}

/** The item a string holds (a Python repr, or JSON text), or why it holds none. */
function decodeStringItem(raw: string): { item: unknown } | { reason: string } {
  const text = raw.trim();
  if (!text.startsWith('{')) return { reason: 'item is a string, not an object' };
  try {
    return { item: text.startsWith('{"') ? JSON.parse(text) : parsePythonLiteral(text) };
  } catch (e) {
    return { reason: `item is a string that is neither JSON nor a Python dict: ${(e as Error).message}` };
  }
}

function paperFields(paper: Record<string, unknown>, item: Record<string, unknown>) {
  return {
    abstract: cleanOptional(paper.summary) ?? cleanOptional(item.summary),
    authors: authorNames(paper.authors),
    publishedAt: parseTimestamp(paper.publishedAt),
    upvotes: numberOrNull(paper.upvotes),
    codeUrl: cleanOptional(paper.githubRepo),
    projectUrl: cleanOptional(paper.projectPage),
    aiSummary: cleanOptional(paper.ai_summary),
    aiKeywords: cleanStringArray(paper.ai_keywords),
  };
}

/** Every author's name, hidden ones included: "hidden" hides the HF account link, not authorship. */
function authorNames(authors: unknown): string[] {
  if (!Array.isArray(authors)) return [];
  return cleanStringArray(authors.map((a) => (isRecord(a) ? a.name : typeof a === 'string' ? a : null)));
}
