// Pure parsing of Twilio's webhook forms into what the pipeline needs. Twilio adds parameters over
// time: unknown ones are ignored, missing required ones are a clear error.
import type { InboundMessage } from '../types.js';
import type { DeliveryStatus } from '../../src/domain/ticket.js';
import { Invalid } from '../../src/domain/errors.js';

export type TwilioForm = Record<string, string | string[] | undefined>;

function field(form: TwilioForm, name: string): string | undefined {
  const value = form[name];
  return Array.isArray(value) ? value[0] : value;
}
function required(form: TwilioForm, name: string): string {
  const value = field(form, name);
  if (!value) throw new Invalid('twilio.field_missing', { name });
  return value;
}
function sid(form: TwilioForm, name: string, prefix: string): string {
  const value = required(form, name);
  if (!new RegExp(`^${prefix}[0-9a-zA-Z]{10,64}$`).test(value)) throw new Invalid('twilio.id_invalid', { name });
  return value;
}

/** An incoming SMS or MMS (media kept as references to Twilio's URLs). */
export function parseInboundSms(form: TwilioForm, receivedAt: Date): InboundMessage {
  const messageSid = field(form, 'MessageSid') ? sid(form, 'MessageSid', '(SM|MM)') : sid(form, 'SmsSid', '(SM|MM)');
  const mediaCount = Math.min(Number(field(form, 'NumMedia') ?? 0) || 0, 10);
  const attachments = Array.from({ length: mediaCount }, (_, i) => ({
    contentType: field(form, `MediaContentType${i}`) ?? 'application/octet-stream',
    size: 0,
    ref: field(form, `MediaUrl${i}`) ?? '',
  })).filter((a) => a.ref);
  return {
    channel: 'sms',
    externalId: messageSid,
    from: { address: required(form, 'From') },
    text: field(form, 'Body') ?? '',
    threadHints: {},
    attachments,
    receivedAt,
  };
}

export function parseCall(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), from: required(form, 'From'), callStatus: field(form, 'CallStatus') ?? 'ringing' };
}

export function parseRecording(form: TwilioForm) {
  const duration = Number(field(form, 'RecordingDuration'));
  return {
    callSid: sid(form, 'CallSid', 'CA'),
    recordingSid: sid(form, 'RecordingSid', 'RE'),
    recordingUrl: required(form, 'RecordingUrl'),
    durationSeconds: Number.isFinite(duration) ? duration : null,
  };
}

/**
 * A callback of the real-time transcription (<Start><Transcription>): `transcription-started`,
 * `transcription-content` (an utterance: TranscriptionData is JSON with `transcript`; only `Final=true`
 * ones are kept), `transcription-stopped`, `transcription-error`. Also the older recording
 * transcription's form (TranscriptionStatus, TranscriptionText) of calls answered before an upgrade.
 */
export function parseTranscription(form: TwilioForm):
  | { callSid: string; kind: 'utterance'; seq: number; text: string }
  | { callSid: string; kind: 'status'; status: 'in-progress' | 'completed' | 'failed' }
  | { callSid: string; kind: 'partial' } {
  const callSid = sid(form, 'CallSid', 'CA');
  const event = field(form, 'TranscriptionEvent');
  if (!event) {
    const status = required(form, 'TranscriptionStatus');
    const text = field(form, 'TranscriptionText')?.trim();
    if (status === 'completed' && text) return { callSid, kind: 'utterance', seq: 0, text };
    return { callSid, kind: 'status', status: status === 'completed' ? 'completed' : 'failed' };
  }
  switch (event) {
    case 'transcription-started':
      return { callSid, kind: 'status', status: 'in-progress' };
    case 'transcription-stopped':
      return { callSid, kind: 'status', status: 'completed' };
    case 'transcription-error':
      return { callSid, kind: 'status', status: 'failed' };
    case 'transcription-content': {
      if (field(form, 'Final') !== 'true') return { callSid, kind: 'partial' };
      const seq = Number(required(form, 'SequenceId'));
      if (!Number.isSafeInteger(seq) || seq < 0) throw new Invalid('twilio.field_invalid', { name: 'SequenceId' });
      let data: unknown;
      try {
        data = JSON.parse(required(form, 'TranscriptionData'));
      } catch {
        throw new Invalid('twilio.field_invalid', { name: 'TranscriptionData' });
      }
      const transcript = data && typeof data === 'object' && 'transcript' in data ? (data as { transcript: unknown }).transcript : null;
      return { callSid, kind: 'utterance', seq, text: typeof transcript === 'string' ? transcript.slice(0, 20_000) : '' };
    }
    default:
      // An event Twilio adds later: acknowledged, ignored.
      return { callSid, kind: 'partial' };
  }
}

const STATUS_OF: Record<string, DeliveryStatus> = {
  accepted: 'queued', scheduled: 'queued', queued: 'queued', sending: 'sending', sent: 'sent',
  delivered: 'delivered', read: 'delivered', undelivered: 'failed', failed: 'failed', canceled: 'failed',
};

export function parseMessageStatus(form: TwilioForm) {
  const twilioStatus = required(form, 'MessageStatus');
  const status = STATUS_OF[twilioStatus];
  if (!status) throw new Invalid('twilio.status_unknown', { status: twilioStatus.slice(0, 40) });
  return { messageSid: sid(form, 'MessageSid', '(SM|MM)'), status, errorCode: field(form, 'ErrorCode') || null };
}

/** The key a caller pressed during the greeting (<Gather> action). */
export function parseGather(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), from: field(form, 'From') ?? '', digits: field(form, 'Digits') ?? '' };
}

const seconds = (value: string | undefined) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
};

/** A status callback of a call we placed (the agent's leg of a call-back). */
export function parseCallStatus(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), status: required(form, 'CallStatus'), durationSeconds: seconds(field(form, 'CallDuration')) };
}

/** The end of a <Dial> (the citizen's leg of a call-back). */
export function parseDialResult(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), status: required(form, 'DialCallStatus'), durationSeconds: seconds(field(form, 'DialCallDuration')) };
}

/** A waiting caller's place in the queue (the waitUrl's request). */
export function parseQueueWait(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), position: seconds(field(form, 'QueuePosition')), waitedSeconds: seconds(field(form, 'QueueTime')) ?? 0 };
}

/** How a call left its queue (the <Enqueue>'s action): bridged, hangup, leave, error… */
export function parseQueueResult(form: TwilioForm) {
  return { callSid: sid(form, 'CallSid', 'CA'), result: required(form, 'QueueResult'), waitedSeconds: seconds(field(form, 'QueueTime')) };
}

/** A status of the agent's leg of a live call (the <Number> or <Client> dialled): it belongs to the caller's call. */
export function parseLegStatus(form: TwilioForm) {
  return { parentCallSid: sid(form, 'ParentCallSid', 'CA'), status: required(form, 'CallStatus') };
}
