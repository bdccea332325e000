// Deliveries: one per active endpoint that wants an event, stored as the event happens (the dispatcher,
// src/jobs/integrationDispatcher.ts, sends them), one after the other in the order the events happened
// so that a ticket's deliveries keep that order; an erasure scrubs what they hold of the citizen.
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { DomainEventMap, DomainEventName } from '../../domain/events.js';
import type { Models } from '../../store/index.js';
import { deliveries, type Deliveries } from '../../store/repositories/deliveries.js';
import { endpointsStore } from '../../store/repositories/integrations.js';
import type { EventBus } from '../eventBus.js';
import { reusedRead } from '../reusedRead.js';
import type { WebhookEvent } from './index.js';

/** How long the list of active endpoints is reused before it is read again (another instance's change). */
const ENDPOINTS_TTL_MS = 5_000;

export function createDeliveryQueue(deps: { models: Models; events: EventBus; now: () => Date; log: Logger }) {
  const { now } = deps;
  const store = deliveries(deps.models);
  let nudge: () => void = () => undefined;
  /** The active endpoints: every domain event needs them (src/services/reusedRead.ts). */
  const endpoints = reusedRead(ENDPOINTS_TTL_MS, endpointsStore(deps.models).wanting);

  /** One delivery per active endpoint that wants the event, stored before anything is sent. */
  async function enqueue(event: WebhookEvent, ticketId: string | null, data: Record<string, unknown>) {
    const wanting = (await endpoints.get()).filter((e) => e.events.includes(event) || e.events.includes('*'));
    if (wanting.length === 0) return;
    const at = now();
    for (const endpoint of wanting) {
      const id = new Types.ObjectId();
      const body = JSON.stringify({ id: String(id), event, occurredAt: at.toISOString(), data });
      await store.add({ _id: id, endpointId: endpoint._id, event, ticketId: ticketId ? new Types.ObjectId(ticketId) : null, body, nextAttemptAt: at });
    }
    nudge();
  }

  // One after the other, in the order the events happened: deliveries of a ticket keep that order.
  let chain: Promise<void> = Promise.resolve();
  const inOrder = (work: () => Promise<void>, failed: (err: unknown) => void) => (chain = chain.then(work).catch(failed));
  for (const [name, make] of Object.entries(TRANSLATE) as [DomainEventName, (e: unknown) => [WebhookEvent, Record<string, unknown>] | null][]) {
    deps.events.on(name, (payload) => {
      const made = make(payload);
      if (!made) return;
      const ticketId = (payload as { ticketId?: string }).ticketId ?? null;
      return inOrder(() => enqueue(made[0], ticketId, made[1]), (err) => deps.log.error({ err, event: made[0], ticketId }, 'webhook delivery not stored'));
    });
  }
  // After the deliveries of the events before it (stored first, then scrubbed): see eraseDeliveries.
  deps.events.on('citizen.erased', (e) =>
    inOrder(async () => {
      await eraseDeliveries(store, e.ticketIds);
      await enqueue('citizen.erased', null, { citizenId: e.citizenId, references: e.references });
    }, (err) => deps.log.error({ err, citizenId: e.citizenId }, 'erasure of webhook deliveries failed')),
  );

  return {
    /** The dispatcher registers here to be woken when a delivery is stored. */
    onQueued(callback: () => void) {
      nudge = callback;
    },
    /** Forgets the endpoints read (after an admin's change here). */
    endpointsChanged: () => endpoints.forget(),
  };
}

/** What each domain event becomes for the back-office (only what a procedure needs). */
const TRANSLATE: { [K in DomainEventName]?: (e: DomainEventMap[K]) => [WebhookEvent, Record<string, unknown>] | null } = {
  'ticket.created': (e) => ['ticket.created', { reference: e.reference, channel: e.channel, status: e.status, teamId: e.teamId ?? null }],
  'message.created': (e) => (e.direction === 'in' ? ['message.received', { reference: e.reference, messageId: e.messageId, channel: e.channel, preview: e.preview }] : null),
  'ticket.updated': (e) => (typeof e.changes.status === 'string' ? ['ticket.status_changed', { reference: e.reference, status: e.changes.status }] : null),
  'ticket.assigned': (e) => ['ticket.assigned', { reference: e.reference, agentId: e.toAgentId, fromAgentId: e.fromAgentId ?? null }],
  'sla.warning': (e) => (e.kind === 'at_risk' ? ['sla.at_risk', { reference: e.reference, deadline: e.deadline, dueAt: e.dueAt }] : null),
  'satisfaction.received': (e) => ['satisfaction.received', { reference: e.reference, score: e.score, channel: e.channel }],
};

/**
 * An erased citizen's words leave the deliveries too: those sent are deleted, those still to send lose
 * their preview; then systems that asked are told (ids and references only) so they erase too.
 */
async function eraseDeliveries(store: Deliveries, ids: string[]) {
  await store.erase(ids.map((id) => new Types.ObjectId(id)), (text) => {
    const body = JSON.parse(text) as { data: Record<string, unknown> };
    if ('preview' in body.data) body.data.preview = null;
    return JSON.stringify(body);
  });
}
