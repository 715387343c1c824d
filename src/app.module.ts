import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module.js';
import type { AppConfig } from './config/app-config.js';
import { ClockModule } from './common/clock.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.options.js';
import { DigestScheduler } from './digests/digest.scheduler.js';
import { DigestsModule } from './digests/digests.module.js';
import { EventDispatcher } from './events/event.dispatcher.js';
import { EventsModule } from './events/events.module.js';
import { FeedsModule } from './feeds/feeds.module.js';
import { HealthModule } from './health/health.module.js';
import { MailModule } from './mail/mail.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { InboxWatcher } from './papers/inbox.watcher.js';
import { PapersModule } from './papers/papers.module.js';
import { AccountMailConsumer } from './subscribers/account-mail.consumer.js';
import { SubscribersModule } from './subscribers/subscribers.module.js';
import { TopicsModule } from './topics/topics.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WebModule } from './web/web.module.js';

/** What runs: `serve` adds the scheduler and the inbox watcher; the CLI gets the same services without them. */
export type AppMode = 'serve' | 'cli' | 'worker';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, mode: AppMode): DynamicModule {
    const serveOnly =
      mode === 'serve' ? { imports: [ScheduleModule.forRoot()], providers: [InboxWatcher, DigestScheduler, EventDispatcher] } : { imports: [], providers: [] };
    // Long-running processes send the queued account emails (with REDIS_URL; a no-op without).
    const consumers = mode === 'cli' ? [] : [AccountMailConsumer];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        HealthModule,
        TopicsModule,
        PapersModule,
        AdminModule,
        MailModule,
        SubscribersModule,
        WebModule,
        OutboxModule,
        MetricsModule,
        DigestsModule,
        FeedsModule,
        EventsModule,
        WebhooksModule,
        OpenApiModule,
        ...serveOnly.imports,
      ],
      providers: [...serveOnly.providers, ...consumers],
    };
  }
}
