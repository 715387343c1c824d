import type { DigestRun } from '../digests/digest-run.entity.js';
import type { SourceState } from '../health/source-freshness.js';
import type { RunDetail } from '../digests/digest-runs.service.js';
import type { RunSummary, SendOptions } from '../digests/digest.service.js';
import type { SubscriberPage } from '../subscribers/subscriber-directory.service.js';
import { SUBSCRIBER_STATUSES } from '../subscribers/subscriber.entity.js';
import type { Topic } from '../topics/topic.entity.js';
import { first, type FormBody } from '../http/index.js';

/** What the "send now" form holds, as typed (shown again when it had a problem). */
export interface SendForm {
  email: string;
  topic: string;
  all: boolean;
  dryRun: boolean;
  force: boolean;
}

export const EMPTY_SEND_FORM: SendForm = { email: '', topic: '', all: false, dryRun: true, force: false };

/** The form's fields as `paperboy send` options; empty fields are left out, so they mean "any". */
export function sendFormOf(body: FormBody): { form: SendForm; options: SendOptions } {
  const form: SendForm = {
    email: first(body.email).trim().slice(0, 320),
    topic: first(body.topic).trim().slice(0, 64),
    all: first(body.all) === 'yes',
    dryRun: first(body.dryRun) === 'yes',
    force: first(body.force) === 'yes',
  };
  const options: SendOptions = {};
  if (form.email) options.email = form.email;
  if (form.topic) options.topic = form.topic;
  if (form.all) options.all = true;
  if (form.dryRun) options.dryRun = true;
  if (form.force) options.force = true;
  return { form, options };
}

export function runRow(r: DigestRun): Record<string, unknown> {
  return {
    id: r.id,
    started: when(r.startedAt),
    finished: r.finishedAt ? when(r.finishedAt) : null,
    trigger: r.trigger,
    status: r.status,
    options: describeOptions(r.options),
    selected: r.selected,
    sent: r.sent,
    skippedEmpty: r.skippedEmpty,
    failed: r.failed,
  };
}

export function runPageData(detail: RunDetail, statusFilter: string | undefined): Record<string, unknown> {
  const { run, outcomes, total, deliveries, queue } = detail;
  return {
    run: runRow(run),
    queue,
    outcomes: Object.entries(outcomes).map(([status, count]) => ({ status, count, current: status === statusFilter })),
    filtered: Boolean(statusFilter),
    total,
    shown: deliveries.length,
    deliveries: deliveries.map((d) => ({ ...d, sentAt: d.sentAt ? d.sentAt.slice(0, 16).replace('T', ' ') : null })),
    canRetry: outcomes.failed > 0,
  };
}

export function dryRunData(summary: RunSummary, form: SendForm): Record<string, unknown> {
  const recipients = summary.recipients ?? [];
  return {
    summary,
    form,
    recipients: recipients.slice(0, 200).map((r) => ({ ...r, previewUrl: previewUrl(r.email) })),
    more: Math.max(0, recipients.length - 200),
  };
}

export function dashboardSearch(query: Record<string, string | undefined>, page: SubscriberPage | null): Record<string, unknown> {
  return {
    q: query.q ?? '',
    statuses: SUBSCRIBER_STATUSES.map((s) => ({ value: s, selected: s === query.status })),
    results: page && {
      total: page.total,
      shown: page.items.length,
      items: page.items.map((s) => ({
        ...s,
        topics: s.topics.join(', '),
        lastDigestAt: s.lastDigestAt ? when(s.lastDigestAt) : null,
        previewUrl: previewUrl(s.email),
      })),
    },
  };
}

export function topicChoices(topics: Topic[], selected: string): { slug: string; name: string; selected: boolean }[] {
  return topics.map((t) => ({ slug: t.slug, name: t.name, selected: t.slug === selected }));
}

/** The admin page's banner when no new papers came for INGEST_STALE_HOURS; null when all is well. */
export function sourceBanner(source: SourceState): { message: string } | null {
  if (!source.stale) return null;
  return {
    message: `No new papers for ${source.hoursWithoutNew} hours (weekends not counted; the limit is ${source.staleAfterHours}): the last arrived ${when(source.lastNewPaperAt!)} UTC. Check the dumps feeding the inbox. Digest runs meanwhile record it.`,
  };
}

/** `{email: "a@x", force: true}` as "email a@x, force" for a table cell. */
function describeOptions(options: Record<string, unknown>): string {
  const { sourceStale, ...asked } = (options ?? {}) as Record<string, unknown> & { sourceStale?: { hoursWithoutNew: number } };
  const audience = describeAsked(asked);
  return sourceStale ? `${audience}; source stale (${sourceStale.hoursWithoutNew} h without new papers)` : audience;
}

function describeAsked(options: Record<string, unknown>): string {
  const parts = Object.entries(options).filter(([, v]) => v !== undefined && v !== false);
  if (parts.length === 0) return 'due subscribers';
  return parts.map(([k, v]) => (v === true ? k : `${k} ${String(v)}`)).join(', ');
}

export function previewUrl(email: string): string {
  return `/admin/preview?email=${encodeURIComponent(email)}`;
}

function when(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 16).replace('T', ' ');
}
