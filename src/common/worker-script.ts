import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether a worker thread's compiled script is there. Under jest the sources are TypeScript and it
 * is not: the work then runs in-thread, with the same code.
 */
export function workerScriptBuilt(script: URL): boolean {
  return existsSync(fileURLToPath(script));
}
