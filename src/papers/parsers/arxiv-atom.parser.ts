import { DumpRejectedError, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { arxivAbsUrl, arxivIdFromUrl } from './arxiv-id.util.js';
import { paperEvent, rawTitleTooLong, skip } from './paper.util.js';
import { collectText } from './source.util.js';
import { cleanOptional, cleanText, isoDatePart, isRecord, parseTimestamp } from './text.util.js';
import { attr, children, parseXml, textOf, type XmlDocument, type XmlNode } from './xml.util.js';

/**
 * arXiv API responses (`export.arxiv.org/api/query`): an Atom <feed> of <entry>. Reads the
 * old format (namespaces declared per element) and the new one (declared on <feed>) alike,
 * since namespace prefixes are dropped. An API error comes back as a single entry whose id
 * ends in /api/errors: the whole response is then rejected with the error's text.
 */
export class ArxivAtomParser implements DumpParser {
  readonly format = 'arxiv-atom' as const;

  async *parse(source: AsyncIterable<Buffer | string>, file: string, _options: ParseOptions): AsyncIterable<ParseEvent> {
    const doc = parseXml(await collectText(source, file), file);
    if (doc.rootName !== 'feed') {
      throw new DumpRejectedError(file, 1, `expected an Atom <feed>, found <${doc.rootName || 'nothing'}>`);
    }
    const entries = children(doc.root, 'entry');
    rejectApiError(entries, doc, file);
    for (let i = 0; i < entries.length; i++) yield readEntry(entries[i], doc.lineOf(entries[i], i + 1));
  }
}

function rejectApiError(entries: unknown[], doc: XmlDocument, file: string): void {
  for (const entry of entries) {
    if (!isRecord(entry) || !/\/api\/errors/.test(textOf(entry.id) ?? '')) continue;
    const message = cleanOptional(textOf(entry.summary)) ?? cleanOptional(textOf(entry.title)) ?? 'unknown error';
    throw new DumpRejectedError(file, doc.lineOf(entry, 1), `arXiv API error: ${message}`);
  }
}

function readEntry(entry: unknown, line: number): ParseEvent {
  if (!isRecord(entry)) return skip(line, 'empty <entry>');
  const idText = textOf(entry.id)?.trim() ?? '';
  const arxivId = arxivIdFromUrl(idText);
  if (!arxivId) return skip(line, idText ? `entry id ${idText} is not an arXiv abs URL` : 'entry has no <id>');
  const rawTitle = textOf(entry.title) ?? '';
  const tooLong = rawTitleTooLong(rawTitle);
  if (tooLong) return skip(line, tooLong);
  const published = textOf(entry.published);
  return paperEvent(line, {
    arxivId,
    title: cleanText(rawTitle),
    abstract: cleanOptional(textOf(entry.summary)),
    authors: authorNames(entry),
    publishedAt: parseTimestamp(published),
    trendingDate: isoDatePart(published),
    arxivUrl: arxivAbsUrl(arxivId),
    pdfUrl: pdfLink(entry),
    categories: categories(entry),
  });
}

function authorNames(entry: XmlNode): string[] {
  const names: string[] = [];
  for (const author of children(entry, 'author')) {
    const name = isRecord(author) ? cleanOptional(textOf(author.name)) : null;
    if (name) names.push(name);
  }
  return names;
}

function pdfLink(entry: XmlNode): string | null {
  const link = children(entry, 'link').find((l) => attr(l, 'title') === 'pdf' || attr(l, 'type') === 'application/pdf');
  return cleanOptional(attr(link, 'href'));
}

/** `cs.LG`, `hep-th`, `cond-mat.mes-hall`; not the MSC (`03B70, 68Q99`) or ACM (`F.4.1`) classes some entries add. */
const ARXIV_CATEGORY = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;

/** The primary category first, then the others in feed order, without repeats. */
function categories(entry: XmlNode): string[] {
  const terms = [attr(entry.primary_category, 'term'), ...children(entry, 'category').map((c) => attr(c, 'term'))];
  const out: string[] = [];
  for (const term of terms) {
    const clean = cleanOptional(term);
    if (clean && ARXIV_CATEGORY.test(clean) && !out.includes(clean)) out.push(clean);
  }
  return out;
}
