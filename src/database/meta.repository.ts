import { Injectable } from '@nestjs/common';
import { InjectDataSource } from './inject-data-source.js';
import type { DataSource } from 'typeorm';
import { Meta } from './meta.entity.js';

/** The `meta` table: one-off facts about this database ("the defaults were loaded"), by key. */
@Injectable()
export class MetaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async has(key: string): Promise<boolean> {
    return (await this.dataSource.getRepository(Meta).findOneBy({ key })) !== null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.dataSource.getRepository(Meta).upsert({ key, value }, ['key']);
  }
}
