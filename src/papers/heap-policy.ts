import { setFlagsFromString } from 'node:v8';

/**
 * For the long-lived server. A large ingest or import allocates (and drops) a few times the file's
 * size in short-lived strings; with V8's default heap growth the server's RSS grew by ~300 MB
 * on a 150 MB dump, mostly garbage waiting for a full collection, plus the tagger thread's heap.
 * `--optimize-for-size` makes V8 collect before growing the heap (the worker threads share the
 * flag): the same ingest grows RSS by a fraction of that, at the cost of more frequent, short,
 * mostly incremental collections. Set before the app starts, so every heap follows it.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
