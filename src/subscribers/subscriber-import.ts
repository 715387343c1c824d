import { InvalidInputError } from '../common/errors.js';
import { numbered, sqlTimestamp, type DialectName } from '../database/dialect.js';
import type { Statement, WriteSteps } from '../database/write-steps.js';
import { normalizeEmail, suppressionHash } from './email-address.js';
import { checkSubscriberCsv, readSubscriberCsv, subscriptionOfRow, type CsvRow } from './subscriber-csv.js';
import type { SubscriberStatus } from './subscriber.entity.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import { replaceTopicSteps, topicSteps, type ImportWriter } from './subscriber.repository.js';
import { validateSubscription, type SubscriptionRequest } from './subscription.input.js';

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  rejected: { line: number; email: string; reason: string }[];
}

export interface ImportProgress {
  rows: number;
  done: number;
  created: number;
  updated: number;
  rejected: number;
}

export interface ImportOptions {
  confirmed: boolean;
  onProgress?: (p: ImportProgress) => void;
}

/** Rows written per transaction: short enough that a web write waits a few milliseconds at most. */
const BATCH = 250;
/** Statuses an import never overrides: people who left, or whose mail bounced, are not re-subscribed by a file. */
const LEFT: SubscriberStatus[] = ['unsubscribed', 'bounced', 'complained'];

/** A row read and checked without the database: a reason to reject it, or the subscription it asks for. */
interface Candidate {
  line: number;
  email: string;
  /** The normalized address, when the row has a valid one. */
  address: string | null;
  reason?: string;
  request?: SubscriptionRequest;
}

type Outcome = 'created' | 'updated' | { reason: string };

/**
 * Imports a subscriber CSV from a file in flat memory. The file is read through once first, so
 * one that is not CSV, or lacks the required columns, is rejected whole (InvalidInputError)
 * before anything is stored. Then rows are read again a batch at a time, and each batch is one
 * short write transaction (database/write-steps.ts): on SQLite web writes get the writer between
 * batches, and requests are served between them. Rows that cannot be imported are reported with
 * their line and reason.
 */
