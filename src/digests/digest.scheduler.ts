import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
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
export class DigestScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger('Scheduler');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly digests: DigestService,
    private readonly locks: LockService,
    private readonly registry: SchedulerRegistry,
  ) {}

  /** Every DIGEST_TICK_SECONDS (five minutes by default), registered with @nestjs/schedule so it stops with the app. */
  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) return;
    this.registry.addInterval(
      'digest-tick',
      setInterval(() => void this.tick(), this.config.tickSeconds * 1000),
    );
  }

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
