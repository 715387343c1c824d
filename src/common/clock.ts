import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The one place the app asks what time it is, so tests and replays can set the date instead of
 * sleeping. `set` pins the clock (a replay of past days); `set(null)` returns to the wall clock.
 */
@Injectable()
export class Clock {
  private pinned: Date | null = null;

  now(): Date {
    return this.pinned ? new Date(this.pinned) : new Date();
  }

  set(date: Date | null): void {
    this.pinned = date ? new Date(date) : null;
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
