import { httpUrl } from '../../common/http-url.js';
import { LIMITS, type ParseEvent, type ParsedPaper } from '../paper.types.js';
import { arxivAbsUrl, arxivPdfUrl } from './arxiv-id.util.js';
import { normalizeWhitespace } from './text.util.js';

/** What a parser found; everything but the title may be missing. */
export type PaperFields = Partial<ParsedPaper> & { title: string };

/** A complete ParsedPaper: unknown fields null/[], arXiv links derived from the id when absent, links other than http(s) dropped. */
export function makePaper(fields: PaperFields): ParsedPaper {
  const arxivId = fields.arxivId ?? null;
  return {
    arxivId,
    title: fields.title,
    abstract: fields.abstract ?? null,
    authors: fields.authors ?? [],
    publishedAt: fields.publishedAt ?? null,
    trendingDate: fields.trendingDate ?? null,
    upvotes: fields.upvotes ?? null,
    arxivUrl: httpUrl(fields.arxivUrl) ?? (arxivId ? arxivAbsUrl(arxivId) : null),
    pdfUrl: httpUrl(fields.pdfUrl) ?? (arxivId ? arxivPdfUrl(arxivId) : null),
    codeUrl: httpUrl(fields.codeUrl),
    projectUrl: httpUrl(fields.projectUrl),
    aiSummary: fields.aiSummary ?? null,
    aiKeywords: fields.aiKeywords ?? [],
    categories: fields.categories ?? [],
  };
}

/**
 * A raw title too long to be one is refused before it is normalized or decoded, so a hostile
 * 50 MB "title" costs one length check. The bound is generous: whitespace a wrapped title
 * loses in normalization cannot shrink it below the limit by more than this factor.
 */
export function rawTitleTooLong(raw: string): string | null {
  return raw.length > LIMITS.maxTitleChars * 4 ? titleReason(raw.length) : null;
}

function titleReason(length: number): string {
  return `title is ${length} characters long (limit ${LIMITS.maxTitleChars})`;
}

/** Why a paper breaks LIMITS (title or abstract too long), or null when it is within them. */
export function limitViolation(paper: ParsedPaper): string | null {
  if (paper.title.length > LIMITS.maxTitleChars) return titleReason(paper.title.length);
  const abstract = paper.abstract?.length ?? 0;
  if (abstract > LIMITS.maxAbstractChars) {
    return `abstract is ${abstract} characters long (limit ${LIMITS.maxAbstractChars})`;
  }
  return null;
}

/**
 * The event for a finished record: a skip when it has no title or breaks a limit, else the paper.
 * Author lists past LIMITS.maxAuthors are cut rather than refused: real collaborations
 * (ATLAS+CMS, 5,154 authors) exceed it, and digests shorten author lists anyway.
 */
export function paperEvent(line: number, fields: PaperFields): ParseEvent {
  const paper = makePaper({ ...fields, title: normalizeWhitespace(fields.title) });
  if (paper.title === '') return { kind: 'skip', line, reason: 'record has no title' };
  const violation = limitViolation(paper);
  if (violation) return { kind: 'skip', line, reason: violation };
  if (paper.authors.length > LIMITS.maxAuthors) paper.authors = paper.authors.slice(0, LIMITS.maxAuthors);
  return { kind: 'paper', line, paper };
}

export function skip(line: number, reason: string): ParseEvent {
  return { kind: 'skip', line, reason };
}
