// The administration's back-office systems. Outbound: signed webhooks for the events an admin chose,
// one delivery per event and endpoint, stored as the event happens and retried until delivered (the
// dispatcher, src/jobs/integrationDispatcher.ts). Inbound: API keys (hashed, scoped, revocable) for the
// system API (src/http/routes/integrations.ts). One part per file beside this one.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookNetworks } from '../../domain/networks.js';
import type { Models } from '../../store/index.js';
import type { Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';
import { createDeliveryQueue } from './deliveries.js';
import { createApiKeys } from './keys.js';
import { createSealer } from './sealing.js';
import { createWebhookAdmin } from './webhooks.js';

export { API_SCOPES, type ApiScope } from './keys.js';
export const WEBHOOK_EVENTS = ['ticket.created', 'message.received', 'ticket.status_changed', 'ticket.assigned', 'sla.at_risk', 'satisfaction.received', 'citizen.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** "t=<unix>,v1=<hex HMAC-SHA256 of "t.body">": what receivers check (with a tolerance on t against replays). */
export function signature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export function createIntegrationService(deps: { models: Models; events: EventBus; audit: Audit; now: () => Date; log: Logger; secret: string; networks: WebhookNetworks }) {
  const sealer = createSealer(deps.secret);
  const queue = createDeliveryQueue(deps);
  return {
    onQueued: queue.onQueued,
    secretOf: (sealed: string) => sealer.unseal(sealed),
    /** Where deliveries may go (checked again at send time, after name resolution). */
    networks: deps.networks,
    ...createWebhookAdmin({ ...deps, sealer, endpointsChanged: queue.endpointsChanged }),
    ...createApiKeys(deps),
  };
}
export type IntegrationService = ReturnType<typeof createIntegrationService>;
