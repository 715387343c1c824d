import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { DigestsModule } from '../digests/digests.module.js';
import { PapersModule } from '../papers/papers.module.js';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { HttpKitModule } from '../http/index.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminDigestsController } from './admin-digests.controller.js';
import { AdminIngestController } from './admin-ingest.controller.js';
import { AdminJobsController } from './admin-jobs.controller.js';
import { AdminJobs } from './admin-jobs.service.js';
import { AdminPageController } from './admin-page.controller.js';
import { AdminStatsRepository } from './admin-stats.repository.js';
import { AdminSessionRepository } from './admin-session.repository.js';
import { AdminSessionGuard, AdminSessions } from './admin-session.js';
import { AdminStatsController } from './admin-stats.controller.js';
import { AdminStatsService } from './admin-stats.service.js';
import { AdminSubscribersController } from './admin-subscribers.controller.js';
import { AdminTopicsController } from './admin-topics.controller.js';
import { AdminGuard } from './admin.guard.js';

/** The admin API (bearer token) and the admin page (session cookie); see PRODUCT.md, "HTTP". */
@Module({
  imports: [PapersModule, DigestsModule, SubscribersModule, TopicsModule, HttpKitModule, ChannelsModule],
  controllers: [
    AdminIngestController,
    AdminDigestsController,
    AdminSubscribersController,
    AdminTopicsController,
    AdminStatsController,
    AdminPageController,
    AdminJobsController,
  ],
  providers: [AdminJobs, AdminGuard, AdminAuditInterceptor, AdminSessions, AdminSessionRepository, AdminSessionGuard, AdminStatsService, AdminStatsRepository],
})
export class AdminModule {}
