import { Module } from '@nestjs/common';
import { MailOutbox } from './mail.outbox.js';
import { MailPolicy } from './mail.policy.js';
import { MailService } from './mail.service.js';
import { MailTemplates } from './mail.templates.js';

/** Everything that touches nodemailer and MJML: sending, the delivery policy (retry, classification, bounce), templates, and the file outbox. */
@Module({
  providers: [MailService, MailPolicy, MailOutbox, { provide: MailTemplates, useFactory: () => new MailTemplates() }],
  exports: [MailService, MailPolicy, MailOutbox, MailTemplates],
})
export class MailModule {}
