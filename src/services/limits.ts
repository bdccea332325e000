// Rate limits (logins, current-password guesses, chat messages and sessions, verification codes, portal
// posts), kept in memory for one instance or in Redis for several: with REDIS_URL every instance takes
// from the same buckets, so N instances do not give an attacker N times the attempts. The rules are the
// ones of src/domain/rateLimit.ts (a token bucket: a burst, then a steady rate; failed logins lock an
// address out of an account for a time that doubles); the Redis side runs them as Lua scripts, atomically,
// on the service's own clock (tests move it). When Redis cannot be reached, each instance falls back to
// its own memory and says so once.
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { LoginThrottle, RateLimiter } from '../domain/rateLimit.js';

export interface Bucket {
  /** Takes one token for `key`: refused (allowed false) when the bucket is empty, with the seconds until a token is back. */
  take(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}
export interface Lockout {
  /** Milliseconds the pair stays locked (0: it may try). */
  lockedFor(account: string, address: string): Promise<number>;
  failed(account: string, address: string): Promise<void>;
  succeeded(account: string, address: string): Promise<void>;
}
export interface Limits {
  bucket(name: string, burst: number, perSecond: number): Bucket;
  lockout(name: string): Lockout;
}

/** One instance's limits, in its memory. */
export function memoryLimits(now: () => Date): Limits {
  return {
    bucket(_name, burst, perSecond) {
      const limiter = new RateLimiter(burst, perSecond);
      return {
        async take(key) {
          const at = now().getTime();
          const allowed = limiter.take(key, at);
          return { allowed, retryAfterSeconds: allowed ? 0 : limiter.retryAfterSeconds(key, at) };
        },
      };
    },
    lockout() {
      const throttle = new LoginThrottle();
      return {
        lockedFor: async (account, address) => throttle.lockedFor(account, address, now().getTime()),
        failed: async (account, address) => throttle.failed(account, address, now().getTime()),
        succeeded: async (account, address) => throttle.succeeded(account, address),
      };
    },
  };
}

/** What the limits ask of a Redis client (node-redis). */
interface RedisCommands {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGet(key: string, field: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

// KEYS[1] the bucket; ARGV burst, tokens per second, now (ms). Returns { allowed (0/1), retry-after seconds }.
const TAKE = `
local burst = tonumber(ARGV[1]) local rate = tonumber(ARGV[2]) local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1 allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
local retry = 0
if allowed == 0 then retry = math.ceil((1 - tokens) / rate) end
return { allowed, retry }`;

// KEYS[1] the pair; ARGV now (ms), free failures, first lock (ms), longest lock (ms). As LoginThrottle.failed.
const FAILED = `
local now = tonumber(ARGV[1]) local free = tonumber(ARGV[2]) local first = tonumber(ARGV[3]) local longest = tonumber(ARGV[4])
local e = redis.call('HMGET', KEYS[1], 'count', 'lockedUntil', 'lastAt')
local count = tonumber(e[1]) or 0
local lockedUntil = tonumber(e[2]) or 0
if now - (tonumber(e[3]) or now) > 3600000 then count = 0 end
count = count + 1
local over = count - free
if over >= 0 then lockedUntil = now + math.min(longest, first * 2 ^ over) end
redis.call('HSET', KEYS[1], 'count', tostring(count), 'lockedUntil', tostring(lockedUntil), 'lastAt', tostring(now))
redis.call('PEXPIRE', KEYS[1], 3600000 + longest)
return count`;

/** Limits shared by every instance through Redis; each falls back to `fallback` (its memory) while Redis is out of reach. */
export function redisLimits(client: RedisCommands, now: () => Date, log: Logger, fallback: Limits = memoryLimits(now)): Limits {
  let down = false;
  const guarded = async <T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> => {
    try {
      const answer = await shared();
      if (down) log.info('rate limits shared through Redis again');
      down = false;
      return answer;
    } catch (err) {
      if (!down) log.error({ err: (err as Error).message }, 'Redis unreachable: rate limits count on this instance only');
      down = true;
      return local();
    }
  };
  const key = (...parts: string[]) => `gru:limit:${parts.join(':')}`;
  return {
    bucket(name, burst, perSecond) {
      const local = fallback.bucket(name, burst, perSecond);
      return {
        take: (id) =>
          guarded(async () => {
            const [allowed, retry] = (await client.eval(TAKE, { keys: [key(name, id)], arguments: [String(burst), String(perSecond), String(now().getTime())] })) as [number, number];
            return { allowed: allowed === 1, retryAfterSeconds: retry };
          }, () => local.take(id)),
      };
    },
    lockout(name) {
      const local = fallback.lockout(name);
      const pair = (account: string, address: string) => key(name, account, address);
      return {
        lockedFor: (account, address) =>
          guarded(async () => Math.max(0, Number((await client.hGet(pair(account, address), 'lockedUntil')) ?? 0) - now().getTime()), () => local.lockedFor(account, address)),
        failed: (account, address) =>
          guarded(async () => {
            const args = [now().getTime(), LoginThrottle.FREE_FAILURES, LoginThrottle.FIRST_LOCK_MS, LoginThrottle.MAX_LOCK_MS].map(String);
            await client.eval(FAILED, { keys: [pair(account, address)], arguments: args });
          }, () => local.failed(account, address)),
        succeeded: (account, address) => guarded(async () => void (await client.del(pair(account, address))), () => local.succeeded(account, address)),
      };
    },
  };
}

/** A Redis connection for the limits of several instances (REDIS_URL); it reconnects by itself. */
export async function connectRedisLimits(url: string, now: () => Date, log: Logger): Promise<{ limits: Limits; close(): Promise<void> }> {
  // No offline queue: while Redis is away a limit is decided at once in memory, never held until it returns.
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(200 * 2 ** retries, 5_000) } });
  client.on('error', () => undefined); // reported once per outage by redisLimits, where a call meets it
  await client.connect();
  log.info('rate limits shared through Redis');
  return {
    limits: redisLimits(client, now, log),
    // Closing anyway: QUIT when Redis is there, but a Redis that went away as QUIT left (seen as ready a
    // moment longer) never answers it, so after a second the connection is simply dropped.
    close: async () => {
      if (client.isReady) await Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      if (client.isOpen) client.destroy();
    },
  };
}
