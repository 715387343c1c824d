import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { MailModule } from '../mail/mail.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { AccountMailQueue } from './account-mail.queue.js';
import { PreferencesService } from './preferences.service.js';
import { SubscribeLimiter } from './subscribe.limiter.js';
import { SubscriberBounces } from './subscriber-bounces.service.js';
import { SubscriberDirectory } from './subscriber-directory.service.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import { SubscriberMailer } from './subscriber.mailer.js';
import { SubscriberRepository } from './subscriber.repository.js';
import { SubscribersService } from './subscribers.service.js';
import { SubscriptionsController } from './subscriptions.controller.js';

@Module({
  imports: [TopicsModule, MailModule, EventsModule],
  controllers: [SubscriptionsController],
  providers: [
    SubscriberRepository,
    SubscriberLinks,
    SubscribeLimiter,
    SubscriberMailer,
    AccountMailQueue,
    SubscriberBounces,
    SubscribersService,
    PreferencesService,
    SubscriberDirectory,
  ],
  exports: [SubscriberRepository, SubscriberLinks, SubscriberMailer, SubscriberBounces, SubscribersService, PreferencesService, SubscriberDirectory],
})
export class SubscribersModule {}
