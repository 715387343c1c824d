import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { DataSource } from 'typeorm';
import { addConfirmed, clearPapers, ingestDay } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

let t: TestApp;
let sink: SmtpSink;

// Answers are read field by field; a loose type keeps the assertions readable.
type Json = Record<string, any>;

async function send(options: Record<string, unknown>): Promise<Json> {
  const res = await fetch(`${t.url}/api/admin/send`, {
    method: 'POST',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(options),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

async function get(path: string): Promise<Json> {
  const res = await fetch(`${t.url}${path}`, { headers: adminHeaders });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

/** Everything the ledger holds, as one string: equal before and after means nothing was written. */
async function ledgerSnapshot(): Promise<string> {
  const db = t.app.get(DataSource);
  return JSON.stringify({
    runs: await db.query('SELECT * FROM digest_runs ORDER BY id'),
    deliveries: await db.query('SELECT * FROM digest_deliveries ORDER BY id'),
  });
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url, DIGEST_RETRY_BASE_MS: '20', DIGEST_RETRIES: '2' });
  await clearPapers(t.app);
  await ingestDay(t.app, '2026-07-16');
});

afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

describe('manual sends over the admin API', () => {
  it('sends a period once, sends it again with force, and the ledger shows both', async () => {
    await addConfirmed(t.app, 'once@example.org', { topics: ['agents'] });
    const first = await send({ email: 'once@example.org' });
    expect(first).toMatchObject({ selected: 1, sent: 1, failed: 0 });
    await sink.waitFor(1);

    const second = await send({ email: 'once@example.org' });
    expect(second).toMatchObject({ runId: expect.any(Number), selected: 0, sent: 0 });
    expect(sink.to('once@example.org')).toHaveLength(1); // a run has delivered everything it will before it answers

    const wouldResend = await send({ email: 'once@example.org', force: true, dryRun: true });
    expect(wouldResend.recipients).toEqual([{ email: 'once@example.org', papers: expect.any(Number), total: expect.any(Number) }]);
    expect(wouldResend.recipients[0].papers).toBeGreaterThan(0);
    const forced = await send({ email: 'once@example.org', force: true });
    expect(forced).toMatchObject({ selected: 1, sent: 1 });
    await sink.waitFor(2);
    expect(sink.to('once@example.org')).toHaveLength(2);

    const original = await get(`/api/admin/runs/${first.runId}`);
    const copy = await get(`/api/admin/runs/${forced.runId}`);
    expect(original.deliveries).toEqual([expect.objectContaining({ email: 'once@example.org', resend: 0, status: 'sent', attempts: 1 })]);
    expect(copy.deliveries).toEqual([
      expect.objectContaining({ email: 'once@example.org', resend: 1, status: 'sent', attempts: 1, period: original.deliveries[0].period }),
    ]);
    expect((await get(`/api/admin/runs/${second.runId}`)).deliveries).toEqual([]);
    const rows: { resend: number; status: string }[] = await t.app
      .get(DataSource)
      .query(
        "SELECT d.resend, d.status FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = 'once@example.org' ORDER BY d.resend",
      );
    expect(rows.map((r) => [Number(r.resend), r.status])).toEqual([
      [0, 'sent'],
      [1, 'sent'],
    ]);
  });

  it('a dry run sends nothing and writes no ledger rows', async () => {
    await addConfirmed(t.app, 'dry@example.org', { topics: ['agents'] });
    const before = await ledgerSnapshot();
    const messages = sink.messages.length;
    for (const options of [{ dryRun: true, all: true }, { dryRun: true, email: 'dry@example.org', force: true }, { dryRun: true }]) {
      const summary = await send(options);
      expect(summary).toMatchObject({ runId: null, dryRun: true, sent: 0, failed: 0 });
      if (options.all || options.email)
        expect(summary.recipients).toContainEqual({ email: 'dry@example.org', papers: expect.any(Number), total: expect.any(Number) });
    }
    const all = await send({ dryRun: true, all: true });
    expect(all.recipients.find((r: Json) => r.email === 'dry@example.org').papers).toBeGreaterThan(0);
    expect(all.recipients.map((r: Json) => r.email)).not.toContain('once@example.org'); // the ledger says sent
    expect(await ledgerSnapshot()).toBe(before);
    expect(sink.messages).toHaveLength(messages);
    // Nothing was marked either: a real run still sends the period.
    expect(await send({ email: 'dry@example.org' })).toMatchObject({ sent: 1 });
  });

  it("retrying a run's failed deliveries after the relay comes back delivers exactly those", async () => {
    await addConfirmed(t.app, 'down1@example.org', { topics: ['agents'] });
    await addConfirmed(t.app, 'down2@example.org', { topics: ['agents'] });
    await sink.stop();
    const down = await send({ topic: 'agents' }); // once@ and dry@ have this period already
    expect(down).toMatchObject({ selected: 2, sent: 0, failed: 2 });
    const failed = await get(`/api/admin/runs/${down.runId}?status=failed`);
    expect(failed.deliveries.map((d: Json) => [d.email, d.attempts, d.error])).toEqual([
      ['down1@example.org', 3, expect.stringMatching(/TemporaryMailError/)],
      ['down2@example.org', 3, expect.stringMatching(/TemporaryMailError/)],
    ]);

    await addConfirmed(t.app, 'late@example.org', { topics: ['agents'] }); // due, but not part of that run
    await sink.start();
    const before = sink.messages.length;
    const retryRes = await fetch(`${t.url}/api/admin/runs/${down.runId}/retry`, { method: 'POST', headers: adminHeaders });
    expect(retryRes.status).toBe(200);
    const retry = (await retryRes.json()) as Json;
    expect(retry).toEqual({ runId: expect.any(Number), selected: 2, sent: 2, skippedEmpty: 0, failed: 0, dryRun: false });
    await sink.waitFor(before + 2);
    expect(
      sink.messages
        .slice(before)
        .flatMap((m) => m.envelopeTo)
        .sort(),
    ).toEqual(['down1@example.org', 'down2@example.org']);
    expect(sink.to('late@example.org')).toEqual([]);

    const detail = await get(`/api/admin/runs/${retry.runId}`);
    expect(detail.run).toMatchObject({ trigger: 'admin', status: 'finished', selected: 2, sent: 2, failed: 0, options: { retryOf: down.runId } });
    expect(detail.deliveries.map((d: Json) => [d.email, d.status, d.attempts])).toEqual([
      ['down1@example.org', 'sent', 4],
      ['down2@example.org', 'sent', 4],
    ]);
    const again = await fetch(`${t.url}/api/admin/runs/${down.runId}/retry`, { method: 'POST', headers: adminHeaders });
    expect(again.status).toBe(400);
    expect(sink.messages).toHaveLength(before + 2);
  });
});
