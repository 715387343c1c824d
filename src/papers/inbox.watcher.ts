import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IngestService } from './ingest.service.js';

const IGNORED = /^\.|\.(part|tmp|partial|crdownload)$/i;

/**
 * Ingests dumps dropped into INGEST_DIR, then moves each to done/ or failed/ (beside a
 * `.reason.txt`, or a `.report.json` of what was read). A file is taken only once its size has stayed the same for one poll, so a
 * dump still being copied in is not read half-written; claiming it is an atomic rename into
 * processing/, so two instances sharing the folder never ingest the same file.
 */
@Injectable()
export class InboxWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Inbox');
  private readonly sizes = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: IngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureFolders();
    if (this.config.ingestPollSeconds <= 0) return;
    this.timer = setInterval(() => void this.poll(), this.config.ingestPollSeconds * 1000);
    this.log.log({ msg: 'watching', dir: this.config.ingestDir, everySeconds: this.config.ingestPollSeconds });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the folder; returns when every stable file has been handled. */
  poll(): Promise<void> {
    this.running ??= this.scan().finally(() => (this.running = null));
    return this.running;
  }

  private async scan(): Promise<void> {
    const dir = this.config.ingestDir;
    await this.ensureFolders();
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || IGNORED.test(entry.name) || entry.name.endsWith('.reason.txt')) continue;
      const path = join(dir, entry.name);
      const size = (await stat(path).catch(() => null))?.size;
      if (size === undefined) continue;
      const stable = this.sizes.get(entry.name) === size;
      this.sizes.set(entry.name, size);
      if (stable) await this.take(path);
    }
  }

  /** The operator may remove them while we run; recreating is cheap and idempotent. */
  private async ensureFolders(): Promise<void> {
    for (const sub of ['processing', 'done', 'failed']) await mkdir(join(this.config.ingestDir, sub), { recursive: true });
  }

  private async take(path: string): Promise<void> {
    const name = basename(path);
    this.sizes.delete(name);
    const claimed = join(this.config.ingestDir, 'processing', name);
    try {
      await rename(path, claimed);
    } catch {
      return; // another instance claimed it first
    }
    try {
      const report = await this.ingest.ingestFile(claimed);
      await this.finish(claimed, 'done', '.report.json', JSON.stringify(report, null, 2));
    } catch (err) {
      this.log.warn({ msg: 'dump failed', file: name, error: err instanceof Error ? err.message : String(err) });
      await this.finish(claimed, 'failed', '.reason.txt', err instanceof Error ? err.message : String(err));
    }
  }

  private async finish(claimed: string, folder: 'done' | 'failed', suffix: string, text: string): Promise<void> {
    const target = join(this.config.ingestDir, folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${basename(claimed)}`);
    await rename(claimed, target);
    await writeFile(target + suffix, text + '\n');
  }
}
