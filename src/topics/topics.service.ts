import { readFileSync } from 'node:fs';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { InvalidInputError } from '../common/errors.js';
import { fromRoot } from '../common/paths.js';
import { dialectOfSource, writeSession, type WriteSteps } from '../database/write-steps.js';
import { MetaRepository } from '../database/meta.repository.js';
import { PAPER_WRITERS, PaperTopicRepository } from './paper-topic.repository.js';
import { createBatchTagger, type BatchTagger } from './threaded.tagger.js';
import type { Topic } from './topic.entity.js';
import { TopicRepository } from './topic.repository.js';
import { TopicTagger } from './topic.tagger.js';
import { DEFAULT_TOPICS_PATH } from './topic.model.js';
import { parseQuery, QuerySyntaxError, TOPIC_QUERY_LIMITS } from './query.parser.js';

export interface TopicInput {
  slug: string;
  name: string;
  description: string;
  query?: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RETAG_BATCH = 500;

@Injectable()
export class TopicsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Topics');
  private cached: Promise<BatchTagger> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paperTopics: PaperTopicRepository,
    private readonly repo: TopicRepository,
    private readonly meta: MetaRepository,
  ) {}

  list(): Promise<Topic[]> {
    return this.repo.list();
  }

  /** One compiled tagger for all topics (on a worker thread when built), rebuilt only when topics change. */
  tagger(): Promise<BatchTagger> {
    this.cached ??= this.list().then((topics) => createBatchTagger(topics.map((t) => ({ slug: t.slug, query: t.query }))));
    return this.cached;
  }

  private async dropTagger(): Promise<void> {
    const old = this.cached;
    this.cached = null;
    await (await old)?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dropTagger();
  }

  /** Every process (server or CLI) starts with a taxonomy, so papers are tagged from the first ingest. */
  async onApplicationBootstrap(): Promise<void> {
    if (await this.ensureDefaults()) this.log.log({ msg: 'loaded the default topic taxonomy' });
  }

  /** Loads the default taxonomy once per database (remembered in `meta`, so deleting topics later sticks). */
  async ensureDefaults(): Promise<boolean> {
    if (await this.meta.has('topics_seeded')) return false;
    await this.importTopics(JSON.parse(readFileSync(fromRoot(...DEFAULT_TOPICS_PATH), 'utf8')));
    await this.meta.set('topics_seeded', new Date().toISOString());
    return true;
  }

  /** Creates or updates topics; every item is checked before any is written. Re-tags stored papers. */
  async importTopics(items: unknown, options: { retag?: boolean } = {}): Promise<{ created: number; updated: number }> {
    const inputs = validateTopics(items);
    const existing = new Set(await this.repo.slugs());
    const now = new Date();
    await this.repo.upsert(inputs.map((t) => ({ slug: t.slug, name: t.name, description: t.description, query: t.query ?? defaultQuery(t), updatedAt: now })));
    await this.dropTagger();
    if (options.retag !== false)
      await this.retag(
        inputs.map((t) => t.slug),
        { dependents: true },
      );
    const created = inputs.filter((t) => !existing.has(t.slug)).length;
    return { created, updated: inputs.length - created };
  }

  /**
   * Re-tags every stored paper for the given topics (all when none given), in batches. The tagger
   * always holds every topic, because the model weighs each topic's score against the others'
   * queries; with `dependents` (after queries changed) the topics whose scores depend on the
   * given ones are re-tagged too.
   */
  async retag(slugs?: string[], options: { dependents?: boolean } = {}): Promise<{ papers: number; tags: number }> {
    const all = await this.list();
    const tagger = new TopicTagger(all.map((t) => ({ slug: t.slug, query: t.query })));
    const wanted = new Set(!slugs ? all.map((t) => t.slug) : options.dependents ? tagger.affectedBy(slugs) : slugs);
    const topics = all.filter((t) => wanted.has(t.slug));
    let papers = 0;
    let tags = 0;
    const only = [...wanted];
    // Each batch replaces its papers' tags of these topics: on SQLite in its own short transaction.
    await writeSession(this.dataSource, PAPER_WRITERS, async (write) => {
      for (let after = 0; only.length > 0;) {
        const rows = await write(() => selectBatch(after));
        if (rows.length === 0) break;
        const items = rows.map((r) => {
          const tags = tagger.tag({ title: r.title, abstract: r.abstract, aiKeywords: JSON.parse(r.ai_keywords) });
          return { paperId: Number(r.id), replace: true, tags: tags.filter((t) => wanted.has(t.slug)) };
        });
        await write(() => this.paperTopics.writeTags(dialectOfSource(this.dataSource), items, only));
        papers += rows.length;
        tags += items.reduce((n, i) => n + i.tags.length, 0);
        after = Number(rows[rows.length - 1].id);
      }
    });
    this.log.log({ msg: 'retagged', topics: topics.length, papers, tags });
    return { papers, tags };
  }
}

function validateTopics(items: unknown): TopicInput[] {
  if (!Array.isArray(items)) throw new InvalidInputError('topics must be a JSON array of {slug, name, description, query?}');
  const problems: string[] = [];
  items.forEach((item, i) => problems.push(...topicProblems(item, i)));
  if (problems.length) throw new InvalidInputError(`invalid topics: ${problems.join('; ')}`, problems);
  return items as TopicInput[];
}

function topicProblems(item: unknown, i: number): string[] {
  const t = item as Partial<Record<keyof TopicInput, unknown>>;
  const at = `item ${i}${typeof t?.slug === 'string' ? ` (${t.slug})` : ''}`;
  if (typeof item !== 'object' || item === null) return [`${at}: not an object`];
  const out: string[] = [];
  if (typeof t.slug !== 'string' || !SLUG.test(t.slug)) out.push(`${at}: slug must match ${SLUG}`);
  if (typeof t.name !== 'string' || !t.name.trim()) out.push(`${at}: name is required`);
  if (typeof t.description !== 'string') out.push(`${at}: description is required`);
  if (t.query !== undefined) {
    if (typeof t.query !== 'string') out.push(`${at}: query must be a string`);
    else {
      try {
        parseQuery(t.query, TOPIC_QUERY_LIMITS);
      } catch (err) {
        if (!(err instanceof QuerySyntaxError)) throw err;
        out.push(`${at}: query: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/** A topic imported without a query matches its name as a phrase. */
function defaultQuery(t: TopicInput): string {
  return `"${t.name.replace(/"/g, '')}"`;
}

type RetagRow = { id: number; title: string; abstract: string | null; ai_keywords: string };

function* selectBatch(after: number): WriteSteps<RetagRow[]> {
  return (yield { sql: `SELECT id, title, abstract, ai_keywords FROM papers WHERE id > ${after} ORDER BY id LIMIT ${RETAG_BATCH}`, params: [] }) as RetagRow[];
}
