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
import { ticketEventData } from './ticketEvents.js';
import type { VoiceService } from './voice.js';

/** Where the call rings: the agent's phone number, or their browser (Twilio Client identity). */
export type RingTarget = { agentId: string; number: string } | { agentId: string; client: string };

/** A call older than this without an end is no longer holding its agent (a lost callback). */
const STALE_CALL_MS = 4 * 3600_000;

export function createLiveCalls(deps: { models: Models; events: EventBus; audit: Audit; voice: VoiceService; now: () => Date; log: Logger; browserCalls: boolean }) {
  const { models } = deps;
  const store = calls(models);

  return {
    /** The agent to ring for this call, or null (nobody to ring: the voicemail as before). */
    async target(result: Pick<IngestResult, 'handlingAgentId'>): Promise<RingTarget | null> {
      const entry = result.handlingAgentId ? await agentDirectory(models).get(result.handlingAgentId) : null;
      if (!entry?.active || entry.availability !== 'available') return null;
      const agent = await agentsStore(models).byId(entry._id);
      if (!agent) return null;
      if (await store.agentOnCall(agent._id, new Date(deps.now().getTime() - STALE_CALL_MS))) return null;
      const agentId = String(agent._id);
      if (agent.voiceDevice === 'browser' && deps.browserCalls) return { agentId, client: `agent-${agentId}` };
      return agent.phone ? { agentId, number: agent.phone } : null;
    },

    /** The call rings at the agent: the entry says so, and their console shows who calls. */
    async ring(callSid: string, result: IngestResult, target: RingTarget, from: string): Promise<void> {
      await deps.voice.callEvent(callSid, { type: 'ringing', agentId: target.agentId });
      const name = await citizensStore(models).nameOf(result.citizenId);
      deps.events.emit('call.incoming', { agentId: target.agentId, callSid, ticketId: result.ticketId, reference: result.reference, citizen: { id: result.citizenId, name }, from });
    },

    /** The agent picked up. */
    connected: (callSid: string) => deps.voice.callEvent(callSid, { type: 'connected' }),

    /** The agent's leg ended: answered (the request has its answer), or not (the caller goes on to the voicemail). */
    async ended(callSid: string, status: DialOutcome, durationSeconds: number | null): Promise<'answered' | 'unanswered' | 'unknown'> {
      const moved = await deps.voice.callEvent(callSid, { type: 'dialed', status, durationSeconds });
      if (moved === 'unknown') return 'unknown';
      const entry = await store.incoming(callSid);
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
