import { IANAZone } from 'luxon';
import { z } from 'zod';
import { InvalidInputError } from '../common/errors.js';
import { parseQuery, QuerySyntaxError } from '../topics/query.parser.js';
import { EMAIL_MAX_LENGTH, normalizeEmail } from './email-address.js';
import { FREQUENCIES, type Frequency } from './subscriber.entity.js';

/** Strict input limits: no field lets a caller store or mail more than a person would type. */
export const INPUT_LIMITS = {
  topics: 40,
  slugLength: 64,
  keywordsLength: 300,
  keywordTerms: 30,
  timezoneLength: 64,
  authors: 30,
  authorLength: 100,
  likes: 50,
} as const;

/** What a subscriber chooses; shared by subscribing and the preferences page. */
export interface SubscriptionChoices {
  topics: string[];
  keywords: string | null;
  frequency: Frequency;
  timezone: string;
  deliveryHour: number;
  /** Names of authors to follow (none when absent). */
  authors?: string[];
  /** Versionless arXiv ids of papers the reader likes (none when absent). */
  likes?: string[];
}

export interface SubscriptionRequest extends SubscriptionChoices {
  email: string;
}

/** A field and what is wrong with it, so a form can show the message next to the field. */
export interface InputProblem {
  field: 'email' | 'topics' | 'keywords' | 'frequency' | 'timezone' | 'hour' | 'authors' | 'likes' | 'body';
  message: string;
}

export interface ValidationContext {
  validSlugs: string[];
  defaultHour: number;
  /** Current choices, for partial preference updates. */
  current?: SubscriptionChoices;
}

const choicesShape = {
  topics: z.array(z.string().max(INPUT_LIMITS.slugLength)).max(INPUT_LIMITS.topics).optional(),
  keywords: z
    .string()
    .max(INPUT_LIMITS.keywordsLength * 4)
    .nullable()
    .optional(),
  frequency: z.string().max(16).optional(),
  timezone: z
    .string()
    .max(INPUT_LIMITS.timezoneLength * 2)
    .optional(),
  hour: z.union([z.number(), z.string().max(4)]).optional(),
  /** A list, or one string separated by `;` (authors) or commas and spaces (likes). */
  authors: z.union([z.string().max(4000), z.array(z.string().max(400)).max(200)]).optional(),
  likes: z.union([z.string().max(8000), z.array(z.string().max(400)).max(500)]).optional(),
};
export const subscriptionSchema = z.object({ email: z.string().max(EMAIL_MAX_LENGTH * 2), ...choicesShape }).strict();
const choicesSchema = z.object(choicesShape).strict();

/** `POST /api/subscriptions` and the subscribe form: every problem is reported at once. */
export function validateSubscription(raw: unknown, ctx: ValidationContext): SubscriptionRequest {
  const body = shapeOf(subscriptionSchema, raw);
  const email = normalizeEmail(body.email);
  const problems: InputProblem[] = email.ok ? [] : [{ field: 'email', message: `invalid email address "${clip(body.email)}": it ${email.problem}` }];
  const choices = checkChoices(body, ctx, problems);
  if (problems.length) throw inputError(problems);
  return { email: (email as { email: string }).email, ...choices };
}

/** The preferences form: fields left out keep their current values. */
export function validateChoices(raw: unknown, ctx: ValidationContext & { current: SubscriptionChoices }): SubscriptionChoices {
  const body = shapeOf(choicesSchema, raw);
  const problems: InputProblem[] = [];
  const choices = checkChoices(body, ctx, problems);
  if (problems.length) throw inputError(problems);
  return choices;
}

type ChoicesBody = z.infer<typeof choicesSchema>;

function checkChoices(body: ChoicesBody, ctx: ValidationContext, problems: InputProblem[]): SubscriptionChoices {
  const cur = ctx.current;
  const topics = body.topics ? [...new Set(body.topics.map((t) => t.trim()).filter(Boolean))] : (cur?.topics ?? []);
  const unknown = topics.filter((t) => !ctx.validSlugs.includes(t));
  if (unknown.length) {
    const list = unknown.map((t) => `"${clip(t)}"`).join(', ');
    problems.push({
      field: 'topics',
      message: `unknown topic${unknown.length > 1 ? 's' : ''} ${list}; valid topics: ${[...ctx.validSlugs].sort().join(', ')}`,
    });
  }
  const keywords = body.keywords === undefined ? (cur?.keywords ?? null) : checkKeywords(body.keywords, problems);
  const authors = body.authors === undefined ? (cur?.authors ?? []) : checkAuthors(body.authors, problems);
  const likes = body.likes === undefined ? (cur?.likes ?? []) : checkLikes(body.likes, problems);
  // Followed authors alone make a digest (their section); likes only rank what topics bring in.
  if (topics.length === 0 && !keywords && authors.length === 0 && !problems.some((p) => p.field === 'keywords' || p.field === 'topics')) {
    problems.push({ field: 'topics', message: 'choose at least one topic or write your own keywords' });
  }
  return {
    topics,
    keywords,
    frequency: checkFrequency(body.frequency, cur?.frequency ?? 'daily', problems),
    timezone: checkTimezone(body.timezone, cur?.timezone ?? 'UTC', problems),
    deliveryHour: checkHour(body.hour, cur?.deliveryHour ?? ctx.defaultHour, problems),
    authors,
    likes,
  };
}

