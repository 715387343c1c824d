import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { TEST_ADMIN_TOKEN, type StartApp, type TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed, clearPapers, ingestDay, zoneAtHour } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * A `paperboy send` child killed mid-run, and the next run resuming from the ledger.
 * Run on SQLite by test/e2e/digest.crash.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeCrashResume(start: StartApp): void {
  const SUBSCRIBERS = 12;
  const ACKNOWLEDGED_BEFORE_CRASH = 3;
  const CONCURRENCY = 2;

  let t: TestApp;
  let sink: SmtpSink;

  /** `paperboy send --json` in a child process sharing the test's database and sink. */
  function send() {
    const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'send', '--json'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: t.databaseUrl,
        VAR_DIR: join(t.dir, 'var'),
        MAIL_TRANSPORT: sink.url,
        PUBLIC_URL: t.url,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        DIGEST_CONCURRENCY: String(CONCURRENCY),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    return { child, output: () => stdout };
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await start({ MAIL_TRANSPORT: sink.url });
    await clearPapers(t.app);
    await ingestDay(t.app, '2026-07-16');
    const zone = zoneAtHour(new Date(), 12); // noon there: the period cannot change between the two runs
    for (let i = 0; i < SUBSCRIBERS; i++) await addConfirmed(t.app, `reader${i}@example.org`, { topics: ['agents'], timezone: zone, hour: 6 });
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('a run killed with SIGKILL mid-run', () => {
    it('is resumed by the next run, and every due subscriber gets exactly one digest', async () => {
      let seen = 0;
      sink.hold = () => ++seen > ACKNOWLEDGED_BEFORE_CRASH;
      const first = send();
      // Every sending slot is now stuck waiting for a reply that never comes: the moment to crash.
      await sink.waitForHeld(CONCURRENCY);
      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      expect(sink.messages).toHaveLength(ACKNOWLEDGED_BEFORE_CRASH);

      sink.hold = null;
      const second = send();
      const [code] = await once(second.child, 'exit');
      expect(code).toBe(0);
      expect(JSON.parse(second.output())).toMatchObject({
        selected: SUBSCRIBERS - ACKNOWLEDGED_BEFORE_CRASH,
        sent: SUBSCRIBERS - ACKNOWLEDGED_BEFORE_CRASH,
        failed: 0,
      });

      await sink.waitFor(SUBSCRIBERS);
      for (let i = 0; i < SUBSCRIBERS; i++) expect(sink.to(`reader${i}@example.org`)).toHaveLength(1);
      expect(sink.messages).toHaveLength(SUBSCRIBERS);
      const rows = await queryApp<{ status: string; n: number | string }>(t.app, 'SELECT status, count(*) AS n FROM digest_deliveries GROUP BY status');
      expect(rows.map((r) => ({ status: r.status, n: Number(r.n) }))).toEqual([{ status: 'sent', n: SUBSCRIBERS }]);
    });
  });
}
