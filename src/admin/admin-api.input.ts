import { z } from 'zod';
import { InvalidInputError } from '../common/errors.js';
import type { SendOptions } from '../digests/digest.service.js';
import type { TopicPatch } from '../topics/topic-workbench.service.js';

/** Input of the admin routes, checked before any service runs; every problem is named at once. */
export const sendSchema = z
  .object({
    email: z.string().max(320).optional(),
    topic: z.string().max(64).optional(),
    all: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const topicSchema = z
  .object({
    slug: z.string().max(64),
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    query: z.string().max(2000).optional(),
  })
  .strict();

export const retagSchema = z.object({ slugs: z.array(z.string().max(64)).max(1000).optional() }).strict();

/** `POST /api/admin/send`: the options of `paperboy send`; an empty body means "the subscribers who are due". */
export function sendOptionsOf(raw: unknown): SendOptions {
  return parse(sendSchema, raw ?? {}, 'send options');
}

export function topicPatchOf(raw: unknown): TopicPatch {
  return parse(topicSchema, raw, 'topic');
}

export function retagSlugsOf(raw: unknown): string[] | undefined {
  return parse(retagSchema, raw ?? {}, 'retag').slugs;
}

/** A run id from the path: digits only, so "abc" is bad input rather than "no such run". */
export function runIdOf(raw: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw new InvalidInputError(`run id must be a number, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

function parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : `${i.path.join('.') || 'body'}: ${i.message}`,
  );
  throw new InvalidInputError(`invalid ${what}: ${problems.join('; ')}`);
}

/**
 * A JSON body, or undefined when there is none. A body of another type is refused rather than
 * ignored: `POST /api/admin/send` with its options unread would send to everyone who is due.
 */
export function jsonBodyOf(req: { headers: Record<string, string | string[] | undefined>; body?: unknown; is(type: string): string | false | null }): unknown {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  if (!req.is('application/json')) throw new InvalidInputError('send the body as JSON (Content-Type: application/json)');
  return req.body;
}
