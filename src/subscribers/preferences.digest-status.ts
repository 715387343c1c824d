import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { periodOf } from '../digests/digest-period.js';
import type { Subscriber } from './subscriber.entity.js';
import { SubscriberRepository } from './subscriber.repository.js';

/** Why a due digest did not go: the words the preferences page and the admin run detail both use. */
export type NotSentReason = 'nothing matched' | 'paused' | 'bounced' | 'source stale' | 'failed, will be retried' | 'not sent yet';

export interface DigestStatus {
  /** In the reader's zone, e.g. "Thursday 3 December, 08:00 (Europe/Berlin)"; null before the first. */
  lastSent: string | null;
  nextDue: string | null;
  /** The latest due period that got no email, and why; null when it went (or none was due yet). */
  /** `day` is the due day in the reader's zone ("Thursday 20 August", or "the week of Monday 17 August"). */
  notSent: { period: string; day: string; reason: NotSentReason; detail: string } | null;
}

interface LedgerRow {
  status: string;
  options: string | null;
}

/**
 * A skipped digest is "nothing matched", unless the run recorded that no new papers had come for
 * INGEST_STALE_HOURS: then the reader is told the source was stale, not that nothing interested them.
 */
export function reasonFor(status: string, runOptions: unknown): NotSentReason | null {
  if (status === 'sent') return null;
  if (status === 'bounced') return 'bounced';
  if (status === 'failed') return 'failed, will be retried';
  if (status === 'pending') return 'not sent yet';
  return staleIn(runOptions) ? 'source stale' : 'nothing matched';
}

const DETAIL: Record<NotSentReason, string> = {
  'nothing matched': 'No new paper matched your topics or keywords, so we sent nothing rather than an empty email.',
  paused: 'Your digests are paused: resume them below to get the next one.',
  bounced: 'Our last email to this address bounced, so we stopped sending. Subscribe again below if the address works now.',
  'source stale': 'No new papers had reached Paperboy for a while (a source problem on our side), so there was nothing to send.',
  'failed, will be retried': 'Sending failed for a moment; the next run tries again.',
  'not sent yet': 'It is on its way: the scheduler looks every few minutes.',
};

function staleIn(options: unknown): boolean {
  const o = typeof options === 'string' ? (JSON.parse(options) as Record<string, unknown>) : (options as Record<string, unknown> | null);
  return Boolean(o && o.sourceStale);
}

/** When the reader's last digest went, when the next is due, and why a due one did not go. */
@Injectable()
export class DigestStatusService {
  constructor(
    private readonly subscribers: SubscriberRepository,
    private readonly clock: Clock,
  ) {}

  async of(s: Subscriber, now: Date = this.clock.now()): Promise<DigestStatus> {
    const last = await this.subscribers.lastSentAt(s.id);
    const due = lastDueMoment(s, now);
    const period = due ? periodOf(schedule(s), due) : null;
    const rows: LedgerRow[] = period ? await this.subscribers.periodRows(s.id, period) : [];
    const reason = notSentReason(s, rows[0]);
    return {
      lastSent: last ? local(last, s.timezone) : null,
      nextDue: s.status === 'confirmed' && !s.paused ? nextLabel(nextDueMoment(s, now, rows[0]?.status), now, s.timezone) : null,
      notSent: due && period && reason ? { period, day: dayLabel(s, due), reason, detail: DETAIL[reason] } : null,
    };
  }
}

function notSentReason(s: Subscriber, row: LedgerRow | undefined): NotSentReason | null {
  if (row) return reasonFor(row.status, row.options);
  if (s.status === 'bounced') return 'bounced';
  if (s.paused) return 'paused';
  return s.status === 'confirmed' ? 'not sent yet' : null;
}

function schedule(s: Subscriber) {
  return { frequency: s.frequency, timezone: s.timezone, hour: s.deliveryHour };
}

/** The most recent delivery moment at or before now (today's hour, or this week's Monday), after the reader joined. */
function lastDueMoment(s: Subscriber, now: Date): Date | null {
  let t = DateTime.fromJSDate(now, { zone: s.timezone }).set({ hour: s.deliveryHour, minute: 0, second: 0, millisecond: 0 });
  if (s.frequency === 'weekly') t = t.set({ weekday: 1 });
  if (t.toMillis() > now.getTime()) t = t.minus(s.frequency === 'weekly' ? { weeks: 1 } : { days: 1 });
  const since = s.confirmedAt ?? s.subscribedAt;
  return since && t.toMillis() < new Date(since).getTime() ? null : t.toJSDate();
}

/** The next moment a digest is due: the current period's, unless it is past and done. */
function nextDueMoment(s: Subscriber, now: Date, currentStatus: string | undefined): Date {
  let t = DateTime.fromJSDate(now, { zone: s.timezone }).set({ hour: s.deliveryHour, minute: 0, second: 0, millisecond: 0 });
  if (s.frequency === 'weekly') t = t.set({ weekday: 1 });
  const step = s.frequency === 'weekly' ? { weeks: 1 } : { days: 1 };
  if (t.toMillis() <= now.getTime() && currentStatus !== undefined && currentStatus !== 'pending' && currentStatus !== 'failed') t = t.plus(step);
  else if (t.toMillis() <= now.getTime() && currentStatus === undefined && lastDueMoment(s, now) === null) t = t.plus(step);
  return t.toJSDate();
}

function dayLabel(s: Subscriber, due: Date): string {
  const day = DateTime.fromJSDate(due, { zone: s.timezone }).toFormat('cccc d LLLL');
  return s.frequency === 'weekly' ? `the week of ${day}` : day;
}

function nextLabel(next: Date, now: Date, zone: string): string {
  return next.getTime() <= now.getTime() ? 'due now: the scheduler looks every few minutes' : local(next, zone);
}

function local(d: Date, zone: string): string {
  return `${DateTime.fromJSDate(d, { zone }).toFormat('cccc d LLLL, HH:mm')} (${zone})`;
}
