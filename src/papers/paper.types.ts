import { InvalidInputError } from '../common/errors.js';

/** The formats `paperboy ingest --format` accepts; `auto` detects one of the others. */
export const DUMP_FORMATS = ['hf-api', 'hf-page', 'arxiv-atom', 'arxiv-rss', 'arxiv-jsonl'] as const;
export type DumpFormat = (typeof DUMP_FORMATS)[number];

/** One paper as a parser read it, before it meets the database. */
export interface ParsedPaper {
  /** Versionless arXiv id (`2608.16590`, `quant-ph/0210005`), or null when the dump has none. */
  arxivId: string | null;
  /** Whitespace normalized, LaTeX kept, entities decoded. */
  title: string;
  abstract: string | null;
  authors: string[];
  publishedAt: Date | null;
  /** The day the paper trended (HF) or was announced, `YYYY-MM-DD`. */
  trendingDate: string | null;
  upvotes: number | null;
  arxivUrl: string | null;
  pdfUrl: string | null;
  codeUrl: string | null;
  projectUrl: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  categories: string[];
}

/** What a parser yields, in file order. `line` is 1-based where the format has lines, else the record's index. */
export type ParseEvent = { kind: 'paper'; line: number; paper: ParsedPaper } | { kind: 'skip'; line: number; reason: string };

export interface ParseOptions {
  /** Supplies a missing year or day to formats that lack one (the HF page capture). */
  date?: string;
}

/** A file that cannot be read as its format at all. Nothing of it may be stored. */
export class DumpRejectedError extends InvalidInputError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line != null ? `:${line}` : ''}: ${reason}`);
    this.name = 'DumpRejectedError';
  }

  override get publicMessage(): string {
    return `rejected: ${this.message}`;
  }
}

/**
 * A parser turns a source into paper events. Sources are streams so the JSON Lines parser
 * can read a multi-gigabyte snapshot in bounded memory; whole-document formats collect
 * the text first (bounded by MAX_DOCUMENT_BYTES).
 */
export interface DumpParser {
  readonly format: DumpFormat;
  parse(source: AsyncIterable<Buffer | string>, file: string, options: ParseOptions): AsyncIterable<ParseEvent>;
}

/** Limits that turn hostile input into a clear skip or rejection instead of memory exhaustion. */
export const LIMITS = {
  maxDocumentBytes: 256 * 1024 * 1024,
  maxLineBytes: 4 * 1024 * 1024,
  maxTitleChars: 1000,
  maxAbstractChars: 20000,
  maxAuthors: 5000,
} as const;
