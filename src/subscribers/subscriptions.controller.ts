import { Body, Controller, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/errors.js';
import { RateLimitedError } from './subscribe.limiter.js';
import { SubscribersService, SUBSCRIBE_ANSWER } from './subscribers.service.js';

class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
}

@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscribers: SubscribersService) {}

  /** JSON `{email, topics, keywords?, frequency?, timezone?, hour?}` → 202 with the same body for every address. */
  @Post()
  @HttpCode(202)
  async subscribe(@Req() req: Request, @Body() body: unknown, @Ip() ip: string, @Res({ passthrough: true }) res: Response): Promise<typeof SUBSCRIBE_ANSWER> {
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError('send the subscription as JSON (Content-Type: application/json)');
    try {
      return await this.subscribers.subscribe(body, ip);
    } catch (err) {
      if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
