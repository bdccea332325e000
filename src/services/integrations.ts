// The administration's back-office systems. Outbound: signed webhooks for the events an admin chose,
// one delivery per event and endpoint, stored as the event happens and retried until delivered (the
// dispatcher, src/jobs/integrationDispatcher.ts). Inbound: API keys (hashed, scoped, revocable) for the
// system API (src/http/routes/system.ts).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { Invalid, NotFound, Unauthorized, Forbidden } from '../domain/errors.js';
import type { DomainEventMap, DomainEventName } from '../domain/events.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookNetworks } from '../domain/networks.js';
import type { Models } from '../store/index.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import { reusedRead } from './reusedRead.js';

export const WEBHOOK_EVENTS = ['ticket.created', 'message.received', 'ticket.status_changed', 'ticket.assigned', 'sla.at_risk', 'satisfaction.received', 'citizen.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** How long the list of active endpoints is reused before it is read again (another instance's change). */
const ENDPOINTS_TTL_MS = 5_000;
export const API_SCOPES = ['tickets:read', 'tickets:update'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** "t=<unix>,v1=<hex HMAC-SHA256 of "t.body">": what receivers check (with a tolerance on t against replays). */
export function signature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Whether a webhook URL leads only to addresses the network rule allows (a name that does not resolve yet is checked again at each send). */
async function reachableOnlyPublicly(url: URL, networks: WebhookNetworks): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return networks.allows(host);
  // A name that does not resolve yet is no address to refuse: each send resolves and checks it again.
  const addresses = await lookup(host, { all: true }).catch(() => []);
  return addresses.every((a) => networks.allows(a.address));
}

