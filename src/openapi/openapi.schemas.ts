import { z } from 'zod';

/**
 * Response bodies of the JSON routes, for the OpenAPI document. Each mirrors the TypeScript type the
 * controller returns; request bodies come from the zod schemas the routes validate with.
 */
const count = z.number().int().min(0);
const isoTime = z.string().describe('ISO 8601 date-time');

export const errorBody = z.object({ statusCode: z.number().int(), error: z.string(), message: z.string() });

export const paperView = z.object({
  id: z.number().int(),
  arxivId: z.string().nullable(),
  title: z.string(),
  authors: z.array(z.string()),
  abstract: z.string().nullable(),
  aiSummary: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  trendingDate: z.string().nullable(),
  upvotes: z.number().int().nullable(),
  url: z.string(),
  pdfUrl: z.string().nullable(),
  codeUrl: z.string().nullable(),
  projectUrl: z.string().nullable(),
  firstSeenAt: isoTime,
  topics: z.array(z.object({ slug: z.string(), score: z.number(), matched: z.array(z.string()) })),
});

export const topicView = z.object({ slug: z.string(), name: z.string(), description: z.string(), query: z.string() });

export const subscribeAnswer = z.object({ status: z.literal('accepted'), message: z.string() });

export const health = z.object({
  status: z.enum(['ok', 'down']),
  checks: z.record(z.string(), z.union([z.object({ status: z.literal('up') }), z.object({ status: z.literal('down'), error: z.string() })])),
});

export const runSummary = z.object({
  runId: z.number().int().nullable(),
  selected: count,
  sent: count,
  skippedEmpty: count,
  failed: count,
  dryRun: z.boolean(),
  recipients: z.array(z.object({ email: z.string(), papers: count, total: count })).optional(),
});

export const digestRun = z.object({
  id: z.number().int(),
  trigger: z.string(),
  options: z.record(z.string(), z.unknown()),
  status: z.string(),
  dryRun: z.boolean(),
  selected: count,
  sent: count,
  skippedEmpty: count,
  failed: count,
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
});

export const runDetail = z.object({
  run: digestRun,
  outcomes: z.record(z.string(), count),
  total: count,
  deliveries: z.array(
    z
      .object({
        id: z.number().int(),
        email: z.string(),
        period: z.string(),
        resend: count,
        status: z.string(),
        attempts: count,
        error: z.string().nullable(),
        papers: count,
      })
      .loose(),
  ),
  /** A queued scheduled run: due readers handed to the workers in ranges (jobs), and how many jobs are done; null otherwise. */
  queue: z.object({ readers: count, ranges: count, done: count }).nullable(),
});

const previewPaper = z.object({
  id: z.number().int(),
  arxivId: z.string().nullable(),
  title: z.string(),
  score: z.number(),
  section: z.object({ kind: z.string(), key: z.string(), label: z.string() }),
  reasons: z.array(z.object({ kind: z.string(), label: z.string(), words: z.array(z.string()) })),
  /** `/feedback/:token` links: GET shows the paper and one button, its POST records the vote. */
  feedback: z.object({ more: z.string().nullable(), less: z.string().nullable() }),
});
const previewItem = z.object({ id: z.number().int(), title: z.string(), section: z.enum(['new', 'away', 'updated']), changes: z.array(z.string()).optional() });
export const digestPreview = z.object({
  email: z.string(),
  subject: z.string(),
  total: count,
  shown: count,
  papers: z.array(previewPaper),
  items: z.array(previewItem),
  html: z.string(),
  text: z.string(),
});

export const adminJob = z.object({
  id: z.string(),
  kind: z.enum(['ingest', 'import', 'retag']),
  label: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  progress: z.record(z.string(), z.unknown()),
  result: z.unknown(),
  error: z.object({ status: z.number().int(), message: z.string() }).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const channel = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['slack', 'discord', 'webhook']),
  url: z.string(),
  topics: z.array(z.string()),
  keywords: z.string().nullable(),
  hour: z.number().int(),
  lastDeliveryAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  createdAt: z.string(),
});

export const channelInput = z.object({
  name: z.string(),
  kind: z.enum(['slack', 'discord', 'webhook']),
  url: z.string(),
  topics: z.array(z.string()),
  keywords: z.string().optional(),
  hour: z.number().int().min(0).max(23).optional(),
});

export const subscriberPage = z.object({
  total: count,
  limit: count,
  offset: count,
  items: z.array(
    z
      .object({
        email: z.string(),
        status: z.string(),
        statusReason: z.string().nullable(),
        topics: z.array(z.string()),
        keywords: z.string().nullable(),
        frequency: z.string(),
        timezone: z.string(),
        hour: z.number().int(),
        paused: z.boolean(),
        subscribedAt: isoTime,
        confirmedAt: isoTime.nullable(),
        lastDigestAt: isoTime.nullable(),
      })
      .loose(),
  ),
});

export const importReport = z.object({
  rows: count,
  created: count,
  updated: count,
  rejected: z.array(z.object({ line: z.number().int(), email: z.string(), reason: z.string() })),
});

export const removed = z.object({ removed: z.string() });

export const ingestReport = z.object({
  file: z.string(),
  format: z.string(),
  read: count,
  new: count,
  updated: count,
  unchanged: count,
  skipped: count,
  skips: z.array(z.object({ line: z.number().int(), reason: z.string() })),
});

export const topicSet = z.object({
  created: z.boolean(),
  topic: z.object({ slug: z.string(), name: z.string(), description: z.string(), query: z.string().optional() }),
});

export const retagReport = z.object({ papers: count, tags: count });

export const adminStats = z
  .object({
    subscribers: z.object({
      total: count,
      byStatus: z.record(z.string(), count),
      byTopic: z.array(z.object({ slug: z.string(), name: z.string(), subscribers: count })),
    }),
    digests: z.object({ since: z.string(), perDay: z.array(z.object({ date: z.string(), sent: count })), sent: count, bounced: count }),
    rates: z.record(z.string(), z.number().nullable()),
  })
  .loose();
