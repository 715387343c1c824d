// The table of issue 16, in one run: each path of the product against its baseline measured in the
// same run (these machines are shared and noisy: only ratios mean something), with peak RSS.
// `--quick` (or BENCH_QUICK=1) shrinks every input for a smoke run of a few minutes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromRoot } from '../src/common/paths.js';
import { runChild, table } from './child.js';
import { received, startSink } from './digest.bench.js';
import { writeSnapshot } from './ingest.bench.js';
import { planRows } from './plan.bench.js';
import { previewRows } from './preview.bench.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const SIZE = QUICK ? { lines: 20_000, rssLines: 100_000, files: 60, readers: 1_000 } : { lines: 200_000, rssLines: 1_000_000, files: 580, readers: 10_000 };
const PRELOAD = fileURLToPath(new URL('./rss.preload.js', import.meta.url));

interface Timed {
  seconds: number;
  peakRssMb: number;
}

/** Runs a process to its end; its wall time and peak RSS (through the preload). */
async function timed(args: string[], env: Record<string, string> = {}): Promise<Timed> {
  const rssFile = join(tmpdir(), `paperboy-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(rssFile, '');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', BENCH_RSS_FILE: rssFile, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = (performance.now() - started) / 1000;
  const peaks = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  rmSync(rssFile, { force: true });
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr}`);
  return { seconds, peakRssMb: Math.max(0, ...peaks) };
}

const cli = (args: string[], env: Record<string, string>) => timed([fromRoot('bin/paperboy.js'), ...args], env);
const perSecond = (n: number, t: Timed) => Math.round(n / t.seconds).toLocaleString('en-US');

type Row = Record<string, string | number>;

function row(path: string, baseline: string, base: Timed, now: Timed, aim: string, ratio = base.seconds / now.seconds, figure = ''): Row {
  return {
    path,
    baseline,
    'baseline s': base.seconds.toFixed(2),
    s: now.seconds.toFixed(2),
    figure,
    'ratio (baseline/path)': ratio.toFixed(2),
    aim,
    'peak RSS MB': now.peakRssMb,
  };
}

/** The CLI's start: what `--help`, `--version` and a command's own boot cost over a bare `node`. */
const CLI_PATHS: { path: string; args: string[]; aim: string }[] = [
  { path: 'paperboy --help', args: ['--help'], aim: '< 0.3 s' },
  { path: 'paperboy --version', args: ['--version'], aim: '< 0.3 s' },
  { path: 'paperboy runs (own boot)', args: ['runs', '--limit', '1'], aim: '< 0.8 s' },
  { path: 'paperboy subscribers list (own boot)', args: ['subscribers', 'list'], aim: '< 0.8 s' },
  { path: 'paperboy topics test (own boot)', args: ['topics', 'test', 'diffusion', '--limit', '1'], aim: '< 0.8 s' },
  { path: 'paperboy preview, empty database (own boot)', args: ['preview', '--email', 'reader@example.org', '--json'], aim: '< 0.8 s' },
];

/** The median run of each, interleaved with `node -e 0` so that both see the same machine. */
export async function cliRows(dir: string): Promise<Row[]> {
  const env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, VAR_DIR: join(dir, 'var-cli') };
  // The database exists, with a reader and no papers: the rows below are boots, not migrating.
  await cli(['subscribers', 'add', 'reader@example.org', '--topics', 'llm', '--confirmed'], env);
  const runs: Timed[][] = CLI_PATHS.map(() => []);
  const bare: Timed[] = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) {
    bare.push(await timed(['-e', '0']));
    for (const [j, p] of CLI_PATHS.entries()) runs[j].push(await cli(p.args, env));
  }
  const base = median(bare);
  return CLI_PATHS.map((p, j) => {
    const t = median(runs[j]);
    return row(p.path, 'node -e 0', base, t, p.aim, undefined, `${t.seconds.toFixed(2)} s (node + ${(t.seconds - base.seconds).toFixed(2)} s)`);
  });
}

function median(all: Timed[]): Timed {
  const seconds = all.map((t) => t.seconds).sort((a, b) => a - b);
  return { seconds: seconds[Math.floor(seconds.length / 2)], peakRssMb: Math.max(...all.map((t) => t.peakRssMb)) };
}

/** `paperboy ingest` of a fresh snapshot of `lines` lines into a fresh database, and its baseline. */
async function snapshotIngest(dir: string, lines: number): Promise<{ parse: Timed; ingest: Timed }> {
  const file = join(dir, `snapshot-${lines}.jsonl`);
  await writeSnapshot(file, lines);
  try {
    const parse = await timed([fileURLToPath(new URL('./json-parse.child.js', import.meta.url)), file]);
    const env = { DATABASE_URL: `sqlite:${join(dir, `snap-${lines}.sqlite`)}`, VAR_DIR: join(dir, `var-snap-${lines}`) };
    return { parse, ingest: await cli(['ingest', file], env) };
  } finally {
    rmSync(file, { force: true });
  }
}