export function createIntegrationService(deps: { models: Models; events: EventBus; audit: Audit; now: () => Date; log: Logger; secret: string; networks: WebhookNetworks }) {
  const { models, now } = deps;
  const sealKey = createHmac('sha256', deps.secret).update('gru webhook secrets').digest();
  const seal = (plain: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  };
  const unseal = (sealed: string) => {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', sealKey, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
  };
  const hashKey = (secret: string) => createHash('sha256').update(secret).digest();
  let nudge: () => void = () => undefined;

  const endpointView = async (e: { _id: Types.ObjectId; url: string; events: string[]; active: boolean; createdAt?: Date; lastDeliveredAt?: Date | null; lastError?: string | null; lastErrorAt?: Date | null }) => ({
    id: String(e._id),
    url: e.url,
    events: e.events,
    active: e.active,
    createdAt: (e.createdAt ?? now()).toISOString(),
    lastDeliveredAt: e.lastDeliveredAt ? e.lastDeliveredAt.toISOString() : null,
    lastError: e.lastError ?? null,
    lastErrorAt: e.lastErrorAt ? e.lastErrorAt.toISOString() : null,
    pending: await models.integrationDeliveries.countDocuments({ endpointId: e._id, status: 'pending' }),
  });

  /** The active endpoints: every domain event needs them (src/services/reusedRead.ts). */
  const endpoints = reusedRead(ENDPOINTS_TTL_MS, () => models.integrationEndpoints.find({ active: true }, { _id: 1, events: 1 }).lean().exec());

  /** One delivery per active endpoint that wants the event, stored before anything is sent. */
  async function enqueue(event: WebhookEvent, ticketId: string | null, data: Record<string, unknown>) {
    const wanting = (await endpoints.get()).filter((e) => e.events.includes(event) || e.events.includes('*'));
    if (wanting.length === 0) return;
    const at = now();
    for (const endpoint of wanting) {
      const id = new Types.ObjectId();
      const body = JSON.stringify({ id: String(id), event, occurredAt: at.toISOString(), data });
      await models.integrationDeliveries.create({ _id: id, endpointId: endpoint._id, event, ticketId: ticketId ? new Types.ObjectId(ticketId) : null, body, nextAttemptAt: at });
    }
    nudge();
  }

  /** What each domain event becomes for the back-office (only what a procedure needs). */
  const translate: { [K in DomainEventName]?: (e: DomainEventMap[K]) => [WebhookEvent, Record<string, unknown>] | null } = {
    'ticket.created': (e) => ['ticket.created', { reference: e.reference, channel: e.channel, status: e.status, teamId: e.teamId ?? null }],
    'message.created': (e) => (e.direction === 'in' ? ['message.received', { reference: e.reference, messageId: e.messageId, channel: e.channel, preview: e.preview }] : null),
    'ticket.updated': (e) => (typeof e.changes.status === 'string' ? ['ticket.status_changed', { reference: e.reference, status: e.changes.status }] : null),
    'ticket.assigned': (e) => ['ticket.assigned', { reference: e.reference, agentId: e.toAgentId, fromAgentId: e.fromAgentId ?? null }],
    'sla.warning': (e) => (e.kind === 'at_risk' ? ['sla.at_risk', { reference: e.reference, deadline: e.deadline, dueAt: e.dueAt }] : null),
    'satisfaction.received': (e) => ['satisfaction.received', { reference: e.reference, score: e.score, channel: e.channel }],
  };
  // One after the other, in the order the events happened: deliveries of a ticket keep that order.
  let chain: Promise<void> = Promise.resolve();
  for (const [name, make] of Object.entries(translate) as [DomainEventName, (e: unknown) => [WebhookEvent, Record<string, unknown>] | null][]) {
    deps.events.on(name, (payload) => {
      const made = make(payload);
      if (!made) return;
      const ticketId = (payload as { ticketId?: string }).ticketId ?? null;
      chain = chain.then(() => enqueue(made[0], ticketId, made[1])).catch((err: unknown) => deps.log.error({ err, event: made[0], ticketId }, 'webhook delivery not stored'));
      return chain;
    });
  }

  /**
   * An erased citizen's words leave the deliveries too: those sent are deleted, those still to send lose
   * their preview; then systems that asked are told (ids and references only) so they erase too. In the
   * chain: deliveries of events before the erasure are stored first, and scrubbed.
   */
  deps.events.on('citizen.erased', (e) => {
    chain = chain
      .then(async () => {
        const ticketIds = e.ticketIds.map((id) => new Types.ObjectId(id));
        await models.integrationDeliveries.deleteMany({ ticketId: { $in: ticketIds }, status: { $ne: 'pending' } });
        for (const delivery of await models.integrationDeliveries.find({ ticketId: { $in: ticketIds }, status: 'pending' }, { body: 1 }).lean()) {
          const body = JSON.parse(delivery.body) as { data: Record<string, unknown> };
          if ('preview' in body.data) body.data.preview = null;
          await models.integrationDeliveries.updateOne({ _id: delivery._id }, { $set: { body: JSON.stringify(body) } });
        }
        await enqueue('citizen.erased', null, { citizenId: e.citizenId, references: e.references });
      })
      .catch((err: unknown) => deps.log.error({ err, citizenId: e.citizenId }, 'erasure of webhook deliveries failed'));
    return chain;
  });

  return {
    /** The dispatcher registers here to be woken when a delivery is stored. */
    onQueued(callback: () => void) {
      nudge = callback;
    },
    secretOf: (sealed: string) => unseal(sealed),
    /** Where deliveries may go (checked again at send time, after name resolution). */
    networks: deps.networks,

    async listWebhooks() {
      const endpoints = await models.integrationEndpoints.find({ active: true }).sort({ _id: 1 }).lean();
      return Promise.all(endpoints.map(endpointView));
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
      const endpoint = await models.integrationEndpoints.create({ url: url.toString(), events, sealedSecret: seal(secret), createdBy: actor.kind === 'agent' ? actor.id : null });
      endpoints.forget();
      await deps.audit(actor, 'integration.webhook.created', {}, { id: String(endpoint._id), url: endpoint.url, events });
      return { ...(await endpointView(endpoint)), secret };
    },

    async deleteWebhook(actor: Actor, id: string) {
      const endpoint = Types.ObjectId.isValid(id) ? await models.integrationEndpoints.findOneAndUpdate({ _id: id, active: true }, { $set: { active: false } }) : null;
      endpoints.forget();
      if (!endpoint) throw new NotFound('integration.not_found');
      await models.integrationDeliveries.updateMany({ endpointId: endpoint._id, status: 'pending' }, { $set: { status: 'cancelled' } });
      await deps.audit(actor, 'integration.webhook.deleted', {}, { id, url: endpoint.url });
    },

    async deliveries(id: string) {
      if (!Types.ObjectId.isValid(id) || !(await models.integrationEndpoints.exists({ _id: id }))) throw new NotFound('integration.not_found');
      const items = await models.integrationDeliveries.find({ endpointId: id }).sort({ _id: -1 }).limit(50).lean();
      return items.map((d) => ({
        id: String(d._id), event: d.event, status: d.status, attempts: d.attempts, lastError: d.lastError ?? null, lastStatusCode: d.lastStatusCode ?? null,
        createdAt: d.createdAt!.toISOString(), deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null, nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      }));
    },

    async listKeys() {
      const keys = await models.apiKeys.find({ revokedAt: null }).sort({ _id: 1 }).lean();
      return keys.map((k) => ({ id: String(k._id), name: k.name, scopes: k.scopes, createdAt: k.createdAt!.toISOString(), lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null }));
    },

    /** A key for one system: "gru_<id>_<secret>", shown once; only the hash of the secret is kept. */
    async createKey(actor: Actor, input: { name: string; scopes: string[] }) {
      const scopes = [...new Set(input.scopes)];
      if (scopes.length === 0 || scopes.some((s) => !(API_SCOPES as readonly string[]).includes(s))) throw new Invalid('integration.scopes_invalid', { known: API_SCOPES.join(', ') });
      const id = new Types.ObjectId();
      const secret = randomBytes(32).toString('base64url');
      await models.apiKeys.create({ _id: id, name: input.name.trim(), hash: hashKey(secret).toString('hex'), scopes, createdBy: actor.kind === 'agent' ? actor.id : null });
      await deps.audit(actor, 'integration.key.created', {}, { id: String(id), name: input.name, scopes });
      return { id: String(id), name: input.name.trim(), scopes, key: `gru_${String(id)}_${secret}` };
    },

    async revokeKey(actor: Actor, id: string) {
      const key = Types.ObjectId.isValid(id) ? await models.apiKeys.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: now() } }) : null;
      if (!key) throw new NotFound('integration.key_not_found');
      await deps.audit(actor, 'integration.key.revoked', {}, { id, name: key.name });
    },

    /** The system behind a bearer key, if the key is valid and has the scope. */
    async authenticate(bearer: string, scope: ApiScope): Promise<{ keyId: string; name: string }> {
      const match = /^gru_([0-9a-f]{24})_([\w-]{20,100})$/.exec(bearer);
      const key = match ? await models.apiKeys.findById(match[1]).lean() : null;
      const given = match ? hashKey(match[2]!) : null;
      if (!key || key.revokedAt || !given || !timingSafeEqual(given, Buffer.from(key.hash, 'hex'))) throw new Unauthorized('integration.key_invalid');
      if (!key.scopes.includes(scope)) throw new Forbidden('integration.scope_missing', { scope });
      if (!key.lastUsedAt || now().getTime() - key.lastUsedAt.getTime() > 60_000) await models.apiKeys.updateOne({ _id: key._id }, { $set: { lastUsedAt: now() } });
      return { keyId: String(key._id), name: key.name };
    },
  };
}
export type IntegrationService = ReturnType<typeof createIntegrationService>;
