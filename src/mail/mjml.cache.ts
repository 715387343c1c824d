import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../common/paths.js';

/**
 * MJML's output for each template, kept on disk between starts so that a start (every CLI command,
 * the server, each worker) neither imports MJML nor runs it unless a template changed.
 * The key hashes every file of the template folder and its partials plus MJML's version: any edit
 * to any of them, or an MJML upgrade, misses the cache and compiles (and validates) again.
 * A folder we cannot write (read-only install) only means compiling at every start, as before.
 */
export class MjmlCache {
  private readonly key: string;

  constructor(
    dir: string,
    private readonly cacheDir: string = fromRoot('node_modules', '.cache', 'paperboy-mjml'),
  ) {
    this.key = folderHash(dir);
  }

  get(name: string): string | undefined {
    const file = this.file(name);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  put(name: string, html: string): void {
    try {
      mkdirSync(this.cacheDir, { recursive: true });
      // Written aside then renamed: a process starting meanwhile never reads half a template.
      const tmp = `${this.file(name)}.${process.pid}.tmp`;
      writeFileSync(tmp, html);
      renameSync(tmp, this.file(name));
    } catch {
      // Not writable: the next start compiles again.
    }
  }

  private file(name: string): string {
    return join(this.cacheDir, `${name}.${this.key}.html`);
  }
}

function folderHash(dir: string): string {
  const hash = createHash('sha256').update(mjmlVersion());
  for (const folder of [dir, join(dir, 'partials')]) {
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort()) {
      hash.update(`\0${folder}/${f}\0`).update(readFileSync(join(folder, f)));
    }
  }
  return hash.digest('hex').slice(0, 24);
}

function mjmlVersion(): string {
  try {
    return (JSON.parse(readFileSync(fromRoot('node_modules', 'mjml', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
