import { Module } from '@nestjs/common';
import { MailOutbox } from './mail.outbox.js';
import { MailService } from './mail.service.js';
import { MailTemplates } from './mail.templates.js';

/** Everything that touches nodemailer and MJML: sending, templates, and the file outbox. */
@Module({
  providers: [MailService, MailOutbox, { provide: MailTemplates, useFactory: () => new MailTemplates() }],
  exports: [MailService, MailOutbox, MailTemplates],
})
export class MailModule {}
