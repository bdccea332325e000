// Sends the back-office's webhook deliveries: signed POSTs, retried with backoff until the endpoint
// answers 2xx (never dropped; an endpoint an admin deletes cancels its pending ones). A delivery is sent
// only when every earlier one of the same ticket to the same endpoint is delivered, so a receiver sees a
// ticket's events in order. A claim is a lease: another instance takes over one whose holder died.
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Models } from '../store/index.js';
import { createSleeper } from './sleeper.js';
import { signature, type IntegrationService } from '../services/integrations/index.js';
import { t } from '../i18n/catalogue.js';
import { postWebhook } from './webhookPost.js';
import { deliveries, type Deliveries } from '../store/repositories/deliveries.js';

export interface IntegrationDispatcherOptions {
  pollMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  /** Waits between tries; the last one repeats for ever. */
  retryDelaysMs?: number[];
}

const DEFAULT_DELAYS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];

export function createIntegrationDispatcher(deps: { models: Models; integrations: IntegrationService; now: () => Date; log: Logger }, options: IntegrationDispatcherOptions = {}) {
  const { models, now } = deps;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS;
  let running = false;
  const sleeper = createSleeper();
  let loop: Promise<void> | null = null;
  const store = deliveries(models);
  const sending: SendContext = { store, integrations: deps.integrations, now, log: deps.log, timeoutMs, delays };

  /** The next due delivery whose ticket has nothing earlier pending for that endpoint, claimed. */
  async function claim() {
    const at = now();
    const blocked = new Set<string>();
    for (const delivery of await store.due(at)) {
      const order = `${String(delivery.endpointId)}:${String(delivery.ticketId)}`;
      if (blocked.has(order)) continue;
      blocked.add(order); // later ones of this ticket wait for this one
      if (delivery.leaseUntil && delivery.leaseUntil > at) continue;
      if (delivery.ticketId && (await store.earlierPending({ ...delivery, ticketId: delivery.ticketId }))) continue;
      const claimed = await store.claim(delivery._id, at, new Date(at.getTime() + leaseMs));
      if (claimed) return claimed;
    }
    return null;
  }

  async function run() {
    while (running) {
      try {
        const delivery = await claim();
        if (delivery) {
          await send(sending, delivery);
          continue;
        }
      } catch (err) {
        deps.log.error({ err }, 'webhook dispatcher error');
      }
      await sleeper.sleep(pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      deps.integrations.onQueued(() => sleeper.wake());
      loop = run();
    },
    async stop() {
      running = false;
      sleeper.wake();
      await loop;
    },
  };
}

type SendContext = { store: Deliveries; integrations: IntegrationService; now: () => Date; log: Logger; timeoutMs: number; delays: number[] };
type Claimed = { _id: Types.ObjectId; endpointId: Types.ObjectId; event: string; body: string; attempts: number };

/** One signed POST of a claimed delivery: delivered on 2xx, otherwise retried with backoff; the admin sees the status or « injoignable ». */
async function send(ctx: SendContext, delivery: Claimed) {
  const { store, now, timeoutMs, delays } = ctx;
  const endpoint = await store.endpoint(delivery.endpointId);
  if (!endpoint?.active) return void (await store.cancel(delivery._id));
  const result = await postWebhook(endpoint.url, {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GRU-Webhooks/1',
      'x-gru-event': delivery.event,
      'x-gru-delivery': String(delivery._id),
      'x-gru-signature': signature(ctx.integrations.secretOf(endpoint.sealedSecret), delivery.body, now()),
    },
    body: delivery.body,
    timeoutMs,
    networks: ctx.integrations.networks,
  });
  const code = 'status' in result ? result.status : null;
  // What admins see: the HTTP status, or "injoignable"; the socket's own error (which maps ports) only in the log.
  const error = 'unreachable' in result ? t('integration.unreachable') : code! < 200 || code! >= 300 ? `HTTP ${code}` : null;
  if ('unreachable' in result) ctx.log.info({ endpointId: String(endpoint._id), reason: result.unreachable }, 'webhook endpoint unreachable');
  const at = now();
  if (!error) {
    return store.delivered(delivery._id, endpoint._id, at, code);
  }
  const wait = delays[Math.min(delivery.attempts - 1, delays.length - 1)]!;
  await store.failed(delivery._id, endpoint._id, at, new Date(at.getTime() + wait), error, code);
  ctx.log.warn({ endpointId: String(endpoint._id), deliveryId: String(delivery._id), event: delivery.event, attempts: delivery.attempts, error }, 'webhook delivery failed, will retry');
}
