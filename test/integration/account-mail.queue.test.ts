import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/common/redis.js';
import { ACCOUNT_MAIL_QUEUE } from '../../src/subscribers/account-mail.queue.js';
import { SubscriberMailer } from '../../src/subscribers/subscriber.mailer.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { SmtpSink } from '../support/smtp-sink.js';

/** TEST_REDIS_URL (`.ci/run` starts one); missing is an error, not a skip. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? '';
if (!REDIS_URL) throw new Error('TEST_REDIS_URL is not set: the account mail queue tests need Redis (see .ci/run)');

let sink: SmtpSink;
let queue: Queue;
let dir: string;
const apps: TestApp[] = [];

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const a = await startApp({ REDIS_URL, MAIL_TRANSPORT: sink.url, DIGEST_RETRY_BASE_MS: '600000', DIGEST_RETRIES: '2', ...env }, { dir });
  apps.push(a);
  return a;
}

async function subscribe(a: TestApp, email: string): Promise<void> {
  const res = await fetch(`${a.url}/api/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, topics: ['llm'] }),
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  queue = new Queue(ACCOUNT_MAIL_QUEUE, { connection: redisConnection(REDIS_URL) });
});
afterAll(async () => {
  await queue.close();
  await sink.stop();
});
beforeEach(async () => {
  await queue.obliterate({ force: true });
  dir = mkdtempSync(join(tmpdir(), 'paperboy-account-mail-'));
  sink.reject = null;
  sink.messages.splice(0);
});
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('account emails with REDIS_URL go through the queue', () => {
  it('an email that could not go out before the process stopped is sent by the next one', async () => {
    let refused!: () => void;
    const firstTry = new Promise<void>((resolve) => (refused = resolve));
    sink.reject = () => (refused(), { code: 451, message: 'try again later' });
    const first = await app();
    await subscribe(first, 'kept@example.org');
    await firstTry;
    await first.close(); // the active try ends first; the job waits out its backoff in Redis
    apps.splice(apps.indexOf(first), 1);
    const [job, ...others] = await queue.getJobs(['delayed', 'waiting']);
    expect(others).toHaveLength(0);
    expect(job.data).toMatchObject({ kind: 'confirm' });
    expect(job.attemptsMade).toBe(1);

    sink.reject = null;
    const second = await app();
    await job.promote(); // stands in for the 10 minutes of backoff
    await sink.waitFor(1);
    expect(sink.messages[0].envelopeTo).toEqual(['kept@example.org']);
    expect(sink.messages[0].parsed.subject).toBe('Confirm your Paperboy subscription');
    const row = await second.app.get(SubscriberRepository).findByEmail('kept@example.org');
    expect(row?.status).toBe('pending');
  });

  it('a permanent refusal bounces the address with the mail policy reason, and the job is not retried', async () => {
    sink.reject = (rcpt) => (rcpt === 'gone@example.org' ? { code: 550, message: 'no such user' } : null);
    const a = await app();
    await subscribe(a, 'gone@example.org');
    await subscribe(a, 'here@example.org');
    await a.app.get(SubscriberMailer).idle();
    const repo = a.app.get(SubscriberRepository);
    expect(await repo.findByEmail('gone@example.org')).toMatchObject({ status: 'bounced', statusReason: expect.stringMatching(/^bounced: 550 /) });
    expect(await repo.findByEmail('here@example.org')).toMatchObject({ status: 'pending' });
    expect(sink.messages.map((m) => m.envelopeTo)).toEqual([['here@example.org']]);
    expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
  });
});
