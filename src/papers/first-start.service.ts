import { Injectable, Logger } from '@nestjs/common';
import { fromRoot } from '../common/paths.js';
import { MetaRepository } from '../database/meta.repository.js';
import { IngestService } from './ingest.service.js';

const SAMPLE = 'samples/hf-papers-page.txt';

/**
 * A newcomer's first `npm start` shows papers at once: the sample page capture is ingested as
 * backfill (browsable and searchable, never mailed as news: its papers are years old), once per
 * database (remembered in `meta`, so deleting its papers later sticks).
 */
@Injectable()
export class FirstStartService {
  private readonly log = new Logger('FirstStart');

  constructor(
    private readonly meta: MetaRepository,
    private readonly ingest: IngestService,
  ) {}

  async run(): Promise<void> {
    if (await this.meta.has('sample_ingested')) return;
    const report = await this.ingest.ingestFile(fromRoot(SAMPLE), { format: 'hf-page', backfill: true });
    await this.meta.set('sample_ingested', new Date().toISOString());
    this.log.log({ msg: 'ingested the sample dump', file: SAMPLE, papers: report.read });
  }
}
