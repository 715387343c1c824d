import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { SourceFreshness, type SourceState } from './source-freshness.js';

export type CheckResult = { status: 'up' } | { status: 'down'; error: string };

/** A dependency that /health reports on; features register theirs (Redis, SMTP) with `add`. */
export type HealthCheck = () => Promise<void>;

@Injectable()
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly freshness: SourceFreshness,
  ) {
    this.add('database', async () => void (await dataSource.query('SELECT 1')));
  }

  add(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /**
   * `down` (503) when a dependency does not answer; `degraded` (still 200, so a load balancer
   * keeps a server that works) when they all answer but no new papers came for INGEST_STALE_HOURS.
   */
  async check(): Promise<{ status: 'ok' | 'degraded' | 'down'; checks: Record<string, CheckResult>; source?: SourceState }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          await withTimeout(check(), 3000);
          return [name, { status: 'up' }];
        } catch (err) {
          return [name, { status: 'down', error: err instanceof Error ? err.message : String(err) }];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    if (!entries.every(([, r]) => r.status === 'up')) return { status: 'down', checks };
    const source = await this.freshness.state();
    return { status: source.stale ? 'degraded' : 'ok', checks, source };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