function checkKeywords(raw: string | null, problems: InputProblem[]): string | null {
  const keywords = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!keywords) return null;
  if (keywords.length > INPUT_LIMITS.keywordsLength) {
    problems.push({ field: 'keywords', message: `keywords are ${keywords.length} characters long; the limit is ${INPUT_LIMITS.keywordsLength}` });
    return null;
  }
  if (/[\p{Cc}\p{Cf}]/u.test(keywords)) {
    problems.push({ field: 'keywords', message: 'keywords must not contain control characters' });
    return null;
  }
  try {
    parseQuery(keywords, { maxLength: INPUT_LIMITS.keywordsLength, maxTerms: INPUT_LIMITS.keywordTerms });
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    problems.push({ field: 'keywords', message: `keywords: ${err.message}` });
  }
  return keywords;
}

function checkAuthors(raw: string | string[], problems: InputProblem[]): string[] {
  const names = (Array.isArray(raw) ? raw : raw.split(/[;\n]/)).map((n) => n.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const bad = names.find((n) => n.length > INPUT_LIMITS.authorLength || /[\p{Cc}\p{Cf}]/u.test(n) || !/\p{L}{2}/u.test(n));
  if (bad !== undefined)
    problems.push({ field: 'authors', message: `author "${clip(bad)}" is not a name (at most ${INPUT_LIMITS.authorLength} characters, letters)` });
  else if (names.length > INPUT_LIMITS.authors) problems.push({ field: 'authors', message: `${names.length} authors; the limit is ${INPUT_LIMITS.authors}` });
  return [...new Set(names)].slice(0, INPUT_LIMITS.authors);
}

const NEW_ARXIV_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ARXIV_ID = /^[a-z][a-z.-]{1,20}\/\d{7}$/i;

/** An arXiv id, or the URL of a paper on arXiv (abs or pdf) or Hugging Face, as a versionless arXiv id; null when it is neither. */
export function likedPaperId(raw: string): string | null {
  let id = raw.trim();
  const url = /^https?:\/\/(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/([^?#\s]+?)(?:\.pdf)?\/?(?:[?#].*)?$/i.exec(id);
  if (url) id = decodeURIComponent(url[1]);
  else if (/^arxiv:/i.test(id)) id = id.slice(6);
  id = id.replace(/v\d+$/, '');
  return NEW_ARXIV_ID.test(id) || OLD_ARXIV_ID.test(id) ? id : null;
}

function checkLikes(raw: string | string[], problems: InputProblem[]): string[] {
  const items = (Array.isArray(raw) ? raw : raw.split(/[\s,;]+/)).map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((x) => likedPaperId(x) === null);
  if (bad.length) {
    problems.push({
      field: 'likes',
      message: `likes must be arXiv ids (2401.00001) or paper URLs on arxiv.org or huggingface.co/papers; not: ${bad
        .slice(0, 3)
        .map((b) => `"${clip(b)}"`)
        .join(', ')}`,
    });
  }
  const ids = [...new Set(items.map(likedPaperId).filter((x): x is string => x !== null))];
  if (ids.length > INPUT_LIMITS.likes) problems.push({ field: 'likes', message: `${ids.length} liked papers; the limit is ${INPUT_LIMITS.likes}` });
  return ids.slice(0, INPUT_LIMITS.likes);
}

function checkFrequency(raw: string | undefined, fallback: Frequency, problems: InputProblem[]): Frequency {
  if (raw === undefined || raw === '') return fallback;
  if ((FREQUENCIES as readonly string[]).includes(raw)) return raw as Frequency;
  problems.push({ field: 'frequency', message: `frequency must be one of ${FREQUENCIES.join(', ')}, got "${clip(raw)}"` });
  return fallback;
}

function checkTimezone(raw: string | undefined, fallback: string, problems: InputProblem[]): string {
  const tz = raw?.trim();
  if (!tz) return fallback;
  if (tz.length <= INPUT_LIMITS.timezoneLength && IANAZone.isValidZone(tz)) return tz === 'Etc/UTC' ? 'UTC' : tz;
  problems.push({ field: 'timezone', message: `timezone must be an IANA zone name such as Europe/Paris or UTC, got "${clip(tz)}"` });
  return fallback;
}

function checkHour(raw: number | string | undefined, fallback: number, problems: InputProblem[]): number {
  if (raw === undefined || raw === '') return fallback;
  const hour = typeof raw === 'number' ? raw : /^\d{1,2}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (Number.isInteger(hour) && hour >= 0 && hour <= 23) return hour;
  problems.push({ field: 'hour', message: `hour must be a whole number from 0 to 23, got "${clip(String(raw))}"` });
  return fallback;
}

function shapeOf<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems: InputProblem[] = parsed.error.issues.map((i) => ({
    field: fieldOf(String(i.path[0] ?? 'body')),
    message:
      i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}` : `${i.path.join('.') || 'body'}: ${i.message}`,
  }));
  throw inputError(problems);
}

function fieldOf(key: string): InputProblem['field'] {
  return (['email', 'topics', 'keywords', 'frequency', 'timezone', 'hour', 'authors', 'likes'] as const).find((f) => f === key) ?? 'body';
}

function inputError(problems: InputProblem[]): InvalidInputError {
  return new InvalidInputError(problems.map((p) => p.message).join('; '), { problems });
}

/** User input quoted back in a message stays short; escaping is the page's job. */
function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
