import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../src/config/app-config.js';
import { DeliveryQueue, redisConnection } from '../../src/digests/delivery.queue.js';
import { DigestMetrics } from '../../src/digests/digest.metrics.js';
import { HealthService } from '../../src/health/health.service.js';

/** TEST_REDIS_URL (`.ci/run` starts one); missing is an error, not a skip. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? '';
if (!REDIS_URL) throw new Error('TEST_REDIS_URL is not set: the queue metrics tests need Redis (see .ci/run)');
const DB = String(redisConnection(REDIS_URL).db);

let queue: DeliveryQueue;
let metrics: DigestMetrics;
let spy: Redis;

beforeAll(async () => {
  spy = new Redis(redisConnection(REDIS_URL));
  await spy.del('paperboy:workers', 'paperboy:worker:worker-a', 'paperboy:worker:worker-b');
  metrics = new DigestMetrics();
  queue = new DeliveryQueue({ redisUrl: REDIS_URL } as AppConfig, new HealthService({} as never, {} as never), metrics);
});
afterAll(async () => {
  await queue.onApplicationShutdown();
  spy.disconnect();
});

describe('/metrics worker counts on a real Redis', () => {
  it("reports each live worker's processed count from its heartbeat, and never scans the keyspace", async () => {
    await queue.heartbeat('worker-a', 7);
    await queue.heartbeat('worker-b', 3);
    await queue.heartbeat('worker-a', 9);
    const monitor = await spy.monitor();
    const commands: string[] = [];
    // MONITOR sees every database of the server; only this test's counts.
    monitor.on('monitor', (_time: string, args: string[], _source: string, database: string) => {
      if (database === DB) commands.push(String(args[0]).toLowerCase());
    });
    const text = await metrics.registry.metrics();
    monitor.disconnect();
    expect(text).toMatch(/paperboy_worker_processed\{worker="worker-a"\} 9/);
    expect(text).toMatch(/paperboy_worker_processed\{worker="worker-b"\} 3/);
    expect(commands).toContain('zrange');
    expect(commands).not.toContain('keys');
    expect(commands).not.toContain('scan');
  });

  it('drops a worker whose heartbeat expired', async () => {
    await spy.del('paperboy:worker:worker-b'); // as when its 60 s key expires
    await spy.zadd('paperboy:workers', Date.now() - 1, 'worker-gone');
    const workers = await queue.workers();
    expect([...workers.keys()].sort()).toEqual(['worker-a']);
    expect(await spy.zscore('paperboy:workers', 'worker-gone')).toBeNull();
  });
});
