// Preview benchmark step in its own process: `preview DB_FILE MODE [COUNT | KIND]`. With `seed COUNT`, fills
// the SQLite database with COUNT papers available in the last day (copies of the fixture days, with their
// topic tags) and three readers of one topic: topics only, with keywords, with a followed author (a
// personal profile); then exits. Otherwise times the admin preview of the reader of KIND: MODE `bounded`
// as the app does it, `full` with the whole window loaded as before (the baseline).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { PinoLogger } from '../src/common/pino.logger.js';
import { loadConfig } from '../src/config/config.loader.js';
import { BoundedSelection } from '../src/digests/bounded-selection.js';
import { DigestViewService } from '../src/digests/digest-view.service.js';
import { peakRssMb } from './child.js';

const READERS: Record<string, string> = {
  topics: 'preview-reader@example.org',
  keywords: 'preview-keywords@example.org',
  personal: 'preview-personal@example.org',
};
const [file, mode, arg] = process.argv.slice(2);
const READER = READERS[arg] ?? READERS.topics;
const config = loadConfig({ ...process.env, DATABASE_URL: `sqlite:${file}`, VAR_DIR: `${file}.var`, LOG_LEVEL: 'warn' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'cli'), { logger: new PinoLogger('warn', 2) });
const ds = app.get<DataSource>(getDataSourceToken());

async function seed(count: number): Promise<void> {
  const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const sources: Record<string, unknown>[] = await ds.query('SELECT * FROM papers');
  const tags: { paper_id: number; topic_slug: string; score: number; matched: string }[] = await ds.query('SELECT * FROM paper_topics');
  const tagsOf = new Map<number, typeof tags>();
  for (const t of tags) tagsOf.set(t.paper_id, [...(tagsOf.get(t.paper_id) ?? []), t]);
  const now = Date.now();
  await ds.transaction(async (em) => {
    for (let i = 0; i < count; i++) {
      const src = sources[i % sources.length];
      const at = stamp(now - 60_000 - (i % 1380) * 60_000); // spread over the last 23 hours
      const [{ id }] = await em.query(
        `INSERT INTO papers (paper_key, arxiv_id, title, abstract, authors, published_at, trending_date, upvotes, arxiv_url, pdf_url, code_url, project_url,
          ai_summary, ai_keywords, categories, source, first_seen_at, last_seen_at, available_at, title_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          `bench-${i}`,
          `9${String(i).padStart(4, '0')}.${i % 100000}`,
          `${src.title} (${i})`,
          src.abstract,
          src.authors,
          src.published_at,
          src.trending_date,
          (Number(src.upvotes) || 0) + (i % 37),
          src.arxiv_url,
          src.pdf_url,
          src.code_url,
          src.project_url,
          src.ai_summary,
          src.ai_keywords,
          src.categories,
          src.source,
          at,
          at,
          at,
          `bench-${i}`,
        ],
      );
      for (const t of tagsOf.get(Number(src.id)) ?? []) {
        await em.query('INSERT INTO paper_topics (paper_id, topic_slug, score, matched) VALUES (?, ?, ?, ?)', [id, t.topic_slug, t.score, t.matched]);
      }
    }
  });
  const [top] = await ds.query('SELECT topic_slug, count(*) AS n FROM paper_topics GROUP BY topic_slug ORDER BY n DESC LIMIT 2');
  const t = stamp(now - 2 * 86_400_000);
  const author = (JSON.parse(String(sources[0].authors)) as string[])[0];
  const readers: [string, string | null, string[]][] = [
    [READERS.topics, null, []],
    [READERS.keywords, 'agent OR reasoning', []],
    [READERS.personal, null, [author]],
  ];
  for (const [email, keywords, authors] of readers) {
    const [{ id }] = await ds.query(
      `INSERT INTO subscribers (email, status, keywords, authors, likes, frequency, timezone, delivery_hour, paused, link_key, subscribed_at, confirmed_at, created_at, updated_at)
       VALUES (?, 'confirmed', ?, ?, '[]', 'daily', 'UTC', 8, 0, ?, ?, ?, ?, ?) RETURNING id`,
      [email, keywords, JSON.stringify(authors), `bench-key-${email}`, t, t, t, t],
    );
    await ds.query('INSERT INTO subscriber_topics (subscriber_id, topic_slug, position) VALUES (?, ?, 0)', [id, top.topic_slug]);
  }
}

/** The longest the event loop went without turning during `work`: how long the server could not answer anyone. */
async function held<T>(work: () => Promise<T>): Promise<{ result: T; maxStallMs: number }> {
  let last = performance.now();
  let maxStallMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 5);
    last = now;
  }, 5);
  try {
    const result = await work();
    return { result, maxStallMs: Math.max(maxStallMs, performance.now() - last - 5) };
  } finally {
    clearInterval(probe);
  }
}

async function time(): Promise<Record<string, number | string>> {
  const views = app.get(DigestViewService);
  if (mode === 'full') app.get(BoundedSelection).applies = () => false;
  // A whole-window preview takes seconds and gigabytes at 100k papers: timed once, without a warm-up
  // (templates compiling are milliseconds of it); a bounded one, the median of five after one warm-up.
  const slow = mode === 'full' || READER !== READERS.topics;
  let p = slow ? null : await views.preview(READER); // warm: compiled templates, prepared statements
  const runs: { ms: number; cpuMs: number; maxStallMs: number }[] = [];
  for (let i = 0; i < (slow ? 1 : 5); i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { result, maxStallMs } = await held(() => views.preview(READER));
    const used = process.cpuUsage(cpu);
    runs.push({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, maxStallMs });
    p = result;
  }
  runs.sort((a, b) => a.ms - b.ms);
  if (!p) throw new Error('no preview was timed');
  const ids = p.papers.map((x) => x.id).join(',');
  return { ...runs[Math.floor(runs.length / 2)], shown: p.shown, total: p.total, ids, subject: p.subject };
}

if (mode === 'seed') await seed(Number(arg));
const result = mode === 'seed' ? {} : await time();
await app.close();
process.stdout.write(JSON.stringify({ ...result, peakRssMb: peakRssMb() }) + '\n');
