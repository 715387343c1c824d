import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild, table } from './child.js';

const SIZES = [20_000, 100_000];

export async function startSink(): Promise<{ sink: ChildProcess; port: number }> {
  const sink = fork(fileURLToPath(new URL('./smtp-sink.child.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(sink, 'message')) as [{ port: number }];
  return { sink, port };
}

export async function received(sink: ChildProcess): Promise<number> {
  sink.send({ cmd: 'count' });
  const [{ received: n }] = (await once(sink, 'message')) as [{ received: number }];
  return n;
}

/**
 * The whole digest pipeline (select, render, sign links, send, record in the ledger) against raw
 * nodemailer sending the same number of pre-rendered messages into the same sink, in the same run.
 */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-digest-'));
  const { sink, port } = await startSink();
  const rows: Record<string, string | number>[] = [];
  try {
    for (const size of SIZES) {
      const db = join(dir, `digest-${size}.sqlite`);
      await runChild('./digest.child.js', ['setup', db, String(size)]);
      const before = await received(sink);
      const raw = await runChild('./raw-send.child.js', [String(port), String(size), '10', `${db}.sample.json`]);
      const pipeline = await runChild('./digest.child.js', ['run', db, String(port)]);
      const delivered = (await received(sink)) - before;
      rows.push({
        subscribers: size.toLocaleString('en-US'),
        step: 'raw nodemailer',
        'messages/s': Math.round(Number(raw.perSecond)),
        ratio: '1.00',
        'peak RSS MB': raw.peakRssMb,
      });
      rows.push({
        subscribers: size.toLocaleString('en-US'),
        step: `pipeline (sent ${pipeline.sent})`,
        'messages/s': Math.round(Number(pipeline.perSecond)),
        ratio: (Number(pipeline.perSecond) / Number(raw.perSecond)).toFixed(2),
        'peak RSS MB': pipeline.peakRssMb,
      });
      if (delivered !== size + Number(pipeline.sent)) throw new Error(`the sink received ${delivered} messages, expected ${size + Number(pipeline.sent)}`);
    }
    table(rows);
  } finally {
    sink.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
