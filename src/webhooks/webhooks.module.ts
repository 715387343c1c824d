import { Module } from '@nestjs/common';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { MailEventRepository } from './mail-event.repository.js';
import { MailEventsController } from './mail-events.controller.js';
import { MailEventsStatus } from './mail-events-status.service.js';
import { MailEventsService } from './mail-events.service.js';

/** Mail events in: bounces and complaints from the email provider (see main.http.ts for the raw body). */
@Module({
  imports: [SubscribersModule],
  controllers: [MailEventsController],
  providers: [MailEventsService, MailEventRepository, MailEventsStatus],
  exports: [MailEventsStatus],
})
export class WebhooksModule {}
