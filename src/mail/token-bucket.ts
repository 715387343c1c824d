/**
 * A ceiling on messages per second for one process (MAIL_RATE_PER_SECOND). Callers queue in
 * order; a bucket holds up to one second's worth, so short bursts go out at once and a long run
 * settles at the rate. Fractional rates work (0.5 = one message every two seconds).
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();
  private readonly capacity: number;

  constructor(private readonly ratePerSecond: number) {
    if (!(ratePerSecond > 0)) throw new Error('rate must be positive');
    this.capacity = Math.max(1, ratePerSecond);
    this.tokens = this.capacity;
  }

  /** Resolves when the caller may send one message. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.next());
    this.queue = turn;
    return turn;
  }

  private async next(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
