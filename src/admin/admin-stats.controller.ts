import { Controller, Get, UseGuards, UseInterceptors } from '@nestjs/common';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminStatsService, type AdminStats } from './admin-stats.service.js';
import { AdminGuard } from './admin.guard.js';

@Controller('api/admin/stats')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminStatsController {
  constructor(private readonly statistics: AdminStatsService) {}

  /** Subscribers by status and topic, digests sent per day (30 days), bounce and unsubscribe rates. */
  @Get()
  stats(): Promise<AdminStats> {
    return this.statistics.stats();
  }
}
