import { type DumpFormat, type DumpParser, type ParseEvent, type ParseOptions } from '../paper.types.js';
import { ArxivAtomParser } from './arxiv-atom.parser.js';
import { ArxivJsonlParser } from './arxiv-jsonl.parser.js';
import { ArxivRssParser } from './arxiv-rss.parser.js';
import { detectFormat } from './detect.js';
import { HfApiParser } from './hf-api.parser.js';
import { HfPageParser } from './hf-page.parser.js';
import { toBuffer } from './source.util.js';

export { detectFormat } from './detect.js';
export { ArxivAtomParser, ArxivJsonlParser, ArxivRssParser, HfApiParser, HfPageParser };

const PARSERS: Record<DumpFormat, DumpParser> = {
  'hf-api': new HfApiParser(),
  'hf-page': new HfPageParser(),
  'arxiv-atom': new ArxivAtomParser(),
  'arxiv-rss': new ArxivRssParser(),
  'arxiv-jsonl': new ArxivJsonlParser(),
};

/** The parser of a format. Parsers are stateless and may be shared. */
export function getParser(format: DumpFormat): DumpParser {
  const parser = PARSERS[format];
  if (!parser) throw new Error(`unknown dump format: ${String(format)}`);
  return parser;
}

const HEAD_BYTES = 16 * 1024;

/**
 * Detects the format of a source (unless given) and parses it: the first chunks are read
 * for detection, then replayed to the parser. Rejections of the detection step (empty,
 * binary, unsupported XML) are thrown here, before any event.
 */
export async function parserFor(
  source: AsyncIterable<Buffer | string>,
  file: string,
  options: ParseOptions & { format?: DumpFormat | 'auto' } = {},
): Promise<{ format: DumpFormat; events: AsyncIterable<ParseEvent> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (let next = await iterator.next(); ; next = await iterator.next()) {
    if (next.done) break;
    head.push(toBuffer(next.value));
    size += head[head.length - 1].length;
    if (size >= HEAD_BYTES) break;
  }
  const format = !options.format || options.format === 'auto' ? detectFormat(Buffer.concat(head).subarray(0, HEAD_BYTES), file) : options.format;
  const replay = (async function* () {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  return { format, events: getParser(format).parse(replay, file, { date: options.date }) };
}
