import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { fromRoot } from '../../src/common/paths.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import type { Subscriber } from '../../src/subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';

/** A zone where it is `hour` o'clock at `now` (Etc/GMT zones have whole-hour offsets and no DST). */
export function zoneAtHour(now: Date, hour: number): string {
  let offset = (hour - now.getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export async function addConfirmed(
  app: INestApplicationContext,
  email: string,
  choices: { topics: string[]; keywords?: string | null; timezone?: string; hour?: number; frequency?: 'daily' | 'weekly' },
): Promise<Subscriber> {
  const created = await app.get(SubscriberRepository).insert(
    email,
    {
      topics: choices.topics,
      keywords: choices.keywords ?? null,
      frequency: choices.frequency ?? 'daily',
      timezone: choices.timezone ?? 'Etc/UTC',
      deliveryHour: choices.hour ?? 0,
    },
    'confirmed',
    new Date(),
  );
  if (!created) throw new Error(`could not add ${email}`);
  return created;
}

/** Papers the first start brought (the sample capture) are not what a digest test is about. */
export async function clearPapers(app: INestApplicationContext): Promise<void> {
  await app.get(DataSource).query('DELETE FROM papers');
}

export async function ingestDay(app: INestApplicationContext, day: string): Promise<void> {
  await app.get(IngestService).ingestFile(fromRoot('test/fixtures/digest', `${day}.json`));
}

/** The numbered paper titles of a digest's plain-text part, in order. */
export function titlesIn(mail: ParsedMail): string[] {
  return [...(mail.text ?? '').matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1].trim());
}
