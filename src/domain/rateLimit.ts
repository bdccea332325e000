// Token buckets keyed by a string (a chat session, an address): a burst, then a steady rate.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly burst: number, private readonly perSecond: number, private readonly maxKeys = 100_000) {}

  /** Takes one token for `key`; false when the bucket is empty (the caller refuses, never drops). */
  take(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    bucket.tokens = this.level(bucket, nowMs);
    bucket.at = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.evictFull(nowMs);
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Seconds until `key` has a token again (0 when it has one now). */
  retryAfterSeconds(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = this.level(bucket, nowMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.perSecond);
  }

  /** The tokens a bucket holds at `nowMs`, refilled since it was last touched. */
  private level(bucket: { tokens: number; at: number }, nowMs: number): number {
    return Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
  }

  /** Forgets buckets that have refilled: they hold no information. */
  private evictFull(nowMs: number) {
    for (const [key, b] of this.buckets) {
      if (this.level(b, nowMs) >= this.burst) this.buckets.delete(key);
    }
  }
}

/**
 * Failed logins per account and address: after FREE_FAILURES, that address is locked out of that account
 * for a time that doubles with each further failure, up to MAX_LOCK_MS. Keyed by the pair, so someone
 * guessing from one address cannot lock the agent out from their own; the lock always ends.
 */
export class LoginThrottle {
  static readonly FREE_FAILURES = 5;
  static readonly FIRST_LOCK_MS = 30_000;
  static readonly MAX_LOCK_MS = 15 * 60_000;
  private readonly failures = new Map<string, { count: number; lockedUntil: number; lastAt: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  /** Milliseconds the pair stays locked (0: it may try). */
  lockedFor(account: string, address: string, nowMs: number): number {
    const entry = this.failures.get(`${account}\n${address}`);
    return entry ? Math.max(0, entry.lockedUntil - nowMs) : 0;
  }

  failed(account: string, address: string, nowMs: number): void {
    const key = `${account}\n${address}`;
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0, lastAt: nowMs };
    // A quiet hour forgets earlier failures.
    if (nowMs - entry.lastAt > 3_600_000) entry.count = 0;
    entry.count += 1;
    entry.lastAt = nowMs;
    const over = entry.count - LoginThrottle.FREE_FAILURES;
    if (over >= 0) entry.lockedUntil = nowMs + Math.min(LoginThrottle.MAX_LOCK_MS, LoginThrottle.FIRST_LOCK_MS * 2 ** over);
    if (!this.failures.has(key) && this.failures.size >= this.maxKeys) this.evictOld(nowMs);
    this.failures.set(key, entry);
  }

  succeeded(account: string, address: string): void {
    this.failures.delete(`${account}\n${address}`);
  }

  private evictOld(nowMs: number) {
    for (const [key, e] of this.failures) if (nowMs - e.lastAt > 3_600_000 && e.lockedUntil <= nowMs) this.failures.delete(key);
  }
}
