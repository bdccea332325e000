// Rate limits in Redis (REDIS_URL): two instances' limits take from the same buckets and lock the same
// address out of an account, with the rules of the in-memory ones, on the service's clock; Redis down,
// each instance falls back to its memory and says so once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedisLimits, memoryLimits, type Limits } from '../../src/services/limits.js';
import { capturingLog } from '../helpers/context.js';
import { startRedis } from '../helpers/redis.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const logs = capturingLog();
const instances: Awaited<ReturnType<typeof connectRedisLimits>>[] = [];

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) instances.push(await connectRedisLimits(redis.url, now, logs.log));
}, 60_000);
afterAll(async () => {
  for (const instance of instances) await instance.close();
  await redis?.stop();
});

async function takeAll(limits: Limits[], key: string, times: number) {
  const buckets = limits.map((l) => l.bucket('test-bucket', 4, 1 / 60));
  const answers = [];
  for (let i = 0; i < times; i++) answers.push(await buckets[i % buckets.length]!.take(key));
  return answers;
}

describe('limits shared through Redis', () => {
  it('takes from one bucket on both instances: a burst in all, then refusals with the wait', async () => {
    const answers = await takeAll(instances.map((i) => i.limits), '10.0.0.1', 6);
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, true, false, false]);
    expect(answers[5]!.retryAfterSeconds).toBeGreaterThan(0);
    // One instance alone, in memory, would have let each take four.
    expect((await takeAll([memoryLimits(now), memoryLimits(now)], '10.0.0.1', 6)).every((a) => a.allowed)).toBe(true);
    // The bucket refills on the service's clock.
    offsetMs += 60_000;
    expect((await instances[1]!.limits.bucket('test-bucket', 4, 1 / 60).take('10.0.0.1')).allowed).toBe(true);
  });

  it('locks an address out of an account after failures on either instance, and the lock ends', async () => {
    const [one, two] = instances.map((i) => i.limits.lockout('test-login'));
    for (let i = 0; i < 5; i++) await (i % 2 ? two! : one!).failed('bruno@mairie.test', '10.0.0.2');
    expect(await one!.lockedFor('bruno@mairie.test', '10.0.0.2')).toBeGreaterThan(0);
    expect(await two!.lockedFor('bruno@mairie.test', '10.0.0.2')).toBeGreaterThan(0);
    expect(await two!.lockedFor('bruno@mairie.test', '10.0.0.3')).toBe(0);
    offsetMs += 31_000;
    expect(await one!.lockedFor('bruno@mairie.test', '10.0.0.2')).toBe(0);
    await one!.failed('bruno@mairie.test', '10.0.0.2');
    expect(await two!.lockedFor('bruno@mairie.test', '10.0.0.2')).toBeGreaterThan(31_000); // doubled: 60 s
    await two!.succeeded('bruno@mairie.test', '10.0.0.2');
    expect(await one!.lockedFor('bruno@mairie.test', '10.0.0.2')).toBe(0);
  });

  it('falls back to each instance’s memory while Redis is down, saying so once', async () => {
    await redis.stop();
    const bucket = instances[0]!.limits.bucket('test-down', 2, 1 / 60);
    expect((await Promise.all([bucket.take('x'), bucket.take('x'), bucket.take('x')])).map((a) => a.allowed)).toEqual([true, true, false]);
    expect(logs.lines.filter((l) => l.msg === 'Redis unreachable: rate limits count on this instance only')).toHaveLength(1);
  });
});
