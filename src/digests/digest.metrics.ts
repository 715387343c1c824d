import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of this process (`GET /metrics`); one registry per app, so tests can boot several. */
@Injectable()
export class DigestMetrics {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: 'paperboy_digests_total',
    help: 'Digest deliveries by outcome (sent, skipped, failed, bounced)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly runs = new Histogram({
    name: 'paperboy_digest_run_duration_seconds',
    help: 'Duration of digest runs',
    labelNames: ['trigger'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'paperboy_' });
    for (const outcome of ['sent', 'skipped', 'failed', 'bounced']) this.deliveries.inc({ outcome }, 0);
  }

  delivered(outcome: string): void {
    this.deliveries.inc({ outcome });
  }

  runFinished(trigger: string, seconds: number): void {
    this.runs.observe({ trigger }, seconds);
  }
}
