import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { PinoLogger } from '../../src/common/pino.logger.js';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

let t: TestApp;
let sink: SmtpSink;

/** Every admin route, with a request that would succeed given the token: 401 must come from the token alone. */
const ROUTES: { method: string; path: string; body?: string; type?: string }[] = [
  { method: 'POST', path: '/api/admin/ingest', body: readFileSync(fromRoot('test/fixtures/digest/2026-07-17.json'), 'utf8') },
  { method: 'POST', path: '/api/admin/send', body: JSON.stringify({ dryRun: true }), type: 'application/json' },
  { method: 'GET', path: '/api/admin/preview?email=ann@example.org' },
  { method: 'GET', path: '/api/admin/runs' },
  { method: 'GET', path: '/api/admin/runs/1' },
  { method: 'POST', path: '/api/admin/runs/1/retry' },
  { method: 'GET', path: '/api/admin/subscribers?q=ann' },
  { method: 'DELETE', path: '/api/admin/subscribers/ann@example.org' },
  { method: 'GET', path: '/api/admin/subscribers/export' },
  { method: 'POST', path: '/api/admin/subscribers/import', body: 'email,topics\nzed@example.org,llm\n', type: 'text/csv' },
  { method: 'POST', path: '/api/admin/topics', body: JSON.stringify({ slug: 'intruder', name: 'Intruder' }), type: 'application/json' },
  { method: 'POST', path: '/api/admin/topics/retag', body: JSON.stringify({}), type: 'application/json' },
  { method: 'GET', path: '/api/admin/stats' },
  { method: 'GET', path: '/api/admin/jobs' },
  { method: 'GET', path: '/api/admin/jobs/1' },
  { method: 'GET', path: '/api/admin/channels' },
  {
    method: 'POST',
    path: '/api/admin/channels',
    body: JSON.stringify({ name: 'intruder', kind: 'slack', url: 'https://hooks.slack.example/x', topics: ['agents'] }),
    type: 'application/json',
  },
  { method: 'DELETE', path: '/api/admin/channels/lab' },
];

// Answers are read field by field; a loose type keeps the assertions readable.
type Json = Record<string, any>;

