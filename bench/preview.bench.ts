// The admin preview of readers whose window holds 100,000 candidate papers (SQLite, the default), one
// row per kind of reader (topics only, keywords, a personal profile): as the app does it
// (BoundedSelection where it applies) against the whole window loaded, as before, in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../src/common/paths.js';
import { runChild, table } from './child.js';
import { cli } from './plan.seed.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const PAPERS = QUICK ? 20_000 : 100_000;
/** Readers of one topic: topics only (bounded), with keywords and with a followed author (both still load the whole window). */
const KINDS = ['topics', 'keywords', 'personal'];

export async function previewRows(): Promise<Record<string, string | number>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-preview-'));
  const db = join(dir, 'preview.sqlite');
  const env = { DATABASE_URL: `sqlite:${db}`, VAR_DIR: `${db}.var`, LOG_LEVEL: 'warn' };
  try {
    await cli(['ingest', fromRoot('test/fixtures/digest/2026-07-16.json'), fromRoot('test/fixtures/digest/2026-07-17.json')], env);
    await runChild('./preview.child.js', [db, 'seed', String(PAPERS)]);
    const rows: Record<string, string | number>[] = [];
    for (const kind of KINDS) {
      const full = await runChild('./preview.child.js', [db, 'full', kind]);
      const bounded = await runChild('./preview.child.js', [db, 'bounded', kind]);
      for (const key of ['ids', 'total', 'subject']) {
        if (full[key] !== bounded[key])
          throw new Error(`the ${kind} reader's previews differ in ${key}: ${full[key]} loading the window, ${bounded[key]} bounded`);
      }
      rows.push({
        path: `preview ${PAPERS / 1000}k candidates, ${kind} reader (SQLite)`,
        baseline: 'whole window loaded (before)',
        'baseline s': (Number(full.ms) / 1000).toFixed(3),
        s: (Number(bounded.ms) / 1000).toFixed(3),
        figure: `${Math.round(Number(bounded.ms))} ms (CPU ${Math.round(Number(bounded.cpuMs))} ms, before ${Math.round(Number(full.cpuMs))}); event loop held ≤ ${Math.round(Number(bounded.maxStallMs))} ms (before ${Math.round(Number(full.maxStallMs))})${kind === 'topics' ? '' : '; still the whole window'}`,
        'ratio (baseline/path)': (Number(full.ms) / Number(bounded.ms)).toFixed(2),
        aim: '< 200 ms',
        'peak RSS MB': bounded.peakRssMb,
      });
    }
    return rows;
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- preview`: the preview rows alone. */
export async function run(): Promise<void> {
  table(await previewRows());
}
