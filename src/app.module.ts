import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.options.js';
import { DigestScheduler } from './digests/digest.scheduler.js';
import { DigestsModule } from './digests/digests.module.js';
import { HealthModule } from './health/health.module.js';
import { MailModule } from './mail/mail.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { InboxWatcher } from './papers/inbox.watcher.js';
import { PapersModule } from './papers/papers.module.js';
import { SubscribersModule } from './subscribers/subscribers.module.js';
import { TopicsModule } from './topics/topics.module.js';
import { WebModule } from './web/web.module.js';

/** What runs: `serve` adds the scheduler and the inbox watcher; the CLI gets the same services without them. */
export type AppMode = 'serve' | 'cli' | 'worker';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, mode: AppMode): DynamicModule {
    const serveOnly = mode === 'serve' ? { imports: [ScheduleModule.forRoot()], providers: [InboxWatcher, DigestScheduler] } : { imports: [], providers: [] };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        HealthModule,
        TopicsModule,
        PapersModule,
        AdminModule,
        MailModule,
        SubscribersModule,
        WebModule,
        DigestsModule,
        OpenApiModule,
        ...serveOnly.imports,
      ],
      providers: serveOnly.providers,
    };
  }
}
