// Calls: one thread entry per call, created as a missed call when the call comes in, which gains its
// recording (voicemail) and later its transcription: the same message updated, never new ones.
import { t } from '../i18n/catalogue.js';
import type { Logger } from 'pino';
import type { Models } from '../store/index.js';
import type { MessageDoc } from '../store/models/message.js';
import type { EventBus } from './eventBus.js';
import { ticketEventData } from './ticketEvents.js';
import type { IngestInbound, IngestResult } from './ingestInbound.js';

export const MISSED_CALL_TEXT = t('voice.missed_call');

export function createVoiceService(deps: { models: Models; events: EventBus; ingestInbound: IngestInbound; now: () => Date; log: Logger }) {
  const { models, events } = deps;

  async function callMessage(callSid: string): Promise<MessageDoc | null> {
    return models.messages.findOne({ channel: 'voice', externalId: callSid });
  }

  async function emitUpdated(message: MessageDoc, changes: Record<string, unknown>) {
    const ticket = await models.tickets.findById(message.ticketId).lean();
    if (!ticket) return;
    events.emit('message.updated', { ...(await ticketEventData(models, ticket)), messageId: String(message._id), changes });
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
      await models.messages.updateOne({ _id: result.messageId, call: null }, { $set: { call: { state: 'missed' } } });
      return result;
    },

    /** The caller left a message: the call becomes a voicemail with its recording. */
    async recordingReceived(recording: { callSid: string; recordingSid: string; recordingUrl: string; durationSeconds: number | null }): Promise<boolean> {
      const message = await callMessage(recording.callSid);
      if (!message) return false;
      if (message.call?.recordingSid === recording.recordingSid) return true; // a retried callback
      const hasTranscript = message.call?.transcriptionStatus === 'completed';
      const updated = await models.messages.findOneAndUpdate(
        { _id: message._id },
        {
          $set: {
            'call.state': 'voicemail',
            'call.recordingSid': recording.recordingSid,
            'call.recordingUrl': recording.recordingUrl,
            'call.durationSeconds': recording.durationSeconds,
            attachments: [{ filename: `${recording.recordingSid}.mp3`, contentType: 'audio/mpeg', size: 0, ref: `${recording.recordingUrl}.mp3` }],
            ...(hasTranscript ? {} : { text: t('voice.voicemail_pending', { duration: recording.durationSeconds ? `, ${recording.durationSeconds} s` : '' }) }),
          },
        },
        { returnDocument: 'after' },
      );
      if (updated) await emitUpdated(updated, { call: updated.call, text: updated.text });
      return true;
    },

    /** Twilio's transcription of the voicemail replaces the placeholder text of the same message. */
    async transcriptionReceived(transcription: { callSid: string; status: string; text: string | null }): Promise<boolean> {
      const message = await callMessage(transcription.callSid);
      if (!message) return false;
      const completed = transcription.status === 'completed' && !!transcription.text;
      const updated = await models.messages.findOneAndUpdate(
        { _id: message._id },
        {
          $set: {
            'call.state': 'voicemail',
            'call.transcriptionStatus': transcription.status,
            ...(completed ? { text: transcription.text } : { text: t('voice.transcription_unavailable') }),
          },
        },
        { returnDocument: 'after' },
      );
      if (updated) await emitUpdated(updated, { call: updated.call, text: updated.text });
      return true;
    },
  };
}
export type VoiceService = ReturnType<typeof createVoiceService>;
