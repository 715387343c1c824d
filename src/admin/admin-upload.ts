import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import { InvalidInputError, PayloadTooLargeError } from '../common/errors.js';

class UploadTooLargeError extends PayloadTooLargeError {
  constructor(limit: number) {
    super(`the request body is larger than ${Math.round(limit / 1024 / 1024)} MB (ADMIN_UPLOAD_MAX_MB)`);
  }
}

/** A request body saved to disk; remove() once it has been read. */
export interface Upload {
  path: string;
  size: number;
  remove: () => Promise<void>;
}

/**
 * Streams the request body to VAR_DIR/uploads, never holding it in memory. Called by handlers,
 * so guards have already authenticated the sender: an anonymous body is never read (Node
 * discards it after the 401). Past `maxBytes` the upload stops and the client gets 413.
 */
export async function receiveBody(req: Request, varDir: string, maxBytes: number): Promise<Upload> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(req, maxBytes);
  const dir = join(varDir, 'uploads');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  const remove = () => rm(path, { force: true });
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > maxBytes ? tooLarge(req, maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(req, cap, createWriteStream(path));
  } catch (err) {
    await remove();
    throw err instanceof PayloadTooLargeError ? err : new InvalidInputError(`the upload was interrupted: ${(err as Error).message}`);
  }
  return { path, size, remove };
}

function tooLarge(req: Request, maxBytes: number): UploadTooLargeError {
  req.res?.setHeader('Connection', 'close'); // do not read the rest of an oversized body
  return new UploadTooLargeError(maxBytes);
}
