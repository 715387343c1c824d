import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { SourceFreshness } from './source-freshness.js';

@Global()
@Module({ controllers: [HealthController], providers: [HealthService, SourceFreshness], exports: [HealthService, SourceFreshness] })
export class HealthModule {}
