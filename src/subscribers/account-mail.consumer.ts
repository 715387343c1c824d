import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SubscriberMailer } from './subscriber.mailer.js';

/** Registered by `paperboy serve` and `paperboy worker` (app.module.ts): they send the queued account emails; one-off commands only add them. */
@Injectable()
export class AccountMailConsumer implements OnApplicationBootstrap {
  constructor(private readonly mailer: SubscriberMailer) {}

  onApplicationBootstrap(): void {
    this.mailer.consumeQueue();
  }
}
