import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/domain/rateLimit.js';

describe('RateLimiter', () => {
  it('allows a burst, then the steady rate, per key', () => {
    const limiter = new RateLimiter(3, 1);
    expect([0, 0, 0, 0].map(() => limiter.take('a', 0))).toEqual([true, true, true, false]);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('a', 500)).toBe(false);
    expect(limiter.take('a', 1000)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(false);
    expect([1, 2, 3].map(() => limiter.take('a', 10_000))).toEqual([true, true, true]);
  });
});
