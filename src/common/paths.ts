import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The package's root, found the same way from `src/` under jest and from `dist/src/` when built. */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package (templates, samples, default data), independent of the working directory. */
export function fromRoot(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
