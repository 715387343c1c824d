import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export type CheckResult = { status: 'up' } | { status: 'down'; error: string };

/** A dependency that /health reports on; features register theirs (Redis, SMTP) with `add`. */
export type HealthCheck = () => Promise<void>;

@Injectable()
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.add('database', async () => void (await dataSource.query('SELECT 1')));
  }

  add(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async check(): Promise<{ status: 'ok' | 'down'; checks: Record<string, CheckResult> }> {
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
    return { status: entries.every(([, r]) => r.status === 'up') ? 'ok' : 'down', checks };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
