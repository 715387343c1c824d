import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DigestService } from './digest.service.js';
import { LockService } from './lock.service.js';

const LOCK = 'digest-scheduler';
const LOCK_TTL_MS = 30 * 60_000;

/**
 * The tick only triggers: every instance fires it, one takes the lease and runs the same
 * DigestService that `paperboy send` and the admin route call. A run resumes what an earlier,
 * interrupted one left, so a missed or overlapping tick loses nothing.
 */
@Injectable()
export class DigestScheduler {
  private readonly log = new Logger('Scheduler');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly digests: DigestService,
    private readonly locks: LockService,
  ) {}

  @Cron('0 */5 * * * *', { name: 'digest-tick' })
  async tick(): Promise<boolean> {
    if (!this.config.schedulerEnabled) return false;
    try {
      return await this.locks.withLock(LOCK, LOCK_TTL_MS, async () => void (await this.digests.run({}, 'schedule')));
    } catch (err) {
      this.log.error({ msg: 'scheduled run failed', error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }
}
