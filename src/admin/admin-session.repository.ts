import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';

/** The `admin_sessions` table: the HMAC of each open session, the token it was opened with, its expiry. */
@Injectable()
export class AdminSessionRepository {
  private readonly d: DialectName;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.d = dialectOf({ connection: dataSource });
  }

  /** Forgets expired sessions, then stores the new one. */
  async open(id: string, tokenId: string, now: number, expiresMs: number): Promise<void> {
    const p = (n: number) => param(this.d, n);
    await this.dataSource.query(`DELETE FROM admin_sessions WHERE expires_ms <= ${p(1)}`, [now]);
    await this.dataSource.query(`INSERT INTO admin_sessions (id, token_id, created_at, expires_ms) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, [
      id,
      tokenId,
      sqlTimestamp(this.d, new Date(now)),
      expiresMs,
    ]);
  }

  /** Deletes the session under any of the ids its value may have (the current MAC scheme's and the older one's). */
  async close(ids: string[]): Promise<void> {
    await this.dataSource.query(`DELETE FROM admin_sessions WHERE id IN (${this.list(ids.length)})`, ids);
  }

  /** True when a session under one of these ids exists, was opened with this token and has not expired. */
  async isOpen(ids: string[], tokenId: string, now: number): Promise<boolean> {
    const p = (n: number) => param(this.d, n);
    const n = ids.length;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT id FROM admin_sessions WHERE id IN (${this.list(n)}) AND token_id = ${p(n + 1)} AND expires_ms > ${p(n + 2)}`,
      [...ids, tokenId, now],
    );
    return rows.length > 0;
  }

  private list(n: number): string {
    return Array.from({ length: n }, (_, i) => param(this.d, i + 1)).join(', ');
  }
}
