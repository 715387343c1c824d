import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import type { Channel, ChannelKind } from './channel.types.js';

interface ChannelRow {
  id: number;
  name: string;
  kind: string;
  url: string;
  topics: string;
  keywords: string | null;
  delivery_hour: number;
  last_delivery_at: string | Date | null;
  last_error: string | null;
  last_error_at: string | Date | null;
  created_at: string | Date;
}

const COLUMNS = 'id, name, kind, url, topics, keywords, delivery_hour, last_delivery_at, last_error, last_error_at, created_at';

/** The channels table: what an operator configured, and each channel's last delivery and last error. */
@Injectable()
export class ChannelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  async list(): Promise<Channel[]> {
    const rows: ChannelRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM channels ORDER BY name`);
    return rows.map(toChannel);
  }

  async findByName(name: string): Promise<Channel | null> {
    const rows: ChannelRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM channels WHERE name = ${param(this.d, 1)}`, [name]);
    return rows[0] ? toChannel(rows[0]) : null;
  }

  async insert(c: { name: string; kind: ChannelKind; url: string; topics: string[]; keywords: string | null; hour: number }, now = new Date()): Promise<void> {
    const p = (n: number) => param(this.d, n);
    await this.dataSource.query(
      `INSERT INTO channels (name, kind, url, topics, keywords, delivery_hour, created_at) VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`,
      [c.name, c.kind, c.url, JSON.stringify(c.topics), c.keywords, c.hour, sqlTimestamp(this.d, now)],
    );
  }

  async remove(name: string): Promise<boolean> {
    return (await execute(this.dataSource, `DELETE FROM channels WHERE name = ${param(this.d, 1)}`, [name])) > 0;
  }

  async recordDelivery(id: number, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE channels SET last_delivery_at = ${param(this.d, 1)} WHERE id = ${param(this.d, 2)}`, [sqlTimestamp(this.d, at), id]);
  }

  async recordError(id: number, error: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE channels SET last_error = ${param(this.d, 1)}, last_error_at = ${param(this.d, 2)} WHERE id = ${param(this.d, 3)}`, [
      error.slice(0, 1000),
      sqlTimestamp(this.d, at),
      id,
    ]);
  }
}

function iso(v: string | Date | null): string | null {
  return v ? parseTimestamp(v).toISOString() : null;
}

function toChannel(r: ChannelRow): Channel {
  return {
    id: Number(r.id),
    name: r.name,
    kind: r.kind as ChannelKind,
    url: r.url,
    topics: JSON.parse(r.topics) as string[],
    keywords: r.keywords,
    hour: Number(r.delivery_hour),
    lastDeliveryAt: iso(r.last_delivery_at),
    lastError: r.last_error,
    lastErrorAt: iso(r.last_error_at),
    createdAt: iso(r.created_at)!,
  };
}
