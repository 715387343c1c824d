import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fromRoot } from '../common/paths.js';
import { Meta } from '../database/meta.entity.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ingest: IngestService,
  ) {}

  async run(): Promise<void> {
    const meta = this.dataSource.getRepository(Meta);
    if (await meta.findOneBy({ key: 'sample_ingested' })) return;
    const report = await this.ingest.ingestFile(fromRoot(SAMPLE), { format: 'hf-page', backfill: true });
    await meta.upsert({ key: 'sample_ingested', value: new Date().toISOString() }, ['key']);
    this.log.log({ msg: 'ingested the sample dump', file: SAMPLE, papers: report.read });
  }
}
