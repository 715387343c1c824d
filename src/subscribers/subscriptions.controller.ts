import { Body, Controller, HttpCode, Ip, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { UnsupportedMediaTypeError } from '../common/errors.js';
import { SubscribersService, SUBSCRIBE_ANSWER } from './subscribers.service.js';

@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscribers: SubscribersService) {}

  /** JSON `{email, topics, keywords?, frequency?, timezone?, hour?}` → 202 with the same body for every address. */
  @Post()
  @HttpCode(202)
  async subscribe(@Req() req: Request, @Body() body: unknown, @Ip() ip: string): Promise<typeof SUBSCRIBE_ANSWER> {
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError('send the subscription as JSON (Content-Type: application/json)');
    return this.subscribers.subscribe(body, ip);
  }
}
