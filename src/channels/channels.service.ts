import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CandidateLoader } from '../digests/candidate.loader.js';
import { isDue, MAX_WINDOW_MS, periodOf, windowStartFor } from '../digests/digest-period.js';
import type { CandidatePool } from '../digests/digest.selection.js';
import { postWithRetries, type RetryPolicy } from '../events/http-post.js';
import { retryScheduleOf } from '../mail/mail.policy.js';
import { SIGNATURE_HEADER, signBody } from '../common/signing.js';
import { withClaimant } from '../digests/delivery.claims.js';
import { parseQuery, QuerySyntaxError } from '../topics/query.parser.js';
import { TopicsService } from '../topics/topics.service.js';
import { ChannelLedger, type ClaimedChannelDelivery } from './channel-ledger.repository.js';
import { ChannelRepository } from './channel.repository.js';
import { payloadFor } from './channel.formats.js';
import { CHANNEL_KINDS, type Channel, type ChannelKind, type ChannelRunSummary } from './channel.types.js';

/** Which channels a digest run takes: the same options as `paperboy send` (an --email run is one reader's, so none). */
export interface ChannelRunOptions {
  email?: string;
  topic?: string;
  all?: boolean;
  dryRun?: boolean;
}

interface RunState {
  runId: number | null;
  claimant: string;
  pool: CandidatePool;
  names: Map<string, string>;
  now: Date;
  summary: ChannelRunSummary;
}

/** A long Retry-After is not waited out inside a run: the row stays failed and a later run picks it up. */
const MAX_WAIT_MS = 60_000;