function call(method: string, path: string, options: { body?: string; type?: string; token?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TEST_ADMIN_TOKEN}`;
  if (options.type) headers['content-type'] = options.type;
  return fetch(`${t.url}${path}`, { method, headers, body: options.body });
}

async function json(method: string, path: string, body?: unknown, expected = 200): Promise<Json> {
  const res = await call(method, path, body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' });
  const parsed = (await res.json()) as Json;
  expect({ status: res.status, body: parsed }).toEqual({ status: expected, body: expect.anything() });
  return parsed;
}

/** A 400 answer in the contract's shape, whose message matches `reason`. */
async function expectBadInput(res: Response, reason: RegExp): Promise<void> {
  const body = (await res.json()) as Json;
  expect({ status: res.status, body }).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(reason) } });
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_RETRIES: '0', DIGEST_RETRY_BASE_MS: '0' });
  await clearPapers(t.app);
  await ingestDay(t.app, '2026-07-16');
  await addConfirmed(t.app, 'ann@example.org', { topics: ['agents'] });
});

afterEach(() => {
  sink.reject = null;
});

afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

describe('the admin API refuses requests without the token', () => {
  it('covers every admin route the app serves', () => {
    const stack = (t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router
      .stack;
    const served = stack
      .filter((l) => l.route?.path.startsWith('/api/admin'))
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`));
    const tested = ROUTES.map(
      (r) =>
        `${r.method} ${r.path.split('?')[0].replace('/runs/1', '/runs/:id').replace('/jobs/1', '/jobs/:id').replace('/ann@example.org', '/:email').replace('/channels/lab', '/channels/:name')}`,
    );
    expect(served.sort()).toEqual(tested.sort());
  });

  it.each(ROUTES)('$method $path: 401 without a token and with a wrong one, and nothing happens', async (route) => {
    for (const token of [null, 'wrong-token-0123456789abcdef0123456789', `${TEST_ADMIN_TOKEN}x`]) {
      const res = await call(route.method, route.path, { body: route.body, type: route.type, token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('admin token') });
    }
    const who = await json('GET', '/api/admin/subscribers?q=ann@example.org');
    expect(who.total).toBe(1);
    expect(sink.messages).toHaveLength(0);
  });

  it('logs each admin action with a token id, never the token', async () => {
    const info = jest.spyOn(PinoLogger.prototype, 'log');
    const warn = jest.spyOn(PinoLogger.prototype, 'warn');
    try {
      await json('GET', '/api/admin/runs?limit=5');
      await call('GET', '/api/admin/stats', { token: 'nope' });
      const id = createHash('sha256').update(TEST_ADMIN_TOKEN).digest('hex').slice(0, 8);
      expect(info.mock.calls.map((c) => c[0])).toContainEqual(
        expect.objectContaining({ msg: 'admin action', who: id, via: 'token', action: 'GET /api/admin/runs', query: { limit: '5' }, status: 200 }),
      );
      expect(warn.mock.calls.map((c) => c[0])).toContainEqual(
        expect.objectContaining({ msg: 'admin request refused', path: '/api/admin/stats', reason: 'wrong token' }),
      );
      expect(JSON.stringify([...info.mock.calls, ...warn.mock.calls])).not.toContain(TEST_ADMIN_TOKEN);
    } finally {
      info.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('POST /api/admin/ingest', () => {
  it('ingests the dump in the body', async () => {
    const res = await call('POST', '/api/admin/ingest?name=day2.json', { body: ROUTES[0].body });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ format: 'hf-api', new: expect.any(Number) });
  });

  it('answers 400 for an unknown format or an empty body', async () => {
    await expectBadInput(await call('POST', '/api/admin/ingest?format=csv', { body: 'x' }), /unknown format "csv"/);
    await expectBadInput(await call('POST', '/api/admin/ingest', {}), /empty/);
  });
});

describe('POST /api/admin/send', () => {
  it('runs a send and answers the run summary', async () => {
    const summary = await json('POST', '/api/admin/send', { email: 'ann@example.org' });
    expect(summary).toEqual({ runId: expect.any(Number), selected: 1, sent: 1, skippedEmpty: 0, failed: 0, dryRun: false });
    await sink.waitFor(1);
    expect(sink.to('ann@example.org')).toHaveLength(1);
  });

  it('answers 400 for an unknown address, an unknown topic and bad options', async () => {
    await expectBadInput(
      await call('POST', '/api/admin/send', { body: JSON.stringify({ email: 'nobody@example.org' }), type: 'application/json' }),
      /no subscriber with the address "nobody@example.org"/,
    );
    await expectBadInput(
      await call('POST', '/api/admin/send', { body: JSON.stringify({ topic: 'astrology' }), type: 'application/json' }),
      /unknown topic "astrology"/,
    );
    await expectBadInput(await call('POST', '/api/admin/send', { body: JSON.stringify({ all: 'yes' }), type: 'application/json' }), /all: .*boolean/);
    await expectBadInput(
      await call('POST', '/api/admin/send', { body: JSON.stringify({ everyone: true }), type: 'application/json' }),
      /unknown field everyone/,
    );
    await expectBadInput(await call('POST', '/api/admin/send', { body: '{"email":', type: 'application/json' }), /JSON/);
    await expectBadInput(await call('POST', '/api/admin/send', { body: 'email=ann@example.org', type: 'text/plain' }), /as JSON/);
    expect(sink.messages).toHaveLength(1);
  });
});

describe('GET /api/admin/preview', () => {
  it('answers the digest HTML under its own sandboxing CSP, or JSON', async () => {
    await addConfirmed(t.app, 'previewed@example.org', { topics: ['agents'] });
    const res = await call('GET', '/api/admin/preview?email=previewed@example.org');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    const html = await res.text();
    const data = await json('GET', '/api/admin/preview?email=previewed@example.org&format=json');
    expect(data).toMatchObject({
      email: 'previewed@example.org',
      subject: expect.stringMatching(/paper/i),
      papers: expect.any(Array),
      total: expect.any(Number),
    });
    const papers = data.papers as unknown as Json[];
    expect(papers.length).toBeGreaterThan(0);
    expect(papers[0]).toMatchObject({
      id: expect.any(Number),
      title: expect.any(String),
      score: expect.any(Number),
      section: { kind: 'topic', key: 'agents' },
      feedback: { more: expect.stringMatching(/\/feedback\/[\w-]+\.[\w-]{43}$/), less: expect.stringMatching(/\/feedback\/[\w-]+\.[\w-]{43}$/) },
    });
    expect(papers[0].reasons).toEqual([{ kind: 'topic', label: 'AI agents and tool use', words: expect.any(Array) }]);
    const one = await json('GET', '/api/admin/preview?email=previewed@example.org&format=json&limit=1');
    // Each render signs fresh feedback links (they carry their issue time): the same paper, with links of the same shape.
    const unsigned = (p: { feedback: unknown }) => ({ ...p, feedback: null });
    expect((one.papers as unknown as { feedback: unknown }[]).map(unsigned)).toEqual([unsigned(papers[0] as unknown as { feedback: unknown })]);
    expect(one.papers[0].feedback).toEqual({ more: expect.stringMatching(/\/feedback\/[\w.-]+$/), less: expect.stringMatching(/\/feedback\/[\w.-]+$/) });
    await expectBadInput(await call('GET', '/api/admin/preview?email=previewed@example.org&format=json&limit=0'), /limit must be a whole number/);
    const withoutLinks = (h: string) => h.replace(/\/(preferences|unsubscribe|mute|feedback)\/[\w.-]+/g, ''); // each render signs fresh links
    expect(withoutLinks(data.html)).toBe(withoutLinks(html));
    expect(sink.to('previewed@example.org')).toEqual([]);
  });

  it('answers 400 for an unknown or missing address and an unknown format', async () => {
    await expectBadInput(await call('GET', '/api/admin/preview?email=nobody@example.org'), /no subscriber with the address "nobody@example.org"/);
    await expectBadInput(await call('GET', '/api/admin/preview'), /email is required/);
    await expectBadInput(await call('GET', '/api/admin/preview?email=ann@example.org&format=pdf'), /format must be html or json/);
  });
});

describe('runs', () => {
  let failedRun: Json;

  it('GET /api/admin/runs lists runs newest first with their counts', async () => {
    const runs = (await json('GET', '/api/admin/runs')) as unknown as Json[];
    expect(runs[0]).toMatchObject({
      id: expect.any(Number),
      trigger: 'admin',
      status: 'finished',
      selected: 1,
      sent: 1,
      skippedEmpty: 0,
      failed: 0,
      options: { email: 'ann@example.org' },
    });
    await expectBadInput(await call('GET', '/api/admin/runs?limit=0'), /limit must be a whole number from 1 to 500/);
  });

  it("GET /api/admin/runs/:id shows each subscriber's outcome from the ledger", async () => {
    await addConfirmed(t.app, 'flaky@example.org', { topics: ['agents'] });
    await addConfirmed(t.app, 'steady@example.org', { topics: ['agents'] });
    sink.reject = (rcpt) => (rcpt === 'flaky@example.org' ? { code: 451, message: 'try again later' } : null);
    failedRun = await json('POST', '/api/admin/send', { topic: 'agents' });
    expect(failedRun).toMatchObject({ selected: 3, sent: 2, failed: 1 }); // flaky, steady, previewed (ann got hers)
    const detail = await json('GET', `/api/admin/runs/${failedRun.runId}`);
    expect(detail.run).toMatchObject({ id: failedRun.runId, selected: 3, sent: 2, failed: 1 });
    expect(detail.outcomes).toMatchObject({ sent: 2, failed: 1 });
    const flaky = detail.deliveries.find((d: Json) => d.email === 'flaky@example.org');
    expect(flaky).toEqual({
      id: expect.any(Number),
      email: 'flaky@example.org',
      period: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      resend: 0,
      status: 'failed',
      attempts: 1,
      error: expect.stringMatching(/451/),
      papers: 0,
      sentAt: null,
      reason: 'failed, will be retried',
    });
    expect(detail.deliveries.find((d: Json) => d.email === 'steady@example.org')).toMatchObject({
      status: 'sent',
      attempts: 1,
      error: null,
      papers: expect.any(Number),
      sentAt: expect.any(String),
    });
    expect(detail.deliveries.find((d: Json) => d.email === 'steady@example.org').papers).toBeGreaterThan(0);
    const onlyFailed = await json('GET', `/api/admin/runs/${failedRun.runId}?status=failed`);
    expect(onlyFailed.deliveries.map((d: Json) => d.email)).toEqual(['flaky@example.org']);
  });

  it('GET /api/admin/runs/:id answers 400 for a bad id or status, 404 for an unknown run', async () => {
    await expectBadInput(await call('GET', '/api/admin/runs/abc'), /run id must be a number/);
    await expectBadInput(await call('GET', `/api/admin/runs/${failedRun.runId}?status=lost`), /status must be one of/);
    const res = await call('GET', '/api/admin/runs/999999');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, message: 'no digest run 999999' });
  });

  it('POST /api/admin/runs/:id/retry retries only the failed deliveries, as a new run', async () => {
    const before = sink.messages.length;
    const retry = await json('POST', `/api/admin/runs/${failedRun.runId}/retry`);
    expect(retry).toEqual({ runId: expect.any(Number), selected: 1, sent: 1, skippedEmpty: 0, failed: 0, dryRun: false });
    expect(retry.runId).not.toBe(failedRun.runId);
    expect(sink.messages.slice(before).map((m) => m.envelopeTo)).toEqual([['flaky@example.org']]);
    const detail = await json('GET', `/api/admin/runs/${retry.runId}`);
    expect(detail.run).toMatchObject({ trigger: 'admin', options: { retryOf: failedRun.runId } });
    expect(detail.deliveries).toEqual([expect.objectContaining({ email: 'flaky@example.org', status: 'sent', attempts: 2 })]);
  });

  it('POST /api/admin/runs/:id/retry answers 400 when nothing is left to retry or the id is bad, 404 for an unknown run', async () => {
    await expectBadInput(await call('POST', `/api/admin/runs/${failedRun.runId}/retry`), /no failed deliveries left to retry/);
    await expectBadInput(await call('POST', '/api/admin/runs/x1/retry'), /run id must be a number/);
    expect((await call('POST', '/api/admin/runs/999999/retry')).status).toBe(404);
  });
});

