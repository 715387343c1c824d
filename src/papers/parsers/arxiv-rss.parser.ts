import { DumpRejectedError, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { arxivAbsUrl, arxivIdFromUrl, normalizeArxivId } from './arxiv-id.util.js';
import { paperEvent, rawTitleTooLong, skip } from './paper.util.js';
import { collectText } from './source.util.js';
import { cleanOptional, cleanText, decodeEntities, isRecord, parseTimestamp, rfc2822DatePart, splitAuthorList } from './text.util.js';
import { children, parseXml, textOf, type XmlNode } from './xml.util.js';

/**
 * arXiv RSS 2.0 (`rss.arxiv.org/rss/<category>`). Each item is one announcement:
 * `new`, `cross` (cross-list), `replace` or `replace-cross` (a new version of an older paper).
 * Weekend feeds have no items, which is a valid, empty dump.
 */
export class ArxivRssParser implements DumpParser {
  readonly format = 'arxiv-rss' as const;

  async *parse(source: AsyncIterable<Buffer | string>, file: string, options: ParseOptions): AsyncIterable<ParseEvent> {
    const doc = parseXml(await collectText(source, file), file);
    if (doc.rootName !== 'rss') throw new DumpRejectedError(file, 1, `expected an RSS <rss>, found <${doc.rootName || 'nothing'}>`);
    const channel = doc.root.channel;
    if (!isRecord(channel)) throw new DumpRejectedError(file, 1, 'RSS document without a <channel>');
    const feedDate = rfc2822DatePart(textOf(channel.pubDate)) ?? rfc2822DatePart(textOf(channel.lastBuildDate)) ?? options.date ?? null;
    const items = children(channel, 'item');
    for (let i = 0; i < items.length; i++) yield readItem(items[i], doc.lineOf(items[i], i + 1), feedDate);
  }
}

interface Description {
  id: string | null;
  announceType: string | null;
  abstract: string | null;
}

/** `arXiv:2405.08811v1 Announce Type: new \nAbstract: …`; a description without the header is all abstract. */
function readDescription(raw: string | null): Description {
  const text = decodeEntities(raw ?? '');
  const header = /^\s*arXiv:(\S+)\s+Announce Type:\s*([\w-]+)/i.exec(text);
  const at = text.search(/Abstract:/i);
  const abstract = at >= 0 ? text.slice(at + 'Abstract:'.length) : header ? text.slice(header[0].length) : text;
  return { id: normalizeArxivId(header?.[1]), announceType: header?.[2].toLowerCase() ?? null, abstract: cleanOptional(abstract) };
}

function itemId(item: XmlNode, description: Description): string | null {
  const guid = /^oai:arXiv\.org:(.+)$/i.exec(textOf(item.guid)?.trim() ?? '')?.[1];
  return arxivIdFromUrl(textOf(item.link)) ?? normalizeArxivId(guid) ?? description.id;
}

function readItem(item: unknown, line: number, feedDate: string | null): ParseEvent {
  if (!isRecord(item)) return skip(line, 'empty <item>');
  const description = readDescription(textOf(item.description));
  const arxivId = itemId(item, description);
  if (!arxivId) return skip(line, 'item has no arXiv id in <link>, <guid> or <description>');
  const rawTitle = textOf(item.title) ?? '';
  const tooLong = rawTitleTooLong(rawTitle);
  if (tooLong) return skip(line, tooLong);
  const announceType = cleanOptional(textOf(item.announce_type))?.toLowerCase() ?? description.announceType;
  const pubDate = textOf(item.pubDate);
  return paperEvent(line, {
    arxivId,
    title: cleanText(rawTitle),
    abstract: description.abstract,
    authors: children(item, 'creator').flatMap((c) => splitAuthorList(decodeEntities(textOf(c) ?? ''))),
    // A replacement is announced long after the paper first appeared, on a date the feed does not give.
    publishedAt: announceType?.startsWith('replace') ? null : parseTimestamp(pubDate),
    trendingDate: rfc2822DatePart(pubDate) ?? feedDate,
    arxivUrl: arxivAbsUrl(arxivId),
    categories: [
      ...new Set(
        children(item, 'category')
          .map((c) => cleanOptional(textOf(c)))
          .filter((c) => c !== null),
      ),
    ],
  });
}
