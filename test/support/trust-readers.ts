import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock.js';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import type { TestApp } from './app.js';
import { addConfirmed, clearPapers } from './digest.js';

export interface ReaderPages {
  /** Sent today, next one tomorrow at 08:00 Berlin time. */
  sent: string;
  /** Due today, nothing matched. */
  nothing: string;
  paused: string;
  bounced: string;
}

/**
 * Four readers in four states on Thursday 2026-08-20 at 09:30 UTC (clock injected), with a run at
 * 07:00 UTC, and the URL of each one's preferences page.
 */
export async function readersInFourStates(t: TestApp): Promise<ReaderPages> {
  const clock = t.app.get(Clock);
  await clearPapers(t.app);
  clock.set(new Date('2026-08-19T06:00:00Z'));
  const opts = { timezone: 'Europe/Berlin', hour: 8 };
  const readers = {
    sent: await addConfirmed(t.app, 'sent@example.org', { topics: [], keywords: 'title:superintelligence', ...opts }),
    nothing: await addConfirmed(t.app, 'nothing@example.org', { topics: [], keywords: 'title:zzyzxquux', ...opts }),
    paused: await addConfirmed(t.app, 'paused@example.org', { topics: ['agents'], ...opts }),
    bounced: await addConfirmed(t.app, 'bounced@example.org', { topics: ['agents'], ...opts }),
  };
  const repo = t.app.get(DataSource).getRepository(Subscriber);
  const joined = new Date('2026-08-01T00:00:00Z'); // on the injected calendar, not the wall clock's
  for (const r of Object.values(readers)) await repo.update({ id: r.id }, { subscribedAt: joined, confirmedAt: joined });
  await repo.update({ id: readers.paused.id }, { paused: true });
  await repo.update({ id: readers.bounced.id }, { status: 'bounced', statusReason: 'bounced: 550 no such user' });
  clock.set(new Date('2026-08-20T05:00:00Z'));
  await t.app.get(IngestService).ingestFile(fromRoot('test/fixtures/trust/hf-api-2026-08-19.json'));
  clock.set(new Date('2026-08-20T07:00:00Z'));
  await t.app.get(DigestService).run({}, 'schedule');
  clock.set(new Date('2026-08-20T09:30:00Z'));
  const links = t.app.get(SubscriberLinks);
  const fresh = async (s: Subscriber) => links.preferencesUrl(await repo.findOneByOrFail({ id: s.id }));
  return { sent: await fresh(readers.sent), nothing: await fresh(readers.nothing), paused: await fresh(readers.paused), bounced: await fresh(readers.bounced) };
}
