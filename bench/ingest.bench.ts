import { createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fromRoot } from '../src/common/paths.js';
import { runChild, table } from './child.js';

const CORPUS = fromRoot('../shared/data/hf-daily-papers');

/** A metadata-snapshot file of `lines` realistic records (about 1 KB each), ids unique. */
export async function writeSnapshot(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const abstract = 'We study scalable methods for training large language models with reinforcement learning from verifiable rewards. '.repeat(6);
  for (let i = 0; i < lines; i++) {
    const id = `${2000 + Math.floor(i / 90000)}.${String(i % 90000).padStart(5, '0')}`;
    const record = {
      id,
      submitter: 'A. Researcher',
      authors: "A. One, B. M\\'etris and C. Three",
      title: `A study of quantized diffusion transformers, part ${i}`,
      comments: '12 pages',
      'journal-ref': null,
      doi: null,
      'report-no': null,
      categories: 'cs.LG cs.CV',
      license: null,
      abstract,
      versions: [{ version: 'v1', created: 'Mon, 5 Jan 2026 10:00:00 GMT' }],
      update_date: '2026-01-05',
      authors_parsed: [
        ['One', 'A.', ''],
        ['Métris', 'B.', ''],
        ['Three', 'C.', ''],
      ],
    };
    if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const round = (n: number | string) => Math.round(Number(n)).toLocaleString('en-US');

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  try {
    const corpus = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(CORPUS, f));
    const rows: Record<string, string | number>[] = [];
    const parse = await runChild('./ingest.child.js', ['parse', '-', ...corpus]);
    for (const mode of ['ingest-untagged', 'ingest']) {
      const r = await runChild('./ingest.child.js', [mode, join(dir, `${mode}.sqlite`), ...corpus]);
      rows.push({
        input: `HF corpus, ${corpus.length} files`,
        step: mode,
        'papers/s': round(r.papersPerSecond),
        'vs parse only': (Number(r.papersPerSecond) / Number(parse.papersPerSecond)).toFixed(2),
        'peak RSS MB': r.peakRssMb,
      });
    }
    rows.unshift({
      input: `HF corpus, ${corpus.length} files`,
      step: 'parse only',
      'papers/s': round(parse.papersPerSecond),
      'vs parse only': '1.00',
      'peak RSS MB': parse.peakRssMb,
    });
    for (const lines of [100_000, 500_000]) {
      const file = join(dir, `snapshot-${lines}.jsonl`);
      await writeSnapshot(file, lines);
      const p = await runChild('./ingest.child.js', ['parse', '-', file]);
      const r = await runChild('./ingest.child.js', ['ingest', join(dir, `snap-${lines}.sqlite`), file]);
      rows.push({
        input: `JSONL ${lines.toLocaleString('en-US')} lines`,
        step: 'parse only',
        'papers/s': round(p.papersPerSecond),
        'vs parse only': '1.00',
        'peak RSS MB': p.peakRssMb,
      });
      rows.push({
        input: `JSONL ${lines.toLocaleString('en-US')} lines`,
        step: 'ingest',
        'papers/s': round(r.papersPerSecond),
        'vs parse only': (Number(r.papersPerSecond) / Number(p.papersPerSecond)).toFixed(2),
        'peak RSS MB': r.peakRssMb,
      });
      rmSync(file);
    }
    table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
