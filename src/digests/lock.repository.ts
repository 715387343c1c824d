import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp } from '../database/dialect.js';

/** The `locks` table: one row per lease name, taken by compare-and-set so two holders never both win. */
export class LockRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the lease for `holder` if it is free, expired, or already theirs; true when it did. */
  async take(name: string, holder: string, now: Date, expiresAt: Date): Promise<boolean> {
    const d = dialectOf({ connection: this.dataSource });
    const p = (n: number) => param(d, n);
    await this.dataSource.query(`INSERT INTO locks (name, holder, expires_at) VALUES (${p(1)}, '', ${p(2)}) ON CONFLICT (name) DO NOTHING`, [
      name,
      sqlTimestamp(d, new Date(0)),
    ]);
    const changed = await execute(
      this.dataSource,
      `UPDATE locks SET holder = ${p(1)}, expires_at = ${p(2)} WHERE name = ${p(3)} AND (expires_at < ${p(4)} OR holder = ${p(5)})`,
      [holder, sqlTimestamp(d, expiresAt), name, sqlTimestamp(d, now), holder],
    );
    return changed === 1;
  }

  async drop(name: string, holder: string): Promise<void> {
    const d = dialectOf({ connection: this.dataSource });
    await this.dataSource.query(`DELETE FROM locks WHERE name = ${param(d, 1)} AND holder = ${param(d, 2)}`, [name, holder]);
  }
}
