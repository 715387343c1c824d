import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

// Loaded by the first progress bar on a terminal, not by every command (nor by `--help`).
const requireCjs = createRequire(import.meta.url);

/** Where a command writes: results on stdout (JSON with --json), progress and notes on stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function note(line: string): void {
  process.stderr.write(line + '\n');
}

export interface Progress {
  update(done: number, total: number | null, label: string): void;
  stop(): void;
}

/** A progress bar on a terminal, plain lines (at most one a second) otherwise. */
export function progress(title: string): Progress {
  if (process.stderr.isTTY) {
    const cliProgress = requireCjs('cli-progress') as typeof CliProgress;
    const bar = new cliProgress.SingleBar(
      { format: `${title} |{bar}| {percentage}% {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label) {
        if (!started) bar.start(total ?? 1, 0, { label });
        started = true;
        bar.setTotal(total ?? Math.max(done, 1));
        bar.update(done, { label });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, label) {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      note(`${title}: ${total ? `${Math.round((100 * done) / total)}% ` : ''}${label}`);
    },
    stop: () => undefined,
  };
}
