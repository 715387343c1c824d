// `npm run bench -- cli`: only the CLI rows of the paths table (`--help`, `--version`, commands' own
// boot against `node -e 0` in the same run), for a quick look at the start-up alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './child.js';
import { cliRows } from './paths.bench.js';

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-cli-'));
  try {
    table(await cliRows(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
