import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DigestService } from '../../src/digests/digest.service.js';
import { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import type { StartApp, TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * SMTP faults during a run: a 451 retried, a 550 bounced for good, a relay down then back.
 * Run on SQLite by test/e2e/digest.faults.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeDeliveryFaults(start: StartApp): void {
  let t: TestApp;
  let sink: SmtpSink;
  let now: Date;

  async function ledger(email: string): Promise<{ status: string; attempts: number; error: string | null; resend: number }[]> {
    return queryApp(
      t.app,
      'SELECT d.status, d.attempts, d.error, d.resend FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = ? ORDER BY d.id',
      [email],
    );
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url, DIGEST_RETRY_BASE_MS: '20', DIGEST_RETRIES: '2' });
    await clearPapers(t.app);
    await ingestDay(t.app, '2026-07-16');
    now = new Date(); // every run's clock; each test has subscribers (and so periods) of its own
  });

  afterEach(() => {
    sink.reject = null;
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('delivery faults', () => {
    it('retries a 451 and delivers once the relay accepts', async () => {
      await addConfirmed(t.app, 'greylisted@example.org', { topics: ['agents'] });
      let refusals = 0;
      sink.reject = (rcpt) => (rcpt === 'greylisted@example.org' && refusals++ === 0 ? { code: 451, message: 'greylisted, try again' } : null);
      const summary = await t.app.get(DigestService).run({ email: 'greylisted@example.org' }, 'cli', now);
      expect(summary).toMatchObject({ sent: 1, failed: 0 });
      expect(refusals).toBe(2);
      expect(sink.to('greylisted@example.org')).toHaveLength(1);
      expect(await ledger('greylisted@example.org')).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
    });

    it('marks a 550 bounced and never mails the address again', async () => {
      await addConfirmed(t.app, 'gone@example.org', { topics: ['agents'] });
      sink.reject = (rcpt) => (rcpt === 'gone@example.org' ? { code: 550, message: 'no such user' } : null);
      const summary = await t.app.get(DigestService).run({ email: 'gone@example.org' }, 'cli', now);
      expect(summary).toMatchObject({ sent: 0, failed: 1 });
      const s = await t.app.get(DataSource).getRepository(Subscriber).findOneByOrFail({ email: 'gone@example.org' });
      expect(s.status).toBe('bounced');
      expect(s.statusReason).toMatch(/550/);
      expect(await ledger('gone@example.org')).toEqual([expect.objectContaining({ status: 'bounced', attempts: 1 })]);
      sink.reject = null;
      const later = await t.app.get(DigestService).run({ all: true, force: true }, 'cli', now);
      expect(later.selected).toBeGreaterThan(0);
      expect(sink.to('gone@example.org')).toEqual([]);
      await expect(t.app.get(DigestService).run({ email: 'gone@example.org' }, 'cli', now)).rejects.toThrow(/bounced, not confirmed/);
    });

    it('records failures when the relay is down, and a later run delivers them', async () => {
      await addConfirmed(t.app, 'patient1@example.org', { topics: ['agents'] });
      await addConfirmed(t.app, 'patient2@example.org', { topics: ['agents'] });
      await sink.stop();
      const down = await t.app.get(DigestService).run({ topic: 'agents' }, 'cli', now);
      expect(down.sent).toBe(0);
      expect(down.failed).toBe(down.selected);
      expect(await ledger('patient1@example.org')).toEqual([
        expect.objectContaining({ status: 'failed', attempts: 3, error: expect.stringMatching(/TemporaryMailError/) }),
      ]);
      const before = sink.messages.length;
      await sink.start();
      const up = await t.app.get(DigestService).run({ topic: 'agents' }, 'cli', new Date(now.getTime() + 60_000));
      expect(up).toMatchObject({ selected: down.selected, sent: down.selected, failed: 0 });
      await sink.waitFor(before + down.selected);
      expect(sink.to('patient1@example.org')).toHaveLength(1);
      expect(sink.to('patient2@example.org')).toHaveLength(1);
      expect((await ledger('patient1@example.org'))[0]).toMatchObject({ status: 'sent', attempts: 4 });
    });
  });
}
