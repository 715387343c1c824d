import { Module } from '@nestjs/common';
import { HttpKitModule } from '../http/index.js';
import { MailModule } from '../mail/mail.module.js';
import { OutboxController } from './outbox.controller.js';

/** `/outbox`: the viewer of the file outbox, a local mail catcher (404 with SMTP and in production). */
@Module({
  imports: [MailModule, HttpKitModule],
  controllers: [OutboxController],
})
export class OutboxModule {}
