import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OUTBOX_NAME, outboxDirOf, type OutboxEntry } from './mail.transport.js';

export type OutboxSummary = Pick<OutboxEntry, 'name' | 'subject' | 'to' | 'date'>;

const LIST_LIMIT = 200;

/**
 * Reads the `file:` transport's folder for the local mail catcher at /outbox. Only names the
 * transport itself generates are accepted (OUTBOX_NAME), so no path can leave the folder.
 * Never in production: the messages hold live preferences and unsubscribe links.
 */
@Injectable()
export class MailOutbox {
  private readonly dir: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dir = config.env === 'production' ? null : outboxDirOf(config);
  }

  get enabled(): boolean {
    return this.dir !== null;
  }

  /** Newest first; at most 200. */
  async list(): Promise<OutboxSummary[]> {
    const dir = this.folder();
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.eml') && OUTBOX_NAME.test(f.slice(0, -4)))
      .map((f) => f.slice(0, -4))
      .sort()
      .reverse()
      .slice(0, LIST_LIMIT);
    const entries = await Promise.all(names.map((n) => this.entry(n).catch(() => null)));
    return entries.filter((e): e is OutboxEntry => e !== null).map(({ name, subject, to, date }) => ({ name, subject, to, date }));
  }

  async entry(name: string): Promise<OutboxEntry> {
    return JSON.parse(await readFile(this.path(name, '.json'), 'utf8')) as OutboxEntry;
  }

  async raw(name: string): Promise<Buffer> {
    return readFile(this.path(name, '.eml'));
  }

  private path(name: string, ext: '.eml' | '.json'): string {
    if (!OUTBOX_NAME.test(name)) throw new NotFoundError('no such message');
    return join(this.folder(), name + ext);
  }

  private folder(): string {
    if (!this.dir) throw new NotFoundError('the outbox exists only with the file: mail transport, outside production');
    return this.dir;
  }
}
