// A call is one thread entry: missed, then a voicemail with its recording, then its text, gathered from
// Twilio's callbacks in whatever order and however often they come. Pure: the service applies an event
// to the stored state with a compare-and-set on `version`, and stores the text this file derives.
import { t } from '../i18n/catalogue.js';

export type TranscriptionStatus = 'in-progress' | 'completed' | 'failed';

/**
 * ringing: rung at the citizen's usual agent (`agentId`); in_progress: that agent picked up; answered:
 * the conversation ended (`durationSeconds`); abandoned: the caller hung up before anyone answered;
 * missed, then voicemail: nobody answered, the caller may leave a message.
 */
export type CallStateName = 'waiting' | 'ringing' | 'in_progress' | 'answered' | 'abandoned' | 'missed' | 'voicemail';

export interface CallState {
  state: CallStateName;
  /** The agent rung (live calls). */
  agentId: string | null;
  /** The team whose queue the call waits in (waiting: `teamId`), since when, and how long it waited in all. */
  teamId?: string | null;
  queuedAt?: Date | null;
  waitedSeconds?: number | null;
  /** Who was rung: the caller's own agent ('usual': their usual agent or the colleague covering) or one of the team who took it from the queue. */
  rungAs?: 'usual' | 'team' | null;
  recordingSid: string | null;
  recordingUrl: string | null;
  durationSeconds: number | null;
  transcriptionStatus: TranscriptionStatus | null;
  /** Final utterances of the real-time transcription, by Twilio's SequenceId. */
  segments: { seq: number; text: string }[];
  version: number;
}

/** How the agent's leg of a live call ended, as Twilio's DialCallStatus says it. */
export type DialOutcome = 'completed' | 'answered' | 'no-answer' | 'busy' | 'failed' | 'canceled';

export type CallEvent =
  | { type: 'queued'; teamId: string; at: Date }
  | { type: 'left'; result: string; at: Date }
  | { type: 'ringing'; agentId: string; at: Date }
  | { type: 'connected' }
  | { type: 'dialed'; status: DialOutcome; durationSeconds: number | null }
  | { type: 'recording'; recordingSid: string; recordingUrl: string; durationSeconds: number | null }
  | { type: 'call_recording'; recordingSid: string; recordingUrl: string }
  | { type: 'utterance'; seq: number; text: string }
  | { type: 'transcription'; status: TranscriptionStatus };

const STATUS_RANK: Record<TranscriptionStatus, number> = { 'in-progress': 0, completed: 1, failed: 1 };

export const emptyCall = (): CallState => ({
  state: 'missed', agentId: null, recordingSid: null, recordingUrl: null, durationSeconds: null, transcriptionStatus: null, segments: [], version: 0,
});

/** The state after the event, or null when the event brings nothing new (a retry, a step backwards). */
export function applyCallEvent(call: CallState, event: CallEvent): CallState | null {
  const next = { ...call, segments: [...call.segments], version: call.version + 1 };
  switch (event.type) {
    case 'queued':
      // A fresh call, or one its agent did not answer: it waits for the team.
      if (call.state !== 'missed' || call.recordingSid || call.teamId) return null;
      return { ...next, state: 'waiting', teamId: event.teamId, queuedAt: event.at };
    case 'left':
      if (call.state !== 'waiting') return null;
      return { ...next, state: event.result === 'hangup' ? 'abandoned' : 'missed', waitedSeconds: waitedSince(call, event.at) };
    case 'ringing': {
      // A fresh call, or one taken from the queue: never rung twice.
      const fresh = call.state === 'missed' && !call.agentId && !call.recordingSid;
      if (!fresh && call.state !== 'waiting') return null;
      if (fresh) return { ...next, state: 'ringing', agentId: event.agentId, rungAs: 'usual' };
      return { ...next, state: 'ringing', agentId: event.agentId, rungAs: 'team', waitedSeconds: waitedSince(call, event.at) };
    }
    case 'connected':
      return call.state === 'ringing' ? { ...next, state: 'in_progress' } : null;
    case 'dialed': {
      if (call.state !== 'ringing' && call.state !== 'in_progress') return null;
      const picked = event.status === 'completed' || event.status === 'answered' || call.state === 'in_progress';
      if (picked) return { ...next, state: 'answered', durationSeconds: event.durationSeconds ?? call.durationSeconds };
      return { ...next, state: event.status === 'canceled' ? 'abandoned' : 'missed' };
    }
    case 'call_recording':
      // A live call's conversation (VOICE_RECORD_CALLS): kept with it, its state unchanged.
      if (call.recordingSid === event.recordingSid || !call.agentId) return null;
      return { ...next, recordingSid: event.recordingSid, recordingUrl: event.recordingUrl };
    case 'recording':
      if (call.recordingSid === event.recordingSid) return null;
      return { ...next, state: 'voicemail', recordingSid: event.recordingSid, recordingUrl: event.recordingUrl, durationSeconds: event.durationSeconds };
    case 'utterance': {
      const text = event.text.replace(/\s+/g, ' ').trim();
      if (!text || call.segments.some((s) => s.seq === event.seq)) return null;
      next.segments = [...call.segments, { seq: event.seq, text }].sort((a, b) => a.seq - b.seq);
      return next;
    }
    case 'transcription': {
      const current = call.transcriptionStatus;
      if (current && STATUS_RANK[current] >= STATUS_RANK[event.status]) return null;
      return { ...next, transcriptionStatus: event.status };
    }
  }
}

/** Seconds since the call joined its queue (0 when unknown). */
const waitedSince = (call: CallState, at: Date) => (call.queuedAt ? Math.max(0, Math.round((at.getTime() - new Date(call.queuedAt).getTime()) / 1000)) : 0);

/** What the thread shows for the call: the caller's words once there are any, else where it stands. */
export function callText(call: CallState): string {
  if (call.state === 'waiting') return t('voice.waiting');
  if (call.state === 'ringing') return t('voice.ringing');
  if (call.state === 'in_progress') return t('voice.in_progress');
  if (call.state === 'answered') return t('voice.answered', { duration: call.durationSeconds ? ` (${Math.floor(call.durationSeconds / 60)} min ${call.durationSeconds % 60} s)` : '' });
  if (call.state === 'abandoned') return t('voice.abandoned');
  if (call.segments.length > 0) return call.segments.map((s) => s.text).join(' ');
  if (!call.recordingSid) return t('voice.missed_call');
  const finished = call.transcriptionStatus === 'completed' || call.transcriptionStatus === 'failed';
  if (finished) return t('voice.transcription_unavailable');
  return t('voice.voicemail_pending', { duration: call.durationSeconds ? `, ${call.durationSeconds} s` : '' });
}
