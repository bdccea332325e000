// A call is one thread entry: missed, then a voicemail with its recording, then its text, gathered from
// Twilio's callbacks in whatever order and however often they come. Pure: the service applies an event
// to the stored state with a compare-and-set on `version`, and stores the text this file derives.
import { t } from '../i18n/catalogue.js';

export type TranscriptionStatus = 'in-progress' | 'completed' | 'failed';

export interface CallState {
  state: 'missed' | 'voicemail';
  recordingSid: string | null;
  recordingUrl: string | null;
  durationSeconds: number | null;
  transcriptionStatus: TranscriptionStatus | null;
  /** Final utterances of the real-time transcription, by Twilio's SequenceId. */
  segments: { seq: number; text: string }[];
  version: number;
}

export type CallEvent =
  | { type: 'recording'; recordingSid: string; recordingUrl: string; durationSeconds: number | null }
  | { type: 'utterance'; seq: number; text: string }
  | { type: 'transcription'; status: TranscriptionStatus };

const STATUS_RANK: Record<TranscriptionStatus, number> = { 'in-progress': 0, completed: 1, failed: 1 };

export const emptyCall = (): CallState => ({
  state: 'missed', recordingSid: null, recordingUrl: null, durationSeconds: null, transcriptionStatus: null, segments: [], version: 0,
});

/** The state after the event, or null when the event brings nothing new (a retry, a step backwards). */
export function applyCallEvent(call: CallState, event: CallEvent): CallState | null {
  const next = { ...call, segments: [...call.segments], version: call.version + 1 };
  switch (event.type) {
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

/** What the thread shows for the call: the caller's words once there are any, else where it stands. */
export function callText(call: CallState): string {
  if (call.segments.length > 0) return call.segments.map((s) => s.text).join(' ');
  if (!call.recordingSid) return t('voice.missed_call');
  const finished = call.transcriptionStatus === 'completed' || call.transcriptionStatus === 'failed';
  if (finished) return t('voice.transcription_unavailable');
  return t('voice.voicemail_pending', { duration: call.durationSeconds ? `, ${call.durationSeconds} s` : '' });
}
