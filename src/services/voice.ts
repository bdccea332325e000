// Calls: one thread entry per call, created as a missed call when the call comes in, which gains its
// recording (voicemail) and its French text from the real-time transcription: the same message
// updated, never new ones. Each callback is an event applied to the stored call (src/domain/voicemail.ts)
// with a compare-and-set, so retries and callbacks in any order converge on one state.
import type { Logger } from 'pino';
import { t } from '../i18n/catalogue.js';
import { applyCallEvent, callText, emptyCall, type CallEvent, type CallState } from '../domain/voicemail.js';
import type { Models } from '../store/index.js';
import { calls } from '../store/repositories/calls.js';
import type { MessageDoc } from '../store/models/message.js';
import type { EventBus } from './eventBus.js';
import { ticketEventData } from './ticketEvents.js';
import type { IngestInbound, IngestResult } from './ingest/index.js';
import { subjectFromText } from './ingest/thread.js';

export const MISSED_CALL_TEXT = t('voice.missed_call');
const MAX_ATTEMPTS = 20;

export function createVoiceService(deps: { models: Models; events: EventBus; ingestInbound: IngestInbound; now: () => Date; log: Logger }) {
  const { models, events } = deps;
  const store = calls(models);

  async function emitUpdated(message: MessageDoc, changes: Record<string, unknown>) {
    const ticket = await store.ticket(message.ticketId);
    if (!ticket) return;
    events.emit('message.updated', { ...(await ticketEventData(models, ticket)), messageId: String(message._id), changes });
  }

  /** Applies one callback to the call's entry; false when no call has that CallSid. */
  const apply = async (callSid: string, event: CallEvent): Promise<boolean> => (await step(callSid, event)) !== 'unknown';

  /** One callback applied: 'moved' the entry, left it as it was ('same': a retry, a step backwards), or no such call. */
  async function step(callSid: string, event: CallEvent): Promise<'moved' | 'same' | 'unknown'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const message = await store.incoming(callSid);
      if (!message) return 'unknown';
      const current = stateOf(message);
      const next = applyCallEvent(current, event);
      if (!next) return 'same'; // a retry, or a step backwards
      const set: Record<string, unknown> = { call: next, text: callText(next) };
      if (event.type === 'recording' || event.type === 'call_recording') {
        set.attachments = [{ filename: `${event.recordingSid}.mp3`, contentType: 'audio/mpeg', size: 0, ref: `${event.recordingUrl}.mp3` }];
      }
      const updated = await store.incomingAdvance(message, set);
      if (updated) {
        // A request opened by this call was named « appel manqué… »: it takes the caller's words.
        if (updated.text !== message.text) await store.retitle(message.ticketId, subjectFromText(message.text), subjectFromText(updated.text));
        await emitUpdated(updated, { call: updated.call, text: updated.text });
        return 'moved';
      }
      // Another callback changed the call meanwhile: read it again.
    }
    throw new Error(`call ${callSid}: too many concurrent updates`);
  }

  return {
    /** A call comes in: stored as a missed call the agent can return, until a voicemail arrives. */
    async callReceived(call: { callSid: string; from: string; at: Date }): Promise<IngestResult> {
      const result = await deps.ingestInbound({
        channel: 'voice',
        externalId: call.callSid,
        from: { address: call.from },
        text: MISSED_CALL_TEXT,
        threadHints: {},
        attachments: [],
        receivedAt: call.at,
      });
      await store.incomingStarted(result.messageId, emptyCall());
      return result;
    },

    /** Any step of the call (a live call's ringing, pick-up, end): whether it moved the entry. */
    callEvent: (callSid: string, event: CallEvent) => step(callSid, event),

    /** The caller left a message: the call becomes a voicemail with its recording. */
    recordingReceived: (recording: { callSid: string; recordingSid: string; recordingUrl: string; durationSeconds: number | null }) =>
      apply(recording.callSid, { type: 'recording', ...recording }),

    /** One callback of the real-time transcription: its start, a final utterance, its end or its failure. */
    transcriptionEvent: (callSid: string, event: Extract<CallEvent, { type: 'utterance' | 'transcription' }>) => apply(callSid, event),
  };
}
export type VoiceService = ReturnType<typeof createVoiceService>;

function stateOf(message: MessageDoc): CallState {
  const call = message.call;
  if (!call) return emptyCall();
  return {
    state: call.state,
    agentId: call.agentId ? String(call.agentId) : null,
    teamId: call.teamId ? String(call.teamId) : null,
    queuedAt: call.queuedAt ?? null,
    waitedSeconds: call.waitedSeconds ?? null,
    rungAs: (call.rungAs as CallState['rungAs']) ?? null,
    recordingSid: call.recordingSid ?? null,
    recordingUrl: call.recordingUrl ?? null,
    durationSeconds: call.durationSeconds ?? null,
    transcriptionStatus: (call.transcriptionStatus as CallState['transcriptionStatus']) ?? null,
    segments: (call.segments ?? []).map((s) => ({ seq: s.seq, text: s.text })),
    version: call.version ?? 0,
  };
}
