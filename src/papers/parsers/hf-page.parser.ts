import { DumpRejectedError, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { findArxivId } from './arxiv-id.util.js';
import { classifyLine, linkReferences, type PageDate, type PageLine } from './hf-page.lines.js';
import { paperEvent, rawTitleTooLong, skip } from './paper.util.js';
import { collectText } from './source.util.js';
import { cleanText, formatIsoDate, isCalendarDate, isoDatePart } from './text.util.js';

type Meta = Extract<PageLine, { kind: 'meta' }>;
type Title = Extract<PageLine, { kind: 'title' }>;
type Para = { kind: 'para'; line: number; text: string; lines: string[] };
type Element = Extract<PageLine, { kind: 'date' }> | Title | Meta | Para;

interface Draft {
  line: number;
  title: string;
  arxivId: string | null;
  abstract: string[];
  date: string | null;
  votes?: number;
  authors?: string[];
  codeUrl?: string;
}

/**
 * A text capture of the Hugging Face papers page. Captures differ by tool, so the parser
 * reads lines as dates, titles, card details (votes, authors, links) and text, then pairs
 * titles with abstracts:
 * - where titles are marked (markdown headings, or lines that are a link), each title owns
 *   the text and details up to the next title;
 * - in plain captures (the page's own text: title line, blank, abstract line), a paragraph
 *   long enough to be an abstract closes a paper whose title is the first short paragraph
 *   since the previous abstract; other short lines in between (organisations) are ignored;
 * - a plain capture with no abstract at all is read as a list of titles.
 */
export class HfPageParser implements DumpParser {
  readonly format = 'hf-page' as const;

  async *parse(source: AsyncIterable<Buffer | string>, file: string, options: ParseOptions): AsyncIterable<ParseEvent> {
    const lines = (await collectText(source, file)).split(/\r\n?|\n/);
    const refs = linkReferences(lines);
    const elements = paragraphs(lines.map((text, i) => classifyLine(text, i + 1, refs)));
    const events = assemble(elements, dateResolver(options.date));
    if (!events.some((e) => e.kind === 'paper')) {
      const first = events[0];
      if (events.length > 0 && events.every((e) => e.kind === 'skip' && e.reason.endsWith(NOT_A_PAPER))) {
        throw new DumpRejectedError(file, first.line, `not a Hugging Face papers page capture: ${NO_STRUCTURE}`);
      }
      throw new DumpRejectedError(
        file,
        first?.line ?? null,
        `no paper found in the page capture${first?.kind === 'skip' ? ` (first skipped: ${first.reason})` : ''}`,
      );
    }
    yield* events;
  }
}

/** Joins consecutive text lines (hard-wrapped abstracts, bullet lists) into paragraphs. */
function paragraphs(lines: PageLine[]): Element[] {
  const out: Element[] = [];
  let para: Para | null = null;
  for (const line of lines) {
    if (line.kind === 'text') {
      if (para) {
        para.text += ` ${line.text}`;
        para.lines.push(line.text);
      } else out.push((para = { kind: 'para', line: line.line, text: line.text, lines: [line.text] }));
      continue;
    }
    para = null;
    if (line.kind !== 'blank' && line.kind !== 'chrome') out.push(line);
  }
  return out;
}

function assemble(elements: Element[], resolveDate: (d: PageDate | null) => string | null): ParseEvent[] {
  if (elements.some((e) => e.kind === 'title')) return assembleMarked(elements, resolveDate);
  if (elements.some((e) => e.kind === 'para' && isAbstractLike(e.text))) return assemblePlain(elements, resolveDate);
  const titles = elements.map((e): Element =>
    e.kind === 'para' ? { kind: 'title', line: e.line, text: wrappedFirstLine(e.lines), arxivId: findArxivId(e.text) } : e,
  );
  return assembleMarked(titles, resolveDate);
}

/** Long, or several sentences: an abstract rather than a title. */
function isAbstractLike(text: string): boolean {
  return text.length >= 200 || (text.length >= 80 && (text.match(/[.!?](?=\s|$)/g)?.length ?? 0) >= 2);
}

function assembleMarked(elements: Element[], resolveDate: (d: PageDate | null) => string | null): ParseEvent[] {
  const events: ParseEvent[] = [];
  let draft: Draft | null = null;
  let date = resolveDate(null);
  for (const el of elements) {
    if (el.kind === 'date') date = resolveDate(el.date);
    else if (el.kind === 'title') {
      if (draft) events.push(finish(draft));
      draft = { line: el.line, title: el.text, arxivId: el.arxivId, abstract: [], date };
    } else if (el.kind === 'meta') {
      if (draft) applyMeta(draft, el);
    } else if (draft) draft.abstract.push(el.text);
    else events.push(skip(el.line, 'text before the first paper title'));
  }
  if (draft) events.push(finish(draft));
  return events;
}

function assemblePlain(elements: Element[], resolveDate: (d: PageDate | null) => string | null): ParseEvent[] {
  const events: ParseEvent[] = [];
  let shorts: Para[] = [];
  let metas: Meta[] = [];
  let date = resolveDate(null);
  const dropShorts = () => {
    for (const s of shorts) events.push(skip(s.line, `no abstract follows "${s.text.slice(0, 80)}"`));
    shorts = [];
    metas = [];
  };
  for (const el of elements) {
    if (el.kind === 'date') {
      dropShorts();
      date = resolveDate(el.date);
    } else if (el.kind === 'meta') metas.push(el);
    else if (el.kind === 'para' && !isAbstractLike(el.text)) shorts.push(el);
    else if (el.kind === 'para') {
      events.push(shorts.length > 0 ? finish(plainDraft(shorts[0], el.text, metas, date)) : skip(el.line, 'abstract-like paragraph without a title'));
      shorts = [];
      metas = [];
    }
  }
  dropShorts();
  return events;
}

function plainDraft(title: Para, abstract: string, metas: Meta[], date: string | null): Draft {
  const draft: Draft = { line: title.line, title: wrappedFirstLine(title.lines), arxivId: null, abstract: [abstract], date };
  for (const meta of metas) applyMeta(draft, meta);
  return draft;
}

/** Below this a line was not hard-wrapped: what follows it is another detail (`Google DeepMind`). */
const WRAP_WIDTH = 50;

/** The title at the top of a short paragraph: its first line and the lines it was wrapped onto. */
function wrappedFirstLine(lines: string[]): string {
  let end = 1;
  while (end < lines.length && lines[end - 1].length >= WRAP_WIDTH) end++;
  return lines.slice(0, end).join(' ');
}

/** The first value of each detail wins: a card shows each once, later ones belong to quoted text. */
function applyMeta(draft: Draft, meta: Meta): void {
  draft.arxivId ??= meta.arxivId ?? null;
  if (draft.votes === undefined && meta.votes !== undefined) draft.votes = meta.votes;
  if (draft.authors === undefined && meta.authors !== undefined) draft.authors = meta.authors;
  if (draft.codeUrl === undefined && meta.codeUrl !== undefined) draft.codeUrl = meta.codeUrl;
}

const NOT_A_PAPER = 'not read as a paper';
const NO_STRUCTURE = 'no line reads as a paper (a title with an abstract, a paper link or arXiv id, votes, authors or a code link)';

/**
 * A capture is only a capture when its papers look like the page's: a title with an abstract, an
 * arXiv id or paper link, votes, authors or a code link. A line of anything else (`x`, a line of
 * /etc/passwd, a CSV row, a heading of some other page) is not a paper, whatever its place.
 */
function hasPaperStructure(draft: Draft, abstract: string): boolean {
  return draft.arxivId !== null || draft.votes !== undefined || (draft.authors?.length ?? 0) > 0 || draft.codeUrl !== undefined || isAbstractLike(abstract);
}

function finish(draft: Draft): ParseEvent {
  const tooLong = rawTitleTooLong(draft.title);
  if (tooLong) return skip(draft.line, tooLong);
  const abstract = cleanText(draft.abstract.join(' '));
  if (!hasPaperStructure(draft, abstract))
    return skip(draft.line, `"${cleanText(draft.title).slice(0, 80)}" has no abstract, paper link, votes or authors: ${NOT_A_PAPER}`);
  return paperEvent(draft.line, {
    arxivId: draft.arxivId,
    title: cleanText(draft.title),
    abstract: abstract === '' ? null : abstract,
    authors: draft.authors ?? [],
    trendingDate: draft.date,
    upvotes: draft.votes ?? null,
    codeUrl: draft.codeUrl ?? null,
  });
}

/**
 * Turns page dates into `YYYY-MM-DD`. A missing date is options.date. A date without a year
 * (`Mar 11`, as the page shows it) takes the year that puts it nearest options.date when
 * that is given (so `Dec 31` read with --date 2025-01-02 is 2024-12-31); without it, the
 * most recent such day not after today, because a capture cannot show a future day.
 */
function dateResolver(optionDate: string | undefined): (d: PageDate | null) => string | null {
  const given = isoDatePart(optionDate);
  const reference = given ?? new Date().toISOString().slice(0, 10);
  return (d) => {
    if (d === null) return given;
    if (d.year !== null) return isCalendarDate(d.year, d.month, d.day) ? formatIsoDate(d.year, d.month, d.day) : null;
    return nearestYear(d, reference, given !== null);
  };
}

function nearestYear(d: PageDate, reference: string, allowAfter: boolean): string | null {
  const refYear = +reference.slice(0, 4);
  const refTime = Date.parse(reference);
  let best: string | null = null;
  // Eight years back covers 29 February across a skipped leap year (1900-like centuries aside).
  for (let year = refYear - 8; year <= refYear + 1; year++) {
    if (!isCalendarDate(year, d.month, d.day)) continue;
    const iso = formatIsoDate(year, d.month, d.day);
    if (!allowAfter && iso > reference) continue;
    if (best === null || Math.abs(Date.parse(iso) - refTime) < Math.abs(Date.parse(best) - refTime)) best = iso;
  }
  return best;
}
