import { hostname } from 'node:os';
import { lstat, mkdir, readdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { publishMove, publishText } from './inbox-publish.js';
import { openForWriting } from './inbox-writers.js';
import { IngestService } from './ingest.service.js';
import { processAlive } from '../common/process-alive.js';

const IN_FLIGHT = /\.(part|tmp|partial|crdownload)$/i;
const FOLDERS = ['processing', 'done', 'failed'];

/**
 * Ingests dumps dropped into INGEST_DIR, then moves each to done/ (beside a `.report.json`) or
 * failed/ (beside a `.reason.txt`). The hand-off: a writer should write `NAME.part` and rename it
 * to NAME when complete; any other file is taken once its size and mtime were the same on two
 * polls in a row and no process has it open for writing. Claiming is an atomic rename into
 * processing/ under this process's name, so two instances sharing the folder never ingest the same
 * file, and a file left there by a process that died is taken again at start (its merge resumes).
 * Every file left alone is logged once with the reason. What lands in done/ and failed/ appears
 * whole (inbox-publish.ts), the report or reason last: its arrival means the dump is handled.
 */
@Injectable()
export class InboxWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Inbox');
  private readonly seen = new Map<string, string>();
  private readonly reported = new Set<string>();
  private readonly owner = `${hostname()}.${process.pid}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private strandedChecked = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: IngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureFolders();
    if (this.config.ingestPollSeconds <= 0) return;
    this.timer = setInterval(() => void this.poll(), this.config.ingestPollSeconds * 1000);
    this.log.log({ msg: 'watching', dir: this.config.ingestDir, everySeconds: this.config.ingestPollSeconds });
    void this.poll(); // the first pass retries what a crash left in processing/
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the folder (the first also retries stranded dumps); returns when every ready file has been handled. */
  poll(): Promise<void> {
    this.running ??= this.scan().finally(() => (this.running = null));
    return this.running;
  }

  private async scan(): Promise<void> {
    await this.ensureFolders();
    if (!this.strandedChecked) {
      this.strandedChecked = true;
      await this.retryStranded();
    }
    const ready = await this.stableFiles();
    const held = await openForWriting(new Set(ready));
    for (const path of ready) {
      if (held.has(path)) this.skip(basename(path), 'a process still has it open for writing');
      else await this.take(path);
    }
  }

  /** Files whose size and mtime did not change since the last poll. */
  private async stableFiles(): Promise<string[]> {
    const dir = this.config.ingestDir;
    const ready: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && FOLDERS.includes(entry.name)) continue;
      const reason = skipReason(entry.name, entry);
      if (reason) {
        this.skip(entry.name, reason);
        continue;
      }
      const info = await lstat(join(dir, entry.name)).catch(() => null);
      if (!info) continue;
      const signature = `${info.size}:${info.mtimeMs}`;
      if (this.seen.get(entry.name) === signature) ready.push(join(dir, entry.name));
      else this.seen.set(entry.name, signature);
    }
    return ready.sort(); // in name order, so an operator can sequence dumps
  }

  private skip(name: string, reason: string): void {
    if (this.reported.has(`${name}\n${reason}`)) return;
    this.reported.add(`${name}\n${reason}`);
    this.log.warn({ msg: 'inbox file left alone', file: name, reason });
  }

  /** Dumps in processing/ whose process is gone (on this host): claimed again and ingested. */
  private async retryStranded(): Promise<void> {
    const dir = join(this.config.ingestDir, 'processing');
    for (const name of await readdir(dir)) {
      const owner = /^(.+)\.(\d+)--/.exec(name);
      if (owner && (owner[1] !== hostname() || processAlive(Number(owner[2])))) continue;
      const original = owner ? name.slice(owner[0].length) : name;
      const claimed = join(dir, `${this.owner}--${original}`);
      if (
        !(await rename(join(dir, name), claimed).then(
          () => true,
          () => false,
        ))
      )
        continue;
      this.log.warn({ msg: 'retrying a dump left in processing/ by a stopped process', file: original });
      await this.run(claimed, original);
    }
  }

  /** The operator may remove them while we run; recreating is cheap and idempotent. */
  private async ensureFolders(): Promise<void> {
    for (const sub of FOLDERS) await mkdir(join(this.config.ingestDir, sub), { recursive: true });
  }

  private async take(path: string): Promise<void> {
    const name = basename(path);
    this.seen.delete(name);
    const claimed = join(this.config.ingestDir, 'processing', `${this.owner}--${name}`);
    try {
      await rename(path, claimed);
    } catch {
      return; // another instance claimed it first
    }
    await this.run(claimed, name);
  }

  private async run(claimed: string, name: string): Promise<void> {
    let outcome: { folder: 'done' | 'failed'; suffix: string; text: string };
    try {
      const report = await this.ingest.ingestFile(claimed);
      outcome = { folder: 'done', suffix: '.report.json', text: JSON.stringify({ ...report, file: name }, null, 2) };
    } catch (err) {
      const reason = err instanceof Error ? err.message.replaceAll(claimed, name) : String(err);
      this.log.warn({ msg: 'dump failed', file: name, error: reason });
      outcome = { folder: 'failed', suffix: '.reason.txt', text: reason };
    }
    try {
      await this.finish(claimed, name, outcome.folder, outcome.suffix, outcome.text);
    } catch (err) {
      // Left in processing/: the next start takes it again (an ingested dump merges as unchanged).
      this.log.error({ msg: 'could not move the dump out of processing/', file: name, error: (err as Error).message });
    }
  }

  /**
   * The dump first, then its report or reason: each appears whole (see publishText), and the
   * report's arrival means the file is completely handled.
   */
  private async finish(claimed: string, name: string, folder: 'done' | 'failed', suffix: string, text: string): Promise<void> {
    const target = join(this.config.ingestDir, folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`);
    await publishMove(claimed, target);
    await publishText(target + suffix, text + '\n');
  }
}

function skipReason(name: string, entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string | null {
  if (entry.isDirectory()) return 'a directory: only files are ingested';
  if (entry.isSymbolicLink()) return 'a symbolic link: not followed, move the file itself in';
  if (!entry.isFile()) return 'not a regular file';
  if (name.startsWith('.')) return 'a hidden file';
  if (IN_FLIGHT.test(name)) return 'still being written (rename it without the suffix when complete)';
  return null;
}
