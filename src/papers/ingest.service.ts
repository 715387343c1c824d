import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dialectOfSource, writeSession } from '../database/write-steps.js';
import { TopicsService } from '../topics/topics.service.js';
import { PAPER_WRITERS } from '../topics/paper-topic.repository.js';
import { openFileSource, type DumpSource } from './dump-source.js';
import { runIngest, type IngestOptions, type IngestReport } from './ingest.core.js';
import { IngestThread, ingestThreadAvailable } from './ingest-thread.js';
import { PaperRepository } from './paper.repository.js';

export type { IngestOptions, IngestReport } from './ingest.core.js';

/**
 * Ingests dumps (see ingest.core.ts for the two phases, staging then merging in short batches).
 * On a SQLite file the whole ingest runs on the ingest thread (ingest-thread.ts), with its own
 * connection: parsing, tagging and the commits' waits for the disk never hold up this thread,
 * which answers requests. PostgreSQL (one transaction under the writers' advisory lock) and an
 * in-memory database ingest here, as does every ingest under jest (no compiled worker script).
 */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private readonly log = new Logger('Ingest');
  private thread: IngestThread | null = null;

  constructor(
    private readonly papers: PaperRepository,
    private readonly topics: TopicsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async ingestFile(path: string, options: IngestOptions = {}): Promise<IngestReport> {
    return this.ingest(await openFileSource(path), options);
  }

  async ingest(source: DumpSource, options: IngestOptions = {}): Promise<IngestReport> {
    const thread = source.path === undefined ? null : this.ingestThread();
    const report = thread ? await this.onThread(thread, source, options) : await this.here(source, options);
    this.log.log({ msg: 'ingested', ...report, skips: report.skips.slice(0, 5) });
    return report;
  }

  /**
   * After ingests with `durable: false` (a command's files but the last reported): waits until
   * all they stored is durable. Ingests on this thread always commit durably: nothing to wait for.
   */
  async sync(): Promise<void> {
    await this.thread?.sync(this.clock.now().toISOString());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.thread?.close();
  }

  private async onThread(thread: IngestThread, source: DumpSource, options: IngestOptions): Promise<IngestReport> {
    await source.close(); // the thread reads the file itself
    const topics = (await this.topics.list()).map((t) => ({ slug: t.slug, query: t.query }));
    const { onProgress, ...rest } = options;
    const job = { path: source.path!, name: source.name, options: rest, topics, now: this.clock.now().toISOString(), varDir: this.config.varDir };
    return thread.run(job, onProgress);
  }

  private async here(source: DumpSource, options: IngestOptions): Promise<IngestReport> {
    const dataSource = this.papers.dataSource;
    return runIngest(
      {
        dialect: dialectOfSource(dataSource),
        session: (work) => writeSession(dataSource, PAPER_WRITERS, work),
        tagger: await this.topics.tagger(),
        varDir: this.config.varDir,
        now: this.clock.now(),
      },
      source,
      options,
    );
  }

  private ingestThread(): IngestThread | null {
    const db = this.config.database;
    if (db.kind !== 'sqlite' || db.path === ':memory:' || !ingestThreadAvailable()) return null;
    return (this.thread ??= new IngestThread(db.path));
  }
}