async function ingestRows(dir: string): Promise<Row[]> {
  const { parse, ingest } = await snapshotIngest(dir, SIZE.lines);
  const corpusDir = fromRoot('../shared/data/hf-daily-papers');
  const corpus = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, SIZE.files)
    .map((f) => join(corpusDir, f));
  const parsed = await runChild('./ingest.child.js', ['parse', '-', ...corpus]);
  // The service's own time (the command's boot is the CLI rows' business): the issue's papers/s.
  const ingested = await runChild('./ingest.child.js', ['ingest', join(dir, 'hf.sqlite'), ...corpus]);
  const papers = Number(parsed.papers);
  const parseOnly: Timed = { seconds: Number(parsed.seconds), peakRssMb: Number(parsed.peakRssMb) };
  const hf: Timed = { seconds: papers / Number(ingested.papersPerSecond), peakRssMb: Number(ingested.peakRssMb) };
  return [
    row(
      `paperboy ingest, ${SIZE.lines.toLocaleString('en-US')} snapshot lines`,
      'read + JSON.parse',
      parse,
      ingest,
      '≥ 0.25',
      undefined,
      `${perSecond(SIZE.lines, ingest)} papers/s`,
    ),
    row(
      `paperboy ingest, HF corpus ${corpus.length} files`,
      'read + parse (own parsers)',
      parseOnly,
      hf,
      '≥ 10k papers/s',
      undefined,
      `${perSecond(papers, hf)} papers/s`,
    ),
    await ingestMemoryRow(dir, ingest),
  ];
}

/**
 * Ingest memory stays bounded: the peak RSS of ingesting RSS_LINES lines against that of
 * SIZE.lines (staging and merging go batch by batch, so it should barely grow with the file).
 */
async function ingestMemoryRow(dir: string, small: Timed): Promise<Row> {
  const { parse, ingest } = await snapshotIngest(dir, SIZE.rssLines);
  return row(
    `paperboy ingest, ${SIZE.rssLines.toLocaleString('en-US')} snapshot lines (memory)`,
    'read + JSON.parse',
    parse,
    ingest,
    'peak RSS bounded',
    undefined,
    `${perSecond(SIZE.rssLines, ingest)} papers/s, peak RSS ${(ingest.peakRssMb / small.peakRssMb).toFixed(2)}× that at ${SIZE.lines.toLocaleString('en-US')}`,
  );
}

async function sendRows(dir: string): Promise<Row[]> {
  const db = join(dir, 'send.sqlite');
  await runChild('./digest.child.js', ['setup', db, String(SIZE.readers)]);
  const { sink, port } = await startSink();
  try {
    const before = await received(sink);
    const raw = await timed([fileURLToPath(new URL('./raw-send.child.js', import.meta.url)), String(port), String(SIZE.readers), '20', `${db}.sample.json`]);
    const send = await cli(['send', '--all'], { DATABASE_URL: `sqlite:${db}`, VAR_DIR: `${db}.var`, MAIL_TRANSPORT: `smtp://127.0.0.1:${port}` });
    const delivered = (await received(sink)) - before;
    if (delivered !== 2 * SIZE.readers) throw new Error(`the sink received ${delivered} messages, expected ${2 * SIZE.readers}`);
    return [
      row(
        `paperboy send --all, ${SIZE.readers.toLocaleString('en-US')} readers, SQLite`,
        'raw nodemailer, 20 senders, pool 5',
        raw,
        send,
        '≥ 0.9',
        undefined,
        `${perSecond(SIZE.readers, send)} msg/s`,
      ),
    ];
  } finally {
    sink.disconnect();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-paths-'));
  const started = performance.now();
  try {
    // `--rows=ingest,send` runs only those groups (all by default).
    const only = process.argv
      .find((a) => a.startsWith('--rows='))
      ?.slice('--rows='.length)
      .split(',');
    const groups: [string, () => Promise<Row[]>][] = [
      ['cli', () => cliRows(dir)],
      ['ingest', () => ingestRows(dir)],
      ['send', () => sendRows(dir)],
      ['plan', () => planRows()],
      ['preview', () => previewRows()],
    ];
    const rows: Row[] = [];
    for (const [name, make] of groups) if (!only || only.includes(name)) rows.push(...(await make()));
    table(rows);
    process.stdout.write(
      `(${QUICK ? 'quick' : 'full'} run, ${((performance.now() - started) / 1000).toFixed(0)} s; workers at 1M readers on PostgreSQL: \`npm run bench scale\`)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