export async function importSubscriberCsv(
  writer: ImportWriter,
  rules: { validSlugs: string[]; defaultHour: number },
  path: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const rows = await checkSubscriberCsv(path);
  const report: ImportReport = { rows, created: 0, updated: 0, rejected: [] };
  const d = writer.dialect;
  const seen = new Map<string, number>();
  let batch: Candidate[] = [];
  let done = 0;
  const flush = async () => {
    const now = new Date();
    const outcomes = await writer.write(() => writeBatch(d, batch, options.confirmed, now));
    outcomes.forEach((o, i) => record(report, batch[i], o));
    done += batch.length;
    batch = [];
    options.onProgress?.({ rows, done, created: report.created, updated: report.updated, rejected: report.rejected.length });
    await new Promise((resolve) => setImmediate(resolve)); // let requests waiting on this process in
  };
  for await (const row of readSubscriberCsv(path)) {
    batch.push(candidate(row, seen, rules));
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return report;
}

function record(report: ImportReport, c: Candidate, outcome: Outcome): void {
  if (outcome === 'created' || outcome === 'updated') report[outcome]++;
  else report.rejected.push({ line: c.line, email: c.email, reason: outcome.reason });
}

function candidate(row: CsvRow, seen: Map<string, number>, rules: { validSlugs: string[]; defaultHour: number }): Candidate {
  const c: Candidate = { line: row.line, email: row.fields.email ?? '', address: null };
  if (row.problem) return { ...c, reason: row.problem };
  const status = row.fields.status;
  if (status && status !== 'pending' && status !== 'confirmed')
    return { ...c, reason: `status is ${status.slice(0, 20)}: only pending or confirmed subscribers are imported` };
  const check = normalizeEmail(c.email);
  if (check.ok) {
    if (seen.has(check.email)) return { ...c, reason: `${check.email} is already on line ${seen.get(check.email)}` };
    seen.set(check.email, row.line);
    c.address = check.email;
  }
  try {
    c.request = validateSubscription(subscriptionOfRow(row.fields), rules);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    c.reason = err.message; // reported after the "has left" check, which needs the database
  }
  return c;
}

interface Existing {
  id: number;
  email: string;
  status: SubscriberStatus;
}

/** One batch in one transaction: what is stored of each address is read, then each row inserted or updated. */
function* writeBatch(d: DialectName, batch: Candidate[], confirmed: boolean, now: Date): WriteSteps<Outcome[]> {
  const addresses = [...new Set(batch.flatMap((c) => (c.address ? [c.address] : [])))];
  const existing = new Map(
    ((yield inList(d, 'SELECT id, email, status FROM subscribers WHERE email IN', addresses)) as unknown as Existing[]).map((r) => [r.email, r]),
  );
  const hashes = batch.flatMap((c) => (c.request ? [suppressionHash(c.request.email)] : []));
  const suppressed = new Set(
    ((yield inList(d, 'SELECT email_hash FROM suppressions WHERE email_hash IN', hashes)) as { email_hash: string }[]).map((r) => r.email_hash),
  );
  const outcomes: Outcome[] = [];
  for (const c of batch) {
    const stored = c.address ? existing.get(c.address) : undefined;
    if (c.reason && !stored) outcomes.push({ reason: c.reason });
    else if (stored && LEFT.includes(stored.status)) outcomes.push({ reason: `${stored.email} is ${stored.status}: an import does not subscribe it again` });
    else if (c.reason || !c.request) outcomes.push({ reason: c.reason ?? 'not importable' });
    else if (suppressed.has(suppressionHash(c.request.email))) outcomes.push({ reason: `${c.request.email} asked never to be mailed again` });
    else if (stored) outcomes.push(yield* update(d, stored, c.request, confirmed, now));
    else outcomes.push(yield* insert(d, c.request, confirmed, now));
  }
  return outcomes;
}

function* insert(d: DialectName, r: SubscriptionRequest, confirmed: boolean, now: Date): WriteSteps<Outcome> {
  const at = sqlTimestamp(d, now);
  const values = [r.email, confirmed ? 'confirmed' : 'pending', r.keywords, r.frequency, r.timezone, r.deliveryHour];
  const rows = yield positional(
    d,
    `INSERT INTO subscribers (email, status, keywords, frequency, timezone, delivery_hour, paused, link_key, status_reason,
       subscribed_at, confirmed_at, unsubscribed_at, last_digest_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ${d === 'postgres' ? 'FALSE' : '0'}, ?, NULL, ?, ?, NULL, NULL, ?, ?)
     ON CONFLICT (email) DO NOTHING RETURNING id`,
    [...values, SubscriberLinks.newLinkKey(), at, confirmed ? at : null, at, at],
  );
  // Only PostgreSQL lets a web request subscribe the same address between the read and this insert.
  if (rows.length) yield* topicSteps(d, Number(rows[0].id), r.topics);
  return rows.length ? 'created' : { reason: `${r.email} subscribed meanwhile: import the row again to apply it` };
}

/** As the CLI's `subscribers add`: a confirmed subscriber stays confirmed; `confirmed` confirms a pending one now. */
function* update(d: DialectName, stored: Existing, r: SubscriptionRequest, confirmed: boolean, now: Date): WriteSteps<Outcome> {
  const confirms = confirmed && stored.status !== 'confirmed';
  const status = confirmed || stored.status === 'confirmed' ? 'confirmed' : 'pending';
  yield positional(
    d,
    `UPDATE subscribers SET keywords = ?, frequency = ?, timezone = ?, delivery_hour = ?, status = ?,${confirms ? ' confirmed_at = ?,' : ''} updated_at = ?
     WHERE id = ?`,
    [r.keywords, r.frequency, r.timezone, r.deliveryHour, status, ...(confirms ? [sqlTimestamp(d, now)] : []), sqlTimestamp(d, now), stored.id],
  );
  yield* replaceTopicSteps(d, stored.id, r.topics);
  return 'updated';
}

function inList(d: DialectName, sql: string, values: string[]): Statement {
  return values.length ? positional(d, `${sql} (${values.map(() => '?').join(', ')})`, values) : { sql: `${sql} (NULL)`, params: [] };
}

function positional(d: DialectName, sql: string, params: unknown[]): Statement {
  return { sql: numbered(d, sql), params };
}
