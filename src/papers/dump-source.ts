import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DumpRejectedError } from './paper.types.js';

const HEAD_BYTES = 16 * 1024;

/** A dump being read: its first bytes for format detection, then every chunk, counting bytes for progress. */
export interface DumpSource {
  name: string;
  head: Buffer;
  totalBytes: number | null;
  bytesRead: () => number;
  chunks: AsyncIterable<Buffer>;
  /** The file read, when it is one: the ingest thread then reads it itself. */
  path?: string;
  /** Stops reading (a source handed over by its path is never read further here). */
  close: () => Promise<void>;
}

/** `name` is what reports call the file (an upload's temporary path means nothing to its sender). */
export async function openFileSource(path: string, name = path): Promise<DumpSource> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DumpRejectedError(name, null, err.code === 'ENOENT' ? 'file does not exist' : `cannot read file: ${err.message}`);
  });
  if (!info.isFile()) throw new DumpRejectedError(name, null, 'not a regular file');
  return { ...(await fromChunks(name, createReadStream(path, { highWaterMark: 1024 * 1024 }), info.size)), path };
}

export async function openBufferSource(name: string, body: Buffer): Promise<DumpSource> {
  return fromChunks(
    name,
    (async function* () {
      yield body;
    })(),
    body.length,
  );
}

async function fromChunks(name: string, input: AsyncIterable<Buffer>, totalBytes: number | null): Promise<DumpSource> {
  const iterator = input[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let size = 0;
  while (size < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    buffered.push(next.value);
    size += next.value.length;
  }
  let read = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const chunk of buffered) yield count(chunk);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield count(next.value);
  }
  const count = (chunk: Buffer) => ((read += chunk.length), chunk);
  const close = async () => void (await iterator.return?.());
  return { name, head: Buffer.concat(buffered).subarray(0, HEAD_BYTES), totalBytes, bytesRead: () => read, chunks: chunks(), close };
}
