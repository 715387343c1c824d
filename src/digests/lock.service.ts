import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp } from '../database/dialect.js';

/**
 * A lease in the `locks` table, so that of several instances (each firing @nestjs/schedule's
 * tick) one schedules. A lease expires, so a crashed holder does not block the others forever.
 */
@Injectable()
export class LockService {
  readonly holder = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async tryAcquire(name: string, ttlMs: number): Promise<boolean> {
    const d = dialectOf({ connection: this.dataSource });
    const p = (n: number) => param(d, n);
    const now = new Date();
    await this.dataSource.query(`INSERT INTO locks (name, holder, expires_at) VALUES (${p(1)}, '', ${p(2)}) ON CONFLICT (name) DO NOTHING`, [
      name,
      sqlTimestamp(d, new Date(0)),
    ]);
    const changed = await execute(
      this.dataSource,
      `UPDATE locks SET holder = ${p(1)}, expires_at = ${p(2)} WHERE name = ${p(3)} AND (expires_at < ${p(4)} OR holder = ${p(5)})`,
      [this.holder, sqlTimestamp(d, new Date(now.getTime() + ttlMs)), name, sqlTimestamp(d, now), this.holder],
    );
    return changed === 1;
  }

  async release(name: string): Promise<void> {
    const d = dialectOf({ connection: this.dataSource });
    await this.dataSource.query(`DELETE FROM locks WHERE name = ${param(d, 1)} AND holder = ${param(d, 2)}`, [name, this.holder]);
  }

  /** Runs `work` only if the lease was free; returns whether it ran. */
  async withLock(name: string, ttlMs: number, work: () => Promise<void>): Promise<boolean> {
    if (!(await this.tryAcquire(name, ttlMs))) return false;
    try {
      await work();
    } finally {
      await this.release(name);
    }
    return true;
  }
}
