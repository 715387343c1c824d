import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource, Repository } from 'typeorm';
import { dialectOf, param } from '../database/dialect.js';
import { Topic } from './topic.entity.js';

/** A stored paper's text, as the query workbench matches it. */
export interface PaperText {
  id: number;
  arxiv_id: string | null;
  title: string;
  abstract: string | null;
  ai_keywords: string;
}

/** Database access for topics, and the paper text the topic workbench scans. */
@Injectable()
export class TopicRepository {
  private readonly topics: Repository<Topic>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.topics = dataSource.getRepository(Topic);
  }

  /** Every topic, by name. */
  list(): Promise<Topic[]> {
    return this.topics.find({ order: { name: 'ASC' } });
  }

  async slugs(): Promise<string[]> {
    return (await this.topics.find({ select: { slug: true } })).map((t) => t.slug);
  }

  findBySlug(slug: string): Promise<Topic | null> {
    return this.topics.findOneBy({ slug });
  }

  /** Creates or updates by slug: several instances starting at once all seed the default taxonomy. */
  async upsert(rows: Pick<Topic, 'slug' | 'name' | 'description' | 'query' | 'updatedAt'>[]): Promise<void> {
    await this.topics.upsert(rows, ['slug']);
  }

  /** Stored papers after id `after`, by id, `size` at a time. */
  paperTexts(after: number, size: number): Promise<PaperText[]> {
    const p = param(dialectOf({ connection: this.dataSource }), 1);
    return this.dataSource.query(`SELECT id, arxiv_id, title, abstract, ai_keywords FROM papers WHERE id > ${p} ORDER BY id LIMIT ${Number(size)}`, [after]);
  }
}
