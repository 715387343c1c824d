import { Module } from '@nestjs/common';
import { EventOutbox } from './event-outbox.repository.js';
import { EventsService } from './events.service.js';

/** Events out (WEBHOOK_URL): services emit into the outbox; EventDispatcher (serve only, see app.module.ts) posts them. */
@Module({
  providers: [EventsService, EventOutbox],
  exports: [EventsService, EventOutbox],
})
export class EventsModule {}
