import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { LockRepository } from './lock.repository.js';

/**
 * A lease in the `locks` table, so that of several instances (each firing @nestjs/schedule's
 * tick) one schedules. A lease expires, so a crashed holder does not block the others forever.
 */
@Injectable()
export class LockService {
  readonly holder = `${process.pid}-${randomUUID().slice(0, 8)}`;

  private readonly leases: LockRepository;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.leases = new LockRepository(dataSource);
  }

  async tryAcquire(name: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    return this.leases.take(name, this.holder, now, new Date(now.getTime() + ttlMs));
  }

  async release(name: string): Promise<void> {
    await this.leases.drop(name, this.holder);
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
