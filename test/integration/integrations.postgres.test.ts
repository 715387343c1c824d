import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DigestService } from '../../src/digests/digest.service.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { SubscribersService } from '../../src/subscribers/subscribers.service.js';
import { describeChannels } from '../flows/channels.flow.js';
import { describeMailEvents } from '../flows/mail-events.flow.js';
import { startAppOnPostgres, type TestApp } from '../support/app.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { HttpSink } from '../support/http-sink.js';
import { postgresAdminUrl } from '../support/postgres.js';

// Without a server this suite fails here rather than skipping: CI sets TEST_DATABASE_URL (.ci/run).
postgresAdminUrl();

describe('PostgreSQL: integrations', () => {
  describeChannels(startAppOnPostgres);
  describeMailEvents('postgres');

  describe('feeds and events out', () => {
    const SECRET = 'pg-events-secret-0123456789';
    let t: TestApp;
    let sink: HttpSink;

    beforeAll(async () => {
      sink = await new HttpSink().start();
      t = await startAppOnPostgres({ WEBHOOK_URL: sink.url('/events'), WEBHOOK_SECRET: SECRET, DIGEST_RETRY_BASE_MS: '50' });
      await clearPapers(t.app);
      await ingestDay(t.app, '2026-07-16');
    });

    afterAll(async () => {
      await t.close();
      await sink.stop();
    });

    it('delivers events signed and in order per subscriber, a refused first try holding back the later ones', async () => {
      let refused = 0;
      sink.respond = () => (refused++ < 2 ? { status: 503 } : { status: 200 });
      const s = (await t.app
        .get(SubscriberRepository)
        .insert(
          'pg.reader@example.org',
          { topics: ['agents'], keywords: null, frequency: 'daily', timezone: 'Etc/UTC', deliveryHour: 0 },
          'pending',
          new Date(),
        ))!;
      await t.app.get(SubscribersService).confirm(t.app.get(SubscriberLinks).token(s, 'confirm'));
      expect((await t.app.get(DigestService).run({ email: s.email }, 'cli')).sent).toBe(1);
      await t.app.get(SubscribersService).unsubscribe(t.app.get(SubscriberLinks).token(s, 'unsubscribe'));
      await sink.until(() => sink.delivered.length === 3);
      const types = sink.delivered.map((r) => (JSON.parse(r.body) as { type: string }).type);
      expect(types).toEqual(['subscriber.confirmed', 'digest.sent', 'subscriber.unsubscribed']);
      for (const r of sink.requests) expect(r.headers['x-paperboy-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    });

    it('serves topic and personal feeds, with 304 on the ETag', async () => {
      const reader = await addConfirmed(t.app, 'pg.feed@example.org', { topics: ['agents'] });
      await t.app.get(DigestService).run({ email: reader.email }, 'cli');
      const topic = await fetch(`${t.url}/feeds/topics/agents.atom`);
      expect(topic.status).toBe(200);
      expect((await fetch(`${t.url}/feeds/topics/agents.atom`, { headers: { 'if-none-match': topic.headers.get('etag')! } })).status).toBe(304);
      const personal = await fetch(t.app.get(SubscriberLinks).feedUrl(reader));
      expect(personal.status).toBe(200);
      expect((await personal.text()).match(/<entry>/g)?.length).toBeGreaterThan(0);
    });
  });
});
