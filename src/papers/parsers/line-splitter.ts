import { LIMITS } from '../paper.types.js';
import { toBuffer } from './source.util.js';

/** One line of a stream, or the notice that a line was too long to keep. */
export type Line = { line: number; text: string } | { line: number; tooLong: true };

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line.
 * Splitting happens on bytes (0x0A never occurs inside a multi-byte UTF-8 character), and a
 * line is decoded only once whole, so characters cut between chunks come out intact.
 * The rest of an over-long line is dropped as it arrives instead of being accumulated.
 */
export async function* splitLines(source: AsyncIterable<Buffer | string>, maxLineBytes: number = LIMITS.maxLineBytes): AsyncIterable<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let discarding = false;
  let line = 1;
  for await (const chunk of source) {
    const buf = toBuffer(chunk);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      if (discarding || size + nl - start > maxLineBytes) yield { line, tooLong: true };
      else yield { line, text: decodeLine(parts, buf.subarray(start, nl), size) };
      parts = [];
      size = 0;
      discarding = false;
      start = nl + 1;
      line++;
    }
    if (discarding || start === buf.length) continue;
    const rest = buf.subarray(start);
    if (size + rest.length > maxLineBytes) {
      discarding = true;
      parts = [];
    } else parts.push(Buffer.from(rest)); // a copy: the source may reuse its chunk buffers
    size += rest.length;
  }
  if (discarding) yield { line, tooLong: true };
  else if (size > 0) yield { line, text: decodeLine(parts, Buffer.alloc(0), size) };
}

function decodeLine(parts: Buffer[], last: Buffer, size: number): string {
  const bytes = parts.length === 0 ? last : Buffer.concat([...parts, last], size + last.length);
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}
