import { z } from 'zod';
import { retagSchema, sendSchema, topicSchema } from '../admin/admin-api.input.js';
import { subscriptionSchema } from '../subscribers/subscription.input.js';
import * as s from './openapi.schemas.js';

type Method = 'get' | 'post' | 'delete';

/** One JSON route: where it is, what it takes, what it answers. */
interface Operation {
  method: Method;
  path: string;
  summary: string;
  tag: 'public' | 'admin';
  query?: Record<string, string>;
  body?: { schema: z.ZodType } | { contentType: string; description: string };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const runId = { id: 'digest run id' };

type Details = Pick<Operation, 'query' | 'body' | 'responses'>;
const operation =
  (tag: Operation['tag']) =>
  (method: Method, path: string, summary: string, details: Details): Operation => ({ method, path, summary, tag, ...details });
/** A route anyone may call, and one behind the admin token. */
const open = operation('public');
const admin = operation('admin');

/** Every JSON route of the app (a test checks this list against the routes the app registers). */
export const OPERATIONS: Operation[] = [
  open('get', '/health', 'Database, Redis and SMTP checks', {
    responses: { 200: { description: 'all up', schema: s.health }, 503: { description: 'a check is down', schema: s.health } },
  }),
  open('get', '/api/papers', 'Stored papers, most recent trending first', {
    query: { since: 'trending date YYYY-MM-DD', topic: 'topic slug', limit: '1-1000 (default 100)', offset: 'default 0' },
    responses: { 200: { description: 'papers', schema: z.array(s.paperView) } },
  }),
  open('get', '/api/topics', 'The topics one can subscribe to', { responses: { 200: { description: 'topics', schema: z.array(s.topicView) } } }),
  open('post', '/api/subscriptions', 'Subscribe (double opt-in: a confirmation mail is sent)', {
    body: { schema: subscriptionSchema },
    responses: {
      202: { description: 'the same answer for every address', schema: s.subscribeAnswer },
      415: { description: 'not JSON', schema: s.errorBody },
      429: { description: 'rate limited (Retry-After)', schema: s.errorBody },
    },
  }),
  open('get', '/api/openapi.json', 'This document', { responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } } }),
  admin('post', '/api/admin/send', 'A manual digest run (as `paperboy send`)', {
    body: { schema: sendSchema },
    responses: { 200: { description: 'run summary', schema: s.runSummary } },
  }),
  admin('get', '/api/admin/preview', 'The digest a subscriber would get now', {
    query: { email: 'subscriber address (required)', format: 'html (default) or json' },
    responses: { 200: { description: 'the digest HTML, or with format=json its parts', schema: s.digestPreview } },
  }),
  admin('get', '/api/admin/runs', 'Digest runs, newest first', {
    query: { limit: '1-500 (default 50)', offset: 'default 0' },
    responses: { 200: { description: 'runs', schema: z.array(s.digestRun) } },
  }),
  admin('get', '/api/admin/runs/{id}', 'A run and its ledger rows', {
    query: { ...runId, status: 'only deliveries in this status', limit: '1-5000 (default 500)', offset: 'default 0' },
    responses: { 200: { description: 'run detail', schema: s.runDetail } },
  }),
  admin('post', '/api/admin/runs/{id}/retry', "Retries the run's failed deliveries as a new run", {
    query: runId,
    responses: { 200: { description: 'run summary', schema: s.runSummary } },
  }),
  admin('post', '/api/admin/ingest', 'Ingest a dump sent as the raw request body', {
    query: {
      format: 'auto (default) or a dump format',
      date: 'trending date for page captures',
      strict: 'true: reject on the first bad record',
      backfill: 'true: store without mailing',
      name: 'file name in the report',
    },
    body: { contentType: 'application/octet-stream', description: 'the dump file itself' },
    responses: { 200: { description: 'ingest report', schema: s.ingestReport } },
  }),
  admin('get', '/api/admin/stats', 'Subscribers, digests sent per day, bounce and unsubscribe rates', {
    responses: { 200: { description: 'statistics', schema: s.adminStats } },
  }),
  admin('get', '/api/admin/subscribers', 'Search subscribers', {
    query: { q: 'part of the address', status: 'subscriber status', limit: '1-500 (default 50)', offset: 'default 0' },
    responses: { 200: { description: 'a page of subscribers', schema: s.subscriberPage } },
  }),
  admin('get', '/api/admin/subscribers/export', 'Every subscriber as CSV', {
    responses: { 200: { description: 'email,topics,keywords,frequency,timezone,hour,status', contentType: 'text/csv' } },
  }),
  admin('post', '/api/admin/subscribers/import', 'Import subscribers from a CSV body', {
    query: { confirmed: 'true: add them confirmed' },
    body: { contentType: 'text/csv', description: 'the CSV file itself' },
    responses: { 200: { description: 'import report', schema: s.importReport } },
  }),
  admin('delete', '/api/admin/subscribers/{email}', 'Remove a subscriber and their ledger rows', {
    query: { email: 'subscriber address' },
    responses: { 200: { description: 'removed', schema: s.removed } },
  }),
  admin('post', '/api/admin/topics', 'Create (201) or edit (200) one topic, then re-tag for it', {
    body: { schema: topicSchema },
    responses: { 200: { description: 'edited', schema: s.topicSet }, 201: { description: 'created', schema: s.topicSet } },
  }),
  admin('post', '/api/admin/topics/retag', 'Re-tag stored papers for these topics, or all', {
    body: { schema: retagSchema },
    responses: { 200: { description: 'counts', schema: s.retagReport } },
  }),
  admin('get', '/api/admin/jobs', 'Long admin work (ingest, import, re-tag started with ?async=true), newest first', {
    responses: { 200: { description: 'jobs', schema: z.array(s.adminJob) } },
  }),
  admin('get', '/api/admin/jobs/{id}', "A job's state, progress, result or error", {
    query: { id: 'job id' },
    responses: { 200: { description: 'job', schema: s.adminJob }, 404: { description: 'unknown job', schema: s.errorBody } },
  }),
  admin('get', '/api/admin/channels', 'Team channels (Slack, Discord, signed webhook) with their last delivery and error', {
    responses: { 200: { description: 'channels', schema: z.array(s.channel) } },
  }),
  admin('post', '/api/admin/channels', 'Adds a team channel', {
    body: { schema: s.channelInput },
    responses: { 201: { description: 'the channel', schema: s.channel }, 400: { description: 'bad input', schema: s.errorBody } },
  }),
  admin('delete', '/api/admin/channels/{name}', 'Removes a team channel and its delivery history', {
    query: { name: 'channel name' },
    responses: { 200: { description: 'removed' }, 400: { description: 'unknown channel', schema: s.errorBody } },
  }),
];

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** The OpenAPI 3.1 document (its schemas are JSON Schema 2020-12, what zod emits). */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationOf(op);
  return {
    openapi: '3.1.0',
    info: { title: 'Paperboy', version: '0.1.0', description: 'Emails people the new trending research papers on the topics they subscribed to.' },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'public', description: 'No authentication' },
      { name: 'admin', description: 'Authorization: Bearer ADMIN_TOKEN' },
    ],
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } }, schemas: { Error: json(s.errorBody, 'output') } },
    paths,
  };
}

function operationOf(op: Operation): Record<string, unknown> {
  const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const parameters = Object.entries(op.query ?? {}).map(([name, description]) => {
    const where = inPath.includes(name) ? 'path' : 'query';
    return { name, in: where, required: where === 'path', description, schema: { type: 'string' } };
  });
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const content = r.schema
      ? { 'application/json': { schema: json(r.schema, 'output') } }
      : { [r.contentType ?? 'text/plain']: { schema: { type: 'string' } } };
    responses[status] = { description: r.description, content };
  }
  responses.default = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(op.tag === 'admin' ? { security: [{ adminToken: [] }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: requestBodyOf(op.body) } : {}),
    responses,
  };
}

function requestBodyOf(body: NonNullable<Operation['body']>): Record<string, unknown> {
  if ('schema' in body) return { required: false, content: { 'application/json': { schema: json(body.schema, 'input') } } };
  return { required: true, description: body.description, content: { [body.contentType]: { schema: { type: 'string', format: 'binary' } } } };
}
