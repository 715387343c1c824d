import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DigestService } from '../../src/digests/digest.service.js';
import type { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { SubscribersService } from '../../src/subscribers/subscribers.service.js';
import { adminCookie } from '../support/admin-session.js';
import { freePort, startApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { readDb } from '../support/db.js';
import { clearPapers, ingestDay } from '../support/digest.js';
import { HttpSink, type SinkRequest } from '../support/http-sink.js';
import { ServerProcess, serverEnv } from '../support/server-process.js';

const SECRET = 'events-test-secret-0123456789';

interface Event {
  id: string;
  type: string;
  data: { subscriberId: number; email: string; digestId?: number };
}

const eventOf = (r: SinkRequest) => JSON.parse(r.body) as Event;

/** Must show 4: outgoing events arrive signed and in order per subscriber, across a restart of the server. */
describe('events out (WEBHOOK_URL)', () => {
  let sink: HttpSink;
  let dir: string;
  let t: TestApp;
  let env: Record<string, string>;

  async function pending(app: TestApp, email: string): Promise<Subscriber> {
    const s = await app.app
      .get(SubscriberRepository)
      .insert(email, { topics: ['agents'], keywords: null, frequency: 'daily', timezone: 'Etc/UTC', deliveryHour: 0 }, 'pending', new Date());
    return s!;
  }

  beforeAll(async () => {
    sink = await new HttpSink().start();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-events-'));
    env = { WEBHOOK_URL: sink.url('/events'), WEBHOOK_SECRET: SECRET, DIGEST_RETRY_BASE_MS: '100' };
  });

  afterAll(async () => {
    await t?.close();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores events while the receiver is down, and delivers them signed and in order after a restart', async () => {
    sink.respond = () => ({ status: 503, body: 'maintenance' });
    t = await startApp(env, { dir });
    const subscribers = t.app.get(SubscribersService);
    const links = t.app.get(SubscriberLinks);
    const a = await pending(t, 'ada@example.org');
    const b = await pending(t, 'bob@example.org');
    await subscribers.confirm(links.token(a, 'confirm'));
    await subscribers.confirm(links.token(b, 'confirm'));
    await subscribers.unsubscribe(links.token(a, 'unsubscribe'));
    await subscribers.markBounced(b.id, 'smtp; 550 5.1.1 user unknown');
    // Both subscribers' first events were tried and refused; their later events wait behind them.
    await sink.until((rs) => new Set(rs.map((r) => eventOf(r).data.email)).size === 2);
    const host = new URL(env.WEBHOOK_URL).host;
    const adminSays = async () =>
      /<h3>Events out<\/h3>\s*<p>([^<]*)<\/p>/.exec(await (await fetch(`${t.url}/admin`, { headers: { cookie: await adminCookie(t.url) } })).text())?.[1];
    expect(await adminSays()).toBe(`To ${host}: 4 waiting, 0 given up; last delivery never; last error: HTTP 503: maintenance.`);
    await t.close();

    const stored = readDb<{ type: string; status: string }>(join(dir, 'var', 'paperboy.sqlite'), 'SELECT type, status FROM event_outbox ORDER BY id');
    expect(stored).toEqual([
      { type: 'subscriber.confirmed', status: 'pending' },
      { type: 'subscriber.confirmed', status: 'pending' },
      { type: 'subscriber.unsubscribed', status: 'pending' },
      { type: 'subscriber.bounced', status: 'pending' },
    ]);
    const triedBeforeRestart = sink.requests.length;
    expect(sink.requests.every((r) => eventOf(r).type === 'subscriber.confirmed')).toBe(true);

    sink.respond = () => ({ status: 200 });
    t = await startApp(env, { dir });
    await sink.until(() => sink.delivered.length === 4);

    for (const r of sink.requests) {
      expect(r.headers['x-paperboy-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
      expect(r.headers['x-paperboy-event']).toBe(eventOf(r).type);
    }
    const delivered = sink.delivered.map(eventOf);
    expect(new Set(delivered.map((e) => e.id)).size).toBe(4);
    const typesOf = (email: string) => delivered.filter((e) => e.data.email === email).map((e) => e.type);
    expect(typesOf('ada@example.org')).toEqual(['subscriber.confirmed', 'subscriber.unsubscribed']);
    expect(typesOf('bob@example.org')).toEqual(['subscriber.confirmed', 'subscriber.bounced']);
    expect(sink.requests.length).toBeGreaterThan(triedBeforeRestart);
    expect(await adminSays()).toMatch(new RegExp(`^To ${host}: 0 waiting, 0 given up; last delivery \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.$`));
  });

  it('sends digest.sent when a digest goes out', async () => {
    await clearPapers(t.app);
    await ingestDay(t.app, '2026-07-16');
    const c = await pending(t, 'cy@example.org');
    await t.app.get(SubscribersService).confirm(t.app.get(SubscriberLinks).token(c, 'confirm'));
    const run = await t.app.get(DigestService).run({ email: c.email }, 'cli');
    expect(run.sent).toBe(1);
    await sink.until(() => sink.delivered.some((r) => eventOf(r).type === 'digest.sent'));
    const events = sink.delivered.map(eventOf).filter((e) => e.data.email === c.email);
    expect(events.map((e) => e.type)).toEqual(['subscriber.confirmed', 'digest.sent']);
    expect(events[1].data.digestId).toEqual(expect.any(Number));
  });
});

/** The same, with `paperboy serve` as a real process killed with SIGKILL while it posts an event. */
describe('events out across a SIGKILLed server', () => {
  let sink: HttpSink;
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess | null = null;
  const held: string[] = [];

  const signedEvent = (body: string) => ({
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-paperboy-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
  });
  const mailEvent = (url: string, id: string, event: string, email: string) =>
    fetch(`${url}/webhooks/mail/generic`, signedEvent(JSON.stringify({ id, event, email, permanent: true })));

  beforeAll(async () => {
    sink = await new HttpSink().start();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-events-kill-'));
    env = {
      ...serverEnv(dir, await freePort()),
      LOG_LEVEL: 'silent',
      WEBHOOK_URL: sink.url('/events'),
      WEBHOOK_SECRET: SECRET,
      DIGEST_RETRY_BASE_MS: '100',
    };
  });

  afterAll(async () => {
    await server?.kill('SIGKILL');
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-sends the killed server's in-flight event first, under its id, then the rest in order, each once", async () => {
    // The receiver never answers the first event: the server is killed while posting it.
    sink.respond = (req) => (held.length === 0 && req.path === '/events' ? (held.push(eventOf(req).id), 'hold') : { status: 200 });
    server = new ServerProcess(env.PUBLIC_URL, env);
    await server.start();
    for (const email of ['ann@example.org', 'ben@example.org']) {
      const added = await runCli(['subscribers', 'add', email, '--topics', 'agents', '--confirmed'], env);
      expect(added.code).toBe(0);
    }
    expect((await mailEvent(env.PUBLIC_URL, 'ann-1', 'bounce', 'ann@example.org')).status).toBe(200);
    await sink.until((rs) => rs.length === 1);
    expect((await mailEvent(env.PUBLIC_URL, 'ann-2', 'complaint', 'ann@example.org')).status).toBe(200);
    expect((await mailEvent(env.PUBLIC_URL, 'ben-1', 'complaint', 'ben@example.org')).status).toBe(200);
    await server.kill('SIGKILL');
    expect(sink.delivered).toHaveLength(0);

    server = new ServerProcess(env.PUBLIC_URL, env);
    await server.start();
    // Within the claim's TTL (60 s): the dead server's claim is recognised as dead, not waited out.
    await sink.until(() => sink.delivered.length === 3, 30_000);

    for (const r of sink.requests) expect(r.headers['x-paperboy-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    const delivered = sink.delivered.map(eventOf);
    expect(delivered[0].id).toBe(held[0]);
    expect(sink.delivered[0].headers['x-paperboy-delivery']).toBe(held[0]);
    expect(new Set(delivered.map((e) => e.id)).size).toBe(3);
    const typesOf = (email: string) => delivered.filter((e) => e.data.email === email).map((e) => e.type);
    expect(typesOf('ann@example.org')).toEqual(['subscriber.bounced', 'subscriber.complained']);
    expect(typesOf('ben@example.org')).toEqual(['subscriber.complained']);
    const rows = readDb<{ status: string }>(join(dir, 'var', 'paperboy.sqlite'), 'SELECT status FROM event_outbox ORDER BY id');
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  }, 180_000); // two server start-ups and CLI runs on a shared machine; the 30 s bound above is what the test is about
});
