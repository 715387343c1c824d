import { Injectable, Optional } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** The digests' Prometheus metrics, in the app's registry (`GET /metrics`, src/metrics). */
@Injectable()
export class DigestMetrics {
  readonly registry: Registry;
  private readonly deliveries: Counter;
  private readonly runs: Histogram;

  /** Without the app's registry (a unit test), a registry of its own. */
  constructor(@Optional() metrics?: MetricsService) {
    this.registry = (metrics ?? new MetricsService()).registry;
    this.deliveries = new Counter({
      name: 'paperboy_digests_total',
      help: 'Digest deliveries by outcome (sent, skipped, failed, bounced)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.runs = new Histogram({
      name: 'paperboy_digest_run_duration_seconds',
      help: 'Duration of digest runs',
      labelNames: ['trigger'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [this.registry],
    });
    for (const outcome of ['sent', 'skipped', 'failed', 'bounced']) this.deliveries.inc({ outcome }, 0);
  }

  delivered(outcome: string): void {
    this.deliveries.inc({ outcome });
  }

  runFinished(trigger: string, seconds: number): void {
    this.runs.observe({ trigger }, seconds);
  }
}
