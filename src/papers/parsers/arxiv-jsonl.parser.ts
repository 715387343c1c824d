import { DumpRejectedError, LIMITS, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { normalizeArxivId } from './arxiv-id.util.js';
import { splitLines } from './line-splitter.js';
import { paperEvent, rawTitleTooLong, skip } from './paper.util.js';
import { binaryReason, stripBom } from './source.util.js';
import { decodeTexAccents } from './tex.util.js';
import { cleanOptional, cleanText, isoDatePart, isRecord, normalizeWhitespace, parseTimestamp, splitAuthorList } from './text.util.js';

/** Broken lines before the first good one after which the file is taken for something else. */
const MAX_LEADING_BROKEN = 10;

/**
 * The arXiv metadata snapshot (Kaggle `arxiv-metadata-oai-snapshot.json`): one JSON object a
 * line, millions of lines, streamed. A broken or over-long line is a skip; the file is only
 * rejected (binary, empty, or not JSON Lines at all) before any paper has been yielded.
 */
export class ArxivJsonlParser implements DumpParser {
  readonly format = 'arxiv-jsonl' as const;

  async *parse(source: AsyncIterable<Buffer | string>, file: string, _options: ParseOptions): AsyncIterable<ParseEvent> {
    let papers = 0;
    let broken = 0;
    let content = false;
    for await (const line of splitLines(rejectingBinary(source, file))) {
      if ('tooLong' in line) {
        content = true;
        yield skip(line.line, `line is longer than ${LIMITS.maxLineBytes / 1024 / 1024} MiB`);
        continue;
      }
      if (line.text.trim() === '') continue;
      content = true;
      const event = readLine(line.line === 1 ? stripBom(line.text) : line.text, line.line);
      if (event.kind === 'paper') papers++;
      else if (papers === 0 && event.reason.startsWith('invalid JSON') && ++broken >= MAX_LEADING_BROKEN) {
        throw new DumpRejectedError(file, 1, `not JSON Lines: the first ${broken} lines are not JSON`);
      }
      yield event;
    }
    if (!content) throw new DumpRejectedError(file, null, 'empty file');
  }
}

/** Passes the source through, refusing it when its first chunk looks binary. */
async function* rejectingBinary(source: AsyncIterable<Buffer | string>, file: string): AsyncIterable<Buffer | string> {
  let first = true;
  for await (const chunk of source) {
    const reason = first ? binaryReason(chunk) : null;
    if (reason) throw new DumpRejectedError(file, null, reason);
    first = false;
    yield chunk;
  }
}

function readLine(text: string, line: number): ParseEvent {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    return skip(line, `invalid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(record)) return skip(line, 'line is not a JSON object');
  return readRecord(record, line);
}

function readRecord(r: Record<string, unknown>, line: number): ParseEvent {
  const arxivId = normalizeArxivId(r.id);
  if (!arxivId) return skip(line, r.id == null ? 'record has no id' : `id ${JSON.stringify(r.id)} is not an arXiv id`);
  if (typeof r.title !== 'string') return skip(line, `paper ${arxivId} has no title`);
  const tooLong = rawTitleTooLong(r.title);
  if (tooLong) return skip(line, tooLong);
  const created = firstVersionDate(r.versions);
  return paperEvent(line, {
    arxivId,
    title: cleanText(r.title),
    abstract: cleanOptional(r.abstract),
    authors: authors(r),
    publishedAt: created,
    trendingDate: created ? created.toISOString().slice(0, 10) : isoDatePart(r.update_date),
    categories: typeof r.categories === 'string' ? r.categories.split(/\s+/).filter((c) => c !== '') : [],
  });
}

/** `versions[0].created`, e.g. `Mon, 2 Apr 2007 19:18:42 GMT`. */
function firstVersionDate(versions: unknown): Date | null {
  if (!Array.isArray(versions) || !isRecord(versions[0])) return null;
  return parseTimestamp(versions[0].created);
}

/** `authors_parsed` (`[last, first, suffix]`) when present, it is already split; else the raw string. */
function authors(r: Record<string, unknown>): string[] {
  const parsed = Array.isArray(r.authors_parsed) ? r.authors_parsed.map(parsedName).filter((n) => n !== '') : [];
  if (parsed.length > 0) return parsed;
  return typeof r.authors === 'string' ? splitAuthorList(decodeTexAccents(r.authors)) : [];
}

function parsedName(entry: unknown): string {
  if (!Array.isArray(entry)) return '';
  const [last, first, suffix] = entry.map((p) => (typeof p === 'string' ? p : ''));
  return normalizeWhitespace(decodeTexAccents(`${first ?? ''} ${last ?? ''} ${suffix ?? ''}`));
}
