import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelayMs, type RetrySchedule } from '../mail/mail.policy.js';

/** What one POST came to: delivered, worth another try later (429, 5xx, timeout, network), or refused for good (other 4xx, 3xx). */
export type PostOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; reason: string }
  | { kind: 'fail'; status: number; reason: string };

export interface RetryPolicy extends RetrySchedule {
  /** A Retry-After longer than this is not waited for within the run: the delivery is left failed for a later one. */
  maxWaitMs: number;
  timeoutMs: number;
}

export type Deliver = { ok: true; attempts: number; status: number } | { ok: false; attempts: number; retryable: boolean; reason: string };

/** POSTs a JSON body once; redirects are not followed (a webhook URL that moved is the operator's to fix). */
export async function postOnce(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Paperboy', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
    return { kind: 'retry', status: null, retryAfterMs: null, reason };
  }
  const text = (await res.text().catch(() => '')).slice(0, 300);
  if (res.status >= 200 && res.status < 300) return { kind: 'ok', status: res.status };
  const reason = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status === 429 || res.status >= 500) return { kind: 'retry', status: res.status, retryAfterMs: retryAfterMs(res.headers.get('retry-after')), reason };
  return { kind: 'fail', status: res.status, reason };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Tries, then waits base × 2^n (or the server's Retry-After, whichever is longer) between tries. */
export async function postWithRetries(url: string, body: string, headers: Record<string, string>, policy: RetryPolicy): Promise<Deliver> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(url, body, headers, policy.timeoutMs);
    if (outcome.kind === 'ok') return { ok: true, attempts: attempt, status: outcome.status };
    if (outcome.kind === 'fail') return { ok: false, attempts: attempt, retryable: false, reason: outcome.reason };
    const wait = Math.max(retryDelayMs(policy, attempt), outcome.retryAfterMs ?? 0);
    if (attempt > policy.retries) return { ok: false, attempts: attempt, retryable: true, reason: outcome.reason };
    if (wait > policy.maxWaitMs)
      return { ok: false, attempts: attempt, retryable: true, reason: `${outcome.reason} (asked to wait ${Math.round(wait / 1000)} s: left for a later run)` };
    await sleep(wait);
  }
}
