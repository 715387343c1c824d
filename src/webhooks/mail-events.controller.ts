import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { MailEventsService, type ReceiveResult } from './mail-events.service.js';

/** `POST /webhooks/mail/:provider` (postmark, sendgrid, mailgun, ses, generic): the raw body, verified before it is read. */
@Controller('webhooks/mail')
export class MailEventsController {
  constructor(private readonly mailEvents: MailEventsService) {}

  @Post(':provider')
  @HttpCode(200)
  receive(@Param('provider') provider: string, @Req() req: Request): Promise<ReceiveResult> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.mailEvents.receive(provider, { body, headers: req.headers });
  }
}
