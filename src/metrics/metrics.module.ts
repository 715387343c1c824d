import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsGuard } from './metrics.guard.js';
import { MetricsService } from './metrics.service.js';

/** `GET /metrics` (guarded by METRICS_TOKEN) and the one registry every feature adds its metrics to. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
