import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from '../../../src/mail/token-bucket.js';

describe('TokenBucket', () => {
  // The ceiling is the contract: never faster than the rate. (How fast it is otherwise is not asserted.)
  it('holds the rate once a second’s worth has gone through', async () => {
    const bucket = new TokenBucket(20);
    const start = Date.now();
    for (let i = 0; i < 20; i++) await bucket.take();
    for (let i = 0; i < 10; i++) await bucket.take();
    // Ten more at 20 per second cannot take less than half a second.
    expect(Date.now() - start).toBeGreaterThanOrEqual(480);
  });

  it('serves waiting callers in order', async () => {
    const bucket = new TokenBucket(50);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 60 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});