/** Team channels (Slack, Discord, signed webhook): configured by operators, delivered in the digest runs. */
@Injectable()
export class ChannelsService {
  private readonly log = new Logger('Channels');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ChannelRepository,
    private readonly ledger: ChannelLedger,
    private readonly loader: CandidateLoader,
    private readonly topics: TopicsService,
  ) {}

  list(): Promise<Channel[]> {
    return this.repo.list();
  }

  async add(raw: unknown): Promise<Channel> {
    const input = await this.validate(raw);
    try {
      await this.repo.insert(input);
    } catch (err) {
      if (err instanceof QueryFailedError && /unique|duplicate/i.test(err.message)) throw new ConflictError(`a channel named "${input.name}" exists already`);
      throw err;
    }
    return (await this.repo.findByName(input.name))!;
  }

  async remove(name: string): Promise<void> {
    if (!(await this.repo.remove(name))) throw new NotFoundError(`no channel named "${String(name).slice(0, 64)}"`);
  }

  /**
   * The channels' part of a digest run (DigestService.run calls this, so the scheduler, `paperboy send`
   * and the admin button share it): each channel due (or all with --all, those of --topic) gets its
   * period's digest once; undefined when the run concerns no channel.
   */
  async run(runId: number | null, options: ChannelRunOptions, now = new Date()): Promise<ChannelRunSummary | undefined> {
    if (options.email !== undefined || options.dryRun) return undefined;
    const channels = (await this.repo.list()).filter((c) => (options.topic ? c.topics.includes(options.topic) : options.all || isDue(schedule(c), now)));
    if (channels.length === 0) return undefined;
    const pool = await this.loader.load(new Date(now.getTime() - MAX_WINDOW_MS), now);
    const names = new Map((await this.topics.list()).map((t) => [t.slug, t.name]));
    const summary = { selected: 0, sent: 0, skippedEmpty: 0, failed: 0 };
    await withClaimant(async (claimant) => {
      for (const c of channels) await this.deliverOne(c, { runId, claimant, pool, names, now, summary });
    });
    this.log.log({ msg: 'channels delivered', runId, ...summary });
    return summary;
  }

  private async deliverOne(c: Channel, s: RunState): Promise<void> {
    const windowStart = windowStartFor('daily', await this.ledger.lastWindowEnd(c.id), s.now);
    const claimed = await this.ledger.claim(c.id, periodOf(schedule(c), s.now), s.runId, s.claimant, windowStart, s.now);
    if (!claimed) return; // sent, skipped or refused already this period, or a live run holds it
    s.summary.selected++;
    const selection = s.pool.select({
      topics: c.topics,
      keywords: c.keywords,
      windowStart: claimed.windowStart,
      windowEnd: s.now,
      max: this.config.digest.maxPapers,
      topicNames: s.names,
    });
    if (selection.total === 0) {
      await this.ledger.finish(claimed.id, 'skipped', { windowEnd: s.now, paperIds: [] });
      s.summary.skippedEmpty++;
      return;
    }
    const body = JSON.stringify(
      payloadFor({ channel: c, deliveryId: claimed.id, period: claimed.period, selection, topicNames: s.names, publicUrl: this.config.publicUrl }),
    );
    const result = await this.post(c, claimed, body);
    if (result.ok) {
      await this.ledger.finish(claimed.id, 'sent', {
        attempts: claimed.attempts + result.attempts,
        error: null,
        windowEnd: s.now,
        paperIds: selection.allIds ?? [],
        sentAt: new Date(),
      });
      await this.repo.recordDelivery(c.id, new Date());
      s.summary.sent++;
      return;
    }
    await this.ledger.finish(claimed.id, result.retryable ? 'failed' : 'rejected', { attempts: claimed.attempts + result.attempts, error: result.reason });
    await this.repo.recordError(c.id, result.reason, new Date());
    s.summary.failed++;
    this.log.warn({ msg: 'channel delivery failed', channel: c.name, reason: result.reason, retryable: result.retryable });
  }

  private post(c: Channel, claimed: ClaimedChannelDelivery, body: string) {
    // The delivery id lets a receiver drop the second copy of a delivery whose answer was lost in a crash.
    const headers: Record<string, string> = { 'X-Paperboy-Delivery': `channel-delivery-${claimed.id}` };
    const secret = this.config.integrations.webhookSecret;
    if (c.kind === 'webhook') {
      if (!secret)
        return Promise.resolve({ ok: false as const, attempts: 0, retryable: true, reason: 'WEBHOOK_SECRET is not set: webhook channels are signed with it' });
      headers[SIGNATURE_HEADER] = signBody(secret, body);
    }
    return postWithRetries(c.url, body, headers, this.policy());
  }

  private policy(): RetryPolicy {
    return {
      ...retryScheduleOf(this.config), // the mail policy's schedule: channels retry like digests
      maxWaitMs: MAX_WAIT_MS,
      timeoutMs: this.config.integrations.httpTimeoutMs,
    };
  }

  private async validate(raw: unknown): Promise<{ name: string; kind: ChannelKind; url: string; topics: string[]; keywords: string | null; hour: number }> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InvalidInputError('a channel is a JSON object {name, kind, url, topics, keywords?, hour?}');
    const r = raw as Record<string, unknown>;
    const problems: string[] = [];
    const name = typeof r.name === 'string' ? r.name.trim() : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) problems.push('name: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    const kind = r.kind as ChannelKind;
    if (!CHANNEL_KINDS.includes(kind)) problems.push(`kind: one of ${CHANNEL_KINDS.join(', ')}`);
    const url = typeof r.url === 'string' ? r.url.trim() : '';
    if (!isHttpUrl(url)) problems.push('url: an http:// or https:// URL');
    const topics = topicList(r.topics);
    const valid = new Set((await this.topics.list()).map((t) => t.slug));
    const unknown = topics.filter((t) => !valid.has(t));
    if (unknown.length) problems.push(`topics: unknown ${unknown.join(', ')}; valid topics: ${[...valid].sort().join(', ')}`);
    const keywords = typeof r.keywords === 'string' && r.keywords.trim() ? r.keywords.trim() : null;
    if (keywords) checkKeywords(keywords, problems);
    if (topics.length === 0 && !keywords) problems.push('topics: choose at least one topic or give keywords');
    const hour = r.hour === undefined || r.hour === null || r.hour === '' ? this.config.digest.defaultHour : Number(r.hour);
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) problems.push('hour: an hour 0–23 (UTC)');
    if (kind === 'webhook' && !this.config.integrations.webhookSecret)
      problems.push('kind webhook: set WEBHOOK_SECRET first (webhook channels are signed with it)');
    if (problems.length) throw new InvalidInputError(`invalid channel: ${problems.join('; ')}`);
    return { name, kind, url, topics, keywords, hour };
  }
}

export function schedule(c: Channel) {
  return { frequency: 'daily' as const, timezone: 'Etc/UTC', hour: c.hour };
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && v.length <= 2000;
  } catch {
    return false;
  }
}

function topicList(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,;]/) : [];
  return [...new Set(list.map((t) => String(t).trim()).filter(Boolean))];
}

function checkKeywords(keywords: string, problems: string[]): void {
  try {
    parseQuery(keywords, { maxLength: 300, maxTerms: 30 });
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    problems.push(`keywords: ${err.message}`);
  }
}
