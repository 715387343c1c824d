import { createReadStream, readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import { fromRoot } from '../../../src/common/paths.js';
import { DumpRejectedError, type DumpParser, type ParsedPaper, type ParseOptions } from '../../../src/papers/paper.types.js';

export const fixture = (...parts: string[]): string => fromRoot('test', 'fixtures', ...parts);

export interface Parsed {
  papers: Array<ParsedPaper & { line: number }>;
  skips: Array<{ line: number; reason: string }>;
}

/** Runs a parser to the end and sorts its events. */
export async function parseAll(parser: DumpParser, source: AsyncIterable<Buffer | string>, file = 'test-dump', options: ParseOptions = {}): Promise<Parsed> {
  const out: Parsed = { papers: [], skips: [] };
  for await (const event of parser.parse(source, file, options)) {
    if (event.kind === 'paper') out.papers.push({ ...event.paper, line: event.line });
    else out.skips.push({ line: event.line, reason: event.reason });
  }
  return out;
}

/** A file as the ingest layer streams it, in small chunks so chunk boundaries get exercised. */
export function fileSource(path: string, chunkSize = 4096): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: chunkSize });
}

export async function* textSource(...chunks: Array<string | Buffer>): AsyncIterable<Buffer | string> {
  for (const chunk of chunks) yield chunk;
}

export const readFixture = (...parts: string[]): string => readFileSync(fixture(...parts), 'utf8');

/** The DumpRejectedError a parse ends with; fails the test when it ends otherwise. */
export async function rejectionOf(run: Promise<unknown>): Promise<DumpRejectedError> {
  try {
    await run;
  } catch (e) {
    expect(e).toBeInstanceOf(DumpRejectedError);
    return e as DumpRejectedError;
  }
  throw new Error('expected a DumpRejectedError, but parsing succeeded');
}

export function byId(papers: Parsed['papers'], id: string): ParsedPaper & { line: number } {
  const paper = papers.find((p) => p.arxivId === id);
  if (!paper) throw new Error(`no paper ${id} among ${papers.map((p) => p.arxivId).join(', ')}`);
  return paper;
}
