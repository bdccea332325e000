// Token buckets keyed by a string (a chat session, an address): a burst, then a steady rate.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly burst: number, private readonly perSecond: number, private readonly maxKeys = 100_000) {}

  /** Takes one token for `key`; false when the bucket is empty (the caller refuses, never drops). */
  take(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.evictFull(nowMs);
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Forgets buckets that have refilled: they hold no information. */
  private evictFull(nowMs: number) {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
