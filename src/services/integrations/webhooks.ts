// The webhooks an admin registers: a URL that leads only to allowed networks (src/domain/networks.ts),
// the events wanted, a signing secret shown once; removed with their pending deliveries cancelled.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { WebhookNetworks } from '../../domain/networks.js';
import type { Models } from '../../store/index.js';
import { deliveries } from '../../store/repositories/deliveries.js';
import { endpointsStore } from '../../store/repositories/integrations.js';
import type { Actor, Audit } from '../audit.js';
import { WEBHOOK_EVENTS } from './index.js';
import type { Sealer } from './sealing.js';

/** Whether a webhook URL leads only to addresses the network rule allows (a name that does not resolve yet is checked again at each send). */
async function reachableOnlyPublicly(url: URL, networks: WebhookNetworks): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return networks.allows(host);
  // A name that does not resolve yet is no address to refuse: each send resolves and checks it again.
  const addresses = await lookup(host, { all: true }).catch(() => []);
  return addresses.every((a) => networks.allows(a.address));
}

export function createWebhookAdmin(deps: { models: Models; audit: Audit; now: () => Date; networks: WebhookNetworks; sealer: Sealer; endpointsChanged: () => void }) {
  const { now } = deps;
  const store = endpointsStore(deps.models);
  const sent = deliveries(deps.models);
  const { seal } = deps.sealer;
  const endpoints = { forget: deps.endpointsChanged };
  const endpointView = async (e: { _id: Types.ObjectId; url: string; events: string[]; active: boolean; createdAt?: Date; lastDeliveredAt?: Date | null; lastError?: string | null; lastErrorAt?: Date | null }) => ({
    id: String(e._id),
    url: e.url,
    events: e.events,
    active: e.active,
    createdAt: (e.createdAt ?? now()).toISOString(),
    lastDeliveredAt: e.lastDeliveredAt ? e.lastDeliveredAt.toISOString() : null,
    lastError: e.lastError ?? null,
    lastErrorAt: e.lastErrorAt ? e.lastErrorAt.toISOString() : null,
    pending: await sent.pendingCount(e._id),
  });

  return {
    async listWebhooks() {
      return Promise.all((await store.active()).map(endpointView));
    },

    async createWebhook(actor: Actor, input: { url: string; events: string[] }) {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new Invalid('integration.url_invalid');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid('integration.url_invalid');
      if (url.username || url.password || !(await reachableOnlyPublicly(url, deps.networks))) throw new Invalid('integration.url_refused');
      const events = [...new Set(input.events)];
      const unknown = events.filter((e) => e !== '*' && !(WEBHOOK_EVENTS as readonly string[]).includes(e));
      if (unknown.length || events.length === 0) throw new Invalid('integration.events_invalid', { known: WEBHOOK_EVENTS.join(', ') });
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const endpoint = await store.create({ url: url.toString(), events, sealedSecret: seal(secret), createdBy: actor.kind === 'agent' ? actor.id : null });
      endpoints.forget();
      await deps.audit(actor, 'integration.webhook.created', {}, { id: String(endpoint._id), url: endpoint.url, events });
      return { ...(await endpointView(endpoint)), secret };
    },

    async deleteWebhook(actor: Actor, id: string) {
      const endpoint = await store.deactivate(id);
      endpoints.forget();
      if (!endpoint) throw new NotFound('integration.not_found');
      await sent.cancelPending(endpoint._id);
      await deps.audit(actor, 'integration.webhook.deleted', {}, { id, url: endpoint.url });
    },

    async deliveries(id: string) {
      if (!(await store.exists(id))) throw new NotFound('integration.not_found');
      const items = await sent.latestOf(id);
      return items.map((d) => ({
        id: String(d._id), event: d.event, status: d.status, attempts: d.attempts, lastError: d.lastError ?? null, lastStatusCode: d.lastStatusCode ?? null,
        createdAt: d.createdAt!.toISOString(), deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null, nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      }));
    },
  };
}
