// Live calls: within opening hours, a call rings the agent who answers the caller today (their usual
// agent, or the colleague covering while they are away), when that agent is available, reachable and
// not already on a call; their console hears `call:incoming` (who calls, their open request) as it
// rings. The call's one thread entry moves forward with Twilio's callbacks in any order: ringing, in
// progress, answered (the request has its answer, the 48-hour clock stops) or, unanswered, the
// voicemail as before. A browser softphone comes with the Twilio Voice SDK (POST /api/voice/token).
import type { Logger } from 'pino';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { calls } from '../store/repositories/calls.js';
import { citizensStore } from '../store/repositories/citizens.js';
import { tickets } from '../store/repositories/tickets.js';
import type { DialOutcome } from '../domain/voicemail.js';
import { agentDirectory } from './agentDirectory.js';
import type { Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import type { IngestResult } from './ingest/index.js';
import type { Types } from 'mongoose';
import type { Dialer } from '../../channels/types.js';
import { Conflict, Invalid, Unavailable } from '../domain/errors.js';
import { routingReads } from '../store/repositories/routing.js';
import { ticketEventData } from './ticketEvents.js';
import type { VoiceService } from './voice.js';

/** Where the call rings: the agent's phone number, or their browser (Twilio Client identity). */
export type RingTarget = { agentId: string; number: string } | { agentId: string; client: string };

/** A call older than this without an end is no longer holding its agent (a lost callback). */
const STALE_CALL_MS = 4 * 3600_000;

export function createLiveCalls(deps: {
  models: Models; events: EventBus; audit: Audit; voice: VoiceService; now: () => Date; log: Logger; browserCalls: boolean; dialer: Dialer | null;
  /** The phone menu of the automation settings (read shared for a few seconds). */
  menu?: () => Promise<{ key: string; label: string; teamId: string }[]>;
}) {
  const { models } = deps;
  const store = calls(models);
  const reachable = (agentId: Types.ObjectId | string) => reachableAgent(deps, agentId);

  return {
    ...phoneMenu(deps, store),
    ...teamQueue(deps, store, reachable),
    /** The agent to ring for this call, or null (nobody to ring: the voicemail as before). */
    async target(result: Pick<IngestResult, 'handlingAgentId'>): Promise<RingTarget | null> {
      const entry = result.handlingAgentId ? await agentDirectory(models).get(result.handlingAgentId) : null;
      if (!entry?.active || entry.availability !== 'available') return null;
      return reachable(entry._id);
    },

    /** The agent's leg ended: answered (the request has its answer), or not (the caller goes on to the voicemail). */
    async ended(callSid: string, status: DialOutcome, durationSeconds: number | null): Promise<'answered' | 'unanswered' | 'unknown'> {
      const moved = await deps.voice.callEvent(callSid, { type: 'dialed', status, durationSeconds });
      if (moved === 'unknown') return 'unknown';
      const entry = await store.incoming(callSid);
      if (moved === 'moved' && entry?.call?.agentId) deps.events.emit('call.agent', { agentId: String(entry.call.agentId), callSid, state: 'ended' });
      if (entry?.call?.state !== 'answered') return 'unanswered';
      // A retried callback: answered already, said once.
      if (moved === 'same') return 'answered';
      await store.reached(entry.ticketId, deps.now());
      const agentId = entry.call.agentId ? String(entry.call.agentId) : null;
      await deps.audit(agentId ? { kind: 'agent', id: agentId } : { kind: 'system' }, 'ticket.call.answered', { ticketId: entry.ticketId, citizenId: entry.citizenId }, { callSid, durationSeconds });
      const ticket = await tickets(models).read(entry.ticketId);
      if (ticket) deps.events.emit('ticket.updated', { ...(await ticketEventData(models, ticket)), changes: { answeredByCall: true, byAgentId: agentId } });
      return 'answered';
    },
  };
}
export type LiveCalls = ReturnType<typeof createLiveCalls>;

/** Where an agent's live calls ring, or null when they cannot be reached (inactive, no phone, or on a call). */
async function reachableAgent(deps: { models: Models; now: () => Date; browserCalls: boolean }, agentId: Types.ObjectId | string): Promise<RingTarget | null> {
  const agent = await agentsStore(deps.models).byId(agentId);
  if (!agent?.active) return null;
  if (await calls(deps.models).agentOnCall(agent._id, new Date(deps.now().getTime() - STALE_CALL_MS))) return null;
  const id = String(agent._id);
  if (agent.voiceDevice === 'browser' && deps.browserCalls) return { agentId: id, client: `agent-${id}` };
  return agent.phone ? { agentId: id, number: agent.phone } : null;
}

/** A first-time caller and the phone menu: they choose their team by key (admins set it in the automation). */
function phoneMenu(deps: { menu?: () => Promise<{ key: string; label: string; teamId: string }[]> }, store: ReturnType<typeof calls>) {
  return {
    /** Whether the caller is unknown (this call is their first contact): the team answers them. */
    firstContact: (result: Pick<IngestResult, 'citizenId' | 'messageId'>) => store.firstContact(result.citizenId, result.messageId),

    /** The phone menu admins set (empty: a first-time caller goes straight to the default team's queue). */
    menu: async () => (deps.menu ? await deps.menu() : []),

    /** The key a first-time caller pressed: their request goes to that team (unknown key or none: as it is). */
    async chooseTeam(callSid: string, key: string | null): Promise<void> {
      const choice = key && deps.menu ? (await deps.menu()).find((m) => m.key === key) : undefined;
      const entry = choice ? await store.incoming(callSid) : null;
      if (choice && entry) await store.toTeam(entry.ticketId, choice.teamId);
    },

  };
}

type LiveDeps = Parameters<typeof createLiveCalls>[0];

/** The team's queue: a call waits there, leaves it, or is taken by one of the team. */
function teamQueue(deps: LiveDeps, store: ReturnType<typeof calls>, reachable: (agentId: string) => Promise<RingTarget | null>) {
  const { models } = deps;
  return {
    /** Nobody to ring, or nobody answered: the call waits in its request's team's queue (the default team's otherwise). */
    async queue(callSid: string): Promise<string | null> {
      const entry = await store.incoming(callSid);
      if (!entry) return null;
      const ticket = await tickets(models).read(entry.ticketId);
      const teamId = ticket?.teamId ? String(ticket.teamId) : String((await routingReads(models).defaultTeamId()) ?? '');
      if (!teamId || !ticket) return null;
      if ((await deps.voice.callEvent(callSid, { type: 'queued', teamId, at: deps.now() })) !== 'moved') return null;
      const name = await citizensStore(models).nameOf(ticket.citizenId);
      deps.events.emit('call.queued', { teamId, callSid, ticketId: String(ticket._id), reference: ticket.reference, citizen: { id: String(ticket.citizenId), name }, from: entry.fromAddress ?? '' });
      return `team-${teamId}`;
    },

    /** The caller left the queue: hung up, or sent on to the voicemail (waited too long, or an error). */
    async left(callSid: string, result: string): Promise<void> {
      const entry = await store.incoming(callSid);
      const teamId = entry?.call?.teamId ? String(entry.call.teamId) : null;
      if ((await deps.voice.callEvent(callSid, { type: 'left', result, at: deps.now() })) === 'moved' && teamId) deps.events.emit('call.dequeued', { teamId, callSid, agentId: null });
    },

    /** An agent takes a waiting call: it rings their phone or browser (409 when it waits no more). */
    async take(agentId: string, callSid: string): Promise<{ callSid: string; state: 'ringing' }> {
      const entry = await store.incoming(callSid);
      if (entry?.call?.state !== 'waiting') throw new Conflict('call.not_waiting');
      const target = await reachable(agentId);
      if (!target) throw new Invalid('call.agent_phone_missing');
      if ((await deps.voice.callEvent(callSid, { type: 'ringing', agentId, at: deps.now() })) !== 'moved') throw new Conflict('call.not_waiting');
      const connected = deps.dialer?.connect ? await deps.dialer.connect({ callSid, target }) : { ok: false as const, retryable: false, reason: 'no dialer' };
      if (!connected.ok) throw new Unavailable('call.refused', { reason: connected.reason });
      deps.events.emit('call.dequeued', { teamId: String(entry.call.teamId), callSid, agentId });
      return { callSid, state: 'ringing' };
    },

    /** The call rings at the agent: the entry says so, and their console shows who calls. */
    async ring(callSid: string, result: IngestResult, target: RingTarget, from: string): Promise<void> {
      await deps.voice.callEvent(callSid, { type: 'ringing', agentId: target.agentId, at: deps.now() });
      const name = await citizensStore(models).nameOf(result.citizenId);
      deps.events.emit('call.incoming', { agentId: target.agentId, callSid, ticketId: result.ticketId, reference: result.reference, citizen: { id: result.citizenId, name }, from });
    },

    /** The agent picked up: their console says they are on the call. */
    async connected(callSid: string) {
      if ((await deps.voice.callEvent(callSid, { type: 'connected' })) !== 'moved') return;
      const entry = await store.incoming(callSid);
      if (entry?.call?.agentId) deps.events.emit('call.agent', { agentId: String(entry.call.agentId), callSid, state: 'connected' });
    },

  };
}
