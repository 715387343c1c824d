import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** One arXiv snapshot line (the Kaggle metadata format) with a unique id per `i`. */
export function arxivLine(i: number, pad = ''): string {
  const id = `${1501 + Math.floor(i / 99_999)}.${String((i % 99_999) + 1).padStart(5, '0')}`;
  return JSON.stringify({
    id,
    submitter: 'Ada Lovelace',
    authors: 'Ada Lovelace, Alan Turing',
    title: `Soak paper ${i} on retrieval for language models`,
    categories: 'cs.CL cs.LG',
    abstract: `We study item ${i} of a generated snapshot.${pad}`,
    versions: [{ version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' }],
    update_date: '2008-11-13',
    authors_parsed: [
      ['Lovelace', 'Ada', ''],
      ['Turing', 'Alan', ''],
    ],
  });
}

/** A record every parser skips (valid JSON, no arXiv id): a file of only these is rejected whole. */
export function brokenLine(i: number): string {
  return JSON.stringify({ id: `not-an-id-${i}`, title: `Broken ${i}` });
}

/** Writes `count` lines made by `line` to `path`, streamed (a file of hundreds of MB never sits in memory). */
export async function writeLines(path: string, count: number, line: (i: number) => string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const text = line(i) + '\n';
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
