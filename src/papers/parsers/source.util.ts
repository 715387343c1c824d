import { DumpRejectedError, LIMITS } from '../paper.types.js';

const SNIFF_BYTES = 8192;

export function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/**
 * Why a file's first bytes look binary, or null for text. NUL never occurs in the text
 * formats we read; otherwise a tenth of control characters or undecodable UTF-8 is
 * far beyond any real dump (which has none) yet tolerant of a stray bad byte.
 */
export function binaryReason(head: Buffer | string): string | null {
  const sample = typeof head === 'string' ? head.slice(0, SNIFF_BYTES) : head.subarray(0, SNIFF_BYTES);
  const text = typeof sample === 'string' ? sample : decodeSample(sample);
  if (text.includes('\0')) return 'binary file: contains NUL bytes';
  let suspicious = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) suspicious++;
  }
  // A few characters say nothing either way; the formats' own parsers judge those.
  if (text.length >= 16 && suspicious / text.length > 0.1) {
    return `binary file: ${suspicious} of the first ${text.length} characters are control characters or invalid UTF-8`;
  }
  return null;
}

/** Decodes a head sample, dropping a multi-byte character the sample (or a chunk) cut in half. */
function decodeSample(sample: Buffer): string {
  return sample.toString('utf8').replace(/\uFFFD{1,3}$/, '');
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a whole-document source into a string, refusing past LIMITS.maxDocumentBytes,
 * binary content and empty files.
 */
export async function collectText(source: AsyncIterable<Buffer | string>, file: string, maxBytes: number = LIMITS.maxDocumentBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buf = toBuffer(chunk);
    size += buf.length;
    if (size > maxBytes) throw new DumpRejectedError(file, null, `file is larger than ${maxBytes} bytes, the limit for this format`);
    chunks.push(buf);
  }
  const bytes = Buffer.concat(chunks, size);
  const binary = binaryReason(bytes);
  if (binary) throw new DumpRejectedError(file, null, binary);
  const text = stripBom(bytes.toString('utf8'));
  if (text.trim() === '') throw new DumpRejectedError(file, null, 'empty file');
  return text;
}

/** Maps character offsets of a text to 1-based line numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
