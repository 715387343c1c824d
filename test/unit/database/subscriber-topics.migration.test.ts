import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '@jest/globals';
import { describeSubscriberTopicsMigration } from '../../flows/subscriber-topics-migration.flow.js';

describe('SQLite: subscriber topics move from JSON to subscriber_topics', () =>
  describeSubscriberTopicsMigration(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-migration-'));
    return {
      options: {
        type: 'better-sqlite3',
        database: join(dir, 'paperboy.db'),
        prepareDatabase: (db: { pragma: (s: string) => unknown }) => db.pragma('foreign_keys = ON'),
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }));