describe('subscribers', () => {
  it('GET /api/admin/subscribers searches by address and status, paginated', async () => {
    const byText = await json('GET', '/api/admin/subscribers?q=ST');
    expect(byText.items.map((s: Json) => s.email)).toEqual(['steady@example.org']);
    expect(byText.items[0]).toMatchObject({ status: 'confirmed', topics: ['agents'], frequency: 'daily', hour: 0 });
    const confirmed = await json('GET', '/api/admin/subscribers?status=confirmed&limit=2&offset=1');
    expect(confirmed).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(confirmed.items).toHaveLength(2);
    expect((await json('GET', '/api/admin/subscribers?q=%25')).total).toBe(0); // LIKE wildcards are literal
    await expectBadInput(await call('GET', '/api/admin/subscribers?status=sleeping'), /status must be one of pending, confirmed/);
    await expectBadInput(await call('GET', '/api/admin/subscribers?limit=5000'), /limit must be a whole number from 1 to 500/);
  });

  it('POST /api/admin/subscribers/import imports good rows and reports the others with their line', async () => {
    const csv =
      'email,topics,keywords,frequency,timezone,hour\nnew1@example.org,llm;agents,,weekly,Europe/Paris,7\nnew2@example.org,astrology\n"new3@example.org",,"speculative decoding",,,\nnot-an-address,llm\n';
    const res = await call('POST', '/api/admin/subscribers/import?confirmed=true', { body: csv, type: 'text/csv' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      rows: 4,
      created: 2,
      updated: 0,
      rejected: [
        { line: 3, email: 'new2@example.org', reason: expect.stringMatching(/unknown topic "astrology"/) },
        { line: 5, email: 'not-an-address', reason: expect.stringMatching(/invalid email address/) },
      ],
    });
    const [new1] = (await json('GET', '/api/admin/subscribers?q=new1')).items;
    expect(new1).toMatchObject({ status: 'confirmed', topics: ['llm', 'agents'], frequency: 'weekly', timezone: 'Europe/Paris', hour: 7 });
    expect((await json('GET', '/api/admin/subscribers?q=new3')).items[0]).toMatchObject({ status: 'confirmed', topics: [], keywords: 'speculative decoding' });
  });

  it('POST /api/admin/subscribers/import answers 400 for a malformed CSV and stores nothing of it', async () => {
    const count = async () => (await json('GET', '/api/admin/subscribers')).total;
    const before = await count();
    const post = (body: string, query = '') => call('POST', `/api/admin/subscribers/import${query}`, { body, type: 'text/csv' });
    await expectBadInput(await post('email,topics\nok@example.org,llm\n"broken@example.org,llm\n'), /not a readable CSV file \(line 3\).*[Qq]uote/);
    await expectBadInput(await post('mail,topics\nok@example.org,llm\n'), /line 1: the header lacks column email and has unknown column "mail"/);
    await expectBadInput(await post(''), /empty/);
    await expectBadInput(await post('email,topics\n', '?confirmed=maybe'), /confirmed must be true or false/);
    expect(await count()).toBe(before);
  });

  it('GET /api/admin/subscribers/export answers every subscriber as CSV', async () => {
    const res = await call('GET', '/api/admin/subscribers/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('email,topics,keywords,frequency,timezone,hour,status');
    expect(lines).toContain('new1@example.org,llm;agents,,weekly,Europe/Paris,7,confirmed');
    expect(lines).toContain('new3@example.org,,speculative decoding,daily,UTC,8,confirmed');
    expect(lines).toHaveLength(1 + (await json('GET', '/api/admin/subscribers')).total);
  });

  it('DELETE /api/admin/subscribers/:email deletes one, and answers 400 for an unknown address', async () => {
    expect(await json('DELETE', '/api/admin/subscribers/New1@Example.org')).toEqual({ removed: 'new1@example.org' });
    expect((await json('GET', '/api/admin/subscribers?q=new1')).total).toBe(0);
    await expectBadInput(await call('DELETE', '/api/admin/subscribers/new1@example.org'), /no subscriber with the address "new1@example.org"/);
  });
});

describe('topics', () => {
  it('POST /api/admin/topics creates a topic with its query and tags the stored papers', async () => {
    const created = await call('POST', '/api/admin/topics', {
      body: JSON.stringify({ slug: 'tool-agents', name: 'Tool agents', description: 'Agents that call tools', query: 'title:agent*' }),
      type: 'application/json',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      created: true,
      topic: { slug: 'tool-agents', name: 'Tool agents', description: 'Agents that call tools', query: 'title:agent*' },
    });
    const papers = (await (await fetch(`${t.url}/api/papers?topic=tool-agents`)).json()) as Json[];
    expect(papers.length).toBeGreaterThan(0);
    for (const p of papers) expect(p.title).toMatch(/agent/i);
  });

  it('POST /api/admin/topics edits a topic, keeping the fields left out', async () => {
    const edited = await json('POST', '/api/admin/topics', { slug: 'tool-agents', query: 'title:harness*' });
    expect(edited).toEqual({
      created: false,
      topic: { slug: 'tool-agents', name: 'Tool agents', description: 'Agents that call tools', query: 'title:harness*' },
    });
    const papers = (await (await fetch(`${t.url}/api/papers?topic=tool-agents`)).json()) as Json[];
    expect(papers.map((p) => p.title)).toEqual(['Harness Handbook: Making Evolving Agent Harnesses Readable,Navigable, and Editable']);
  });

  it('POST /api/admin/topics answers 400 for a bad query, a new topic without a name, a bad slug or an unknown field', async () => {
    const post = (body: unknown) => call('POST', '/api/admin/topics', { body: JSON.stringify(body), type: 'application/json' });
    await expectBadInput(await post({ slug: 'tool-agents', query: 'agents AND (tools' }), /query: missing "\)" .*position 11/);
    await expectBadInput(await post({ slug: 'brand-new', query: 'x' }), /a new topic needs a name/);
    await expectBadInput(await post({ slug: 'Not A Slug', name: 'X' }), /slug must match/);
    await expectBadInput(await post({ slug: 'tool-agents', colour: 'red' }), /unknown field colour/);
  });

  it('POST /api/admin/topics/retag re-tags the given topics or all, and answers 400 for an unknown topic', async () => {
    const one = await json('POST', '/api/admin/topics/retag', { slugs: ['agents'] });
    expect(one).toEqual({ papers: expect.any(Number), tags: expect.any(Number) });
    expect(one.tags).toBeGreaterThan(0);
    const all = await json('POST', '/api/admin/topics/retag');
    expect(all.tags).toBeGreaterThan(one.tags);
    await expectBadInput(
      await call('POST', '/api/admin/topics/retag', { body: JSON.stringify({ slugs: ['agents', 'astrology'] }), type: 'application/json' }),
      /unknown topic "astrology"/,
    );
  });

  it('re-tagging one topic gives it the tags a full pass gives: the model weighs the other topics too', async () => {
    const llmTags = async () => {
      const papers = (await (await fetch(`${t.url}/api/papers?topic=llm&limit=1000`)).json()) as { id: number; topics: Json[] }[];
      return papers.map((p) => ({ id: p.id, tag: p.topics.find((x) => x.slug === 'llm') })).sort((a, b) => a.id - b.id);
    };
    await json('POST', '/api/admin/topics/retag');
    const full = await llmTags();
    expect(full.length).toBeGreaterThan(3);
    await json('POST', '/api/admin/topics/retag', { slugs: ['llm'] });
    expect(await llmTags()).toEqual(full);
  });
});

describe('GET /api/admin/stats', () => {
  it('answers subscribers by status and topic, digests per day and the rates', async () => {
    await addConfirmed(t.app, 'gone@example.org', { topics: ['agents'] });
    sink.reject = (rcpt) => (rcpt === 'gone@example.org' ? { code: 550, message: 'no such user' } : null);
    expect(await json('POST', '/api/admin/send', { email: 'gone@example.org' })).toMatchObject({ sent: 0, failed: 1 });
    const stats = await json('GET', '/api/admin/stats');
    expect(stats.subscribers.byStatus).toEqual({ pending: 0, confirmed: 5, unsubscribed: 0, bounced: 1, complained: 0 });
    expect(stats.subscribers.total).toBe(6);
    expect(stats.subscribers.byTopic.find((x: Json) => x.slug === 'agents')).toEqual({ slug: 'agents', name: expect.any(String), subscribers: 4 });
    // ann, steady and previewed, then flaky on the retry; gone bounced.
    expect(stats.digests).toMatchObject({ sent: 4, bounced: 1 });
    expect(stats.digests.perDay).toHaveLength(30);
    expect(stats.digests.perDay.reduce((n: number, d: Json) => n + d.sent, 0)).toBe(4);
    const days = stats.digests.perDay.map((d: Json) => Date.parse(`${d.date}T00:00:00Z`));
    expect(days.slice(1).map((d: number, i: number) => d - days[i])).toEqual(Array(29).fill(86_400_000));
    expect(stats.digests.since).toBe(stats.digests.perDay[0].date);
    expect(stats.rates).toEqual({ bounce: 0.2, unsubscribe: 0, unsubscribed: 0 });
  });
});
