// Delivers queued messages through their channel's adapter. A claim is a lease: a process that dies
// mid-send leaves it to expire, and the next claim asks the adapter whether the provider already has
// the message before sending again. Passing failures are retried with backoff; permanent ones fail
// with the provider's reason.
import type { Logger } from 'pino';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from '../domain/delivery.js';
import { outboxQueue, type OutboxQueue } from '../store/repositories/outboxQueue.js';
import type { Models } from '../store/index.js';
import type { MessageDoc } from '../store/models/message.js';
import type { Outbox } from '../services/outbox/index.js';
import { createSleeper } from './sleeper.js';

/** How often the expired leases are looked for (whatever else is due: a busy outbox does not starve them). */
const LEASES_EVERY_MS = 5_000;

export interface DispatcherOptions {
  leaseMs?: number;
  pollMs?: number;
  concurrency?: number;
}

export function createOutboxDispatcher(deps: { models: Models; outbox: Outbox; now: () => Date; log: Logger }, options: DispatcherOptions = {}) {
  const { models, outbox, now } = deps;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const concurrency = options.concurrency ?? 2;
  let running = false;
  const sleeper = createSleeper();
  const workers: Promise<void>[] = [];
  const queue = outboxQueue(models);
  const sending: SendContext = { queue, outbox, now, log: deps.log, leaseMs };

  const claim = createClaimer(queue, now, leaseMs);

  /** Delivers everything due now (expired leases included); returns how many messages were handled. For tests and shutdown. */
  async function drain(): Promise<number> {
    let handled = 0;
    for (let next = await claim(true); next; next = await claim(true)) {
      await deliver(sending, next);
      handled++;
    }
    return handled;
  }

  async function worker(): Promise<void> {
    while (running) {
      let next = null;
      try {
        next = await claim();
        if (next) await deliver(sending, next);
      } catch (err) {
        deps.log.error({ err }, 'outbox dispatcher error');
      }
      if (!next && running) {
        await sleeper.sleep(pollMs);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      outbox.onQueued(() => sleeper.wake());
      for (let i = 0; i < concurrency; i++) workers.push(worker());
    },
    async stop() {
      running = false;
      sleeper.wake();
      await Promise.all(workers.splice(0));
    },
    drain,
  };
}
export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;

type SendContext = { queue: OutboxQueue; outbox: Outbox; now: () => Date; log: Logger; leaseMs: number };

/** Sends one claimed message through its channel's adapter; after an interruption, asks the provider first whether it went out. */
async function deliver(ctx: SendContext, { before, after }: { before: MessageDoc; after: MessageDoc }): Promise<void> {
  const { outbox, now, leaseMs } = ctx;
  const log = ctx.log.child({ channel: after.channel, messageId: String(after._id), ticketId: String(after.ticketId) });
  const adapter = outbox.adapterFor(after.channel as 'sms');
  if (!adapter) {
    await outbox.advanceStatus({ messageId: String(after._id) }, 'failed', { reason: `the ${after.channel} channel is off` });
    return;
  }
  const outbound = await outbox.toOutbound(after);
  const interruptedAt = before.status === 'sending' ? new Date((before.leaseUntil ?? now()).getTime() - leaseMs) : before.unsureSince;
  if (interruptedAt && adapter.findSent) {
    // The previous holder died mid-send: the provider may have it already.
    let providerId: string | undefined;
    try {
      providerId = await adapter.findSent(outbound, new Date(interruptedAt.getTime() - 5_000));
    } catch (err) {
      // Not knowing whether it went out, it is not sent again yet: retried like a failed send, and
      // checked again first next time.
      await ctx.queue.markUnsure(after._id, interruptedAt);
      await retryOrFail(ctx, after, { ok: false, retryable: true, reason: `cannot check whether it was already sent: ${(err as Error).message}` }, log);
      return;
    }
    if (providerId) {
      log.warn({ providerId }, 'message was sent before an interruption: not sending it twice');
      await outbox.advanceStatus({ messageId: String(after._id) }, 'sent', { providerId });
      return;
    }
  }
  let result;
  try {
    result = await adapter.send(outbound);
  } catch (err) {
    result = { ok: false as const, retryable: true, reason: err instanceof Error ? err.message : String(err) };
  }
  if (result.ok) {
    await outbox.advanceStatus({ messageId: String(after._id) }, 'sent', { providerId: result.externalId, reason: null });
    return;
  }
  await retryOrFail(ctx, after, result, log);
}

/** A failed send: queued again with backoff while it may succeed, failed with its reason otherwise. */
async function retryOrFail({ queue, outbox, now }: SendContext, after: MessageDoc, result: { ok: false; retryable: boolean; reason: string }, log: Logger): Promise<void> {
  if (result.retryable && after.attempts < MAX_SEND_ATTEMPTS) {
    const nextAttemptAt = new Date(now().getTime() + retryDelayMs(after.attempts));
    await queue.requeue(after._id, result.reason, nextAttemptAt);
    log.warn({ reason: result.reason, attempts: after.attempts, nextAttemptAt }, 'send failed, will retry');
    return;
  }
  const reason = result.retryable ? `gave up after ${after.attempts} attempts: ${result.reason}` : result.reason;
  await outbox.advanceStatus({ messageId: String(after._id) }, 'failed', { reason });
}

/** The claim of the next due message, with when the expired leases were last looked for (a holder that died mid-send is rare). */
function createClaimer(queue: OutboxQueue, now: () => Date, leaseMs: number) {
  let leasesCheckedAt = 0;
  /**
   * Claims the next due message; returns it as it was before the claim (to see an expired lease). The
   * candidates are the queued messages whose time has come and, now and then, those being sent by a
   * holder whose lease ran out (it died); each asked by status, from the index led by it. The claim
   * itself is a compare-and-set on the message by _id, so two dispatchers never hold one message.
   */
  return async function claim(leasesNow = false): Promise<{ before: MessageDoc; after: MessageDoc } | null> {
    const at = now();
    const due = await queue.due(at);
    if (leasesNow || at.getTime() - leasesCheckedAt >= LEASES_EVERY_MS) {
      leasesCheckedAt = at.getTime();
      due.push(...(await queue.expiredLeases(at)));
    }
    for (const candidate of due) {
      const claimed = await queue.claim(candidate._id, at, new Date(at.getTime() + leaseMs));
      if (claimed) return claimed;
    }
    return null;
  };
}
