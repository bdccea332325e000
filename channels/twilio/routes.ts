// Twilio's webhooks, the inbound side of SMS and voice: the signature verified on the raw form, parsed
// (pure, webhooks.ts), handed to the pipeline, and answered only once what they bring is stored (a retry
// is stored once). Messages (SMS in, delivery statuses), calls (greeting, call-back key, voicemail and its
// transcription) and call-backs from the console (bridge, dial, the agent's leg).
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config/index.js';
import { twilioReason } from './errors.js';
import {
  type VoicemailSettings, afterRecordingTwiml, bridgeTwiml, callEndedTwiml, enqueueTwiml, queueWaitTwiml, ringAgentTwiml, voiceMenuTwiml, callbackNotedTwiml, callGoneTwiml, citizenNoAnswerTwiml, emptyTwiml, emptyVoiceTwiml, incomingCallTwiml, voicemailTwiml,
} from './twiml.js';
import {
  parseCall, parseCallStatus, parseDialResult, parseGather, parseInboundSms, parseLegStatus, parseMessageStatus, parseQueueResult, parseQueueWait, parseRecording, parseTranscription, type TwilioForm,
} from './webhooks.js';
import { Type } from '@sinclair/typebox';
import { isOpenAt } from '../../src/domain/calendar.js';
import type { DialOutcome } from '../../src/domain/voicemail.js';
import { phoneSender } from '../../src/domain/identity.js';
import { Forbidden } from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { errors, noContent, ObjectIdString, textAnswer } from '../../src/http/schemas.js';
import { t } from '../../src/i18n/catalogue.js';

type Settings = Pick<Config, 'publicBaseUrl' | 'service' | 'sms' | 'rules'> & { twilio: NonNullable<Config['twilio']> };

/** What every route of this file uses: the services, the settings, the public URL of a path, TwiML answers, OpenAPI words. */
function kitOf(services: Services, settings: Settings) {
  const url = (path: string) => `${settings.publicBaseUrl}${path}`;
  const xml = (reply: FastifyReply, body: string) => reply.type('text/xml; charset=utf-8').send(body);
  const docs = (summary: string, answer: Record<number, unknown> = { 200: textAnswer('text/xml', 'TwiML for Twilio') }) => ({
    schema: { tags: ['webhooks'], summary, consumes: ['application/x-www-form-urlencoded'], response: { ...answer, ...errors(400, 403) } },
  });
  return { services, settings, url, xml, docs };
}
type Kit = ReturnType<typeof kitOf>;

export const twilioWebhookRoutes =
  (services: Services, settings: Settings): FastifyPluginAsync =>
  async (app) => {
    const kit = kitOf(services, settings);
    // Checked before any parsing or validation: a forged request learns nothing about its body.
    app.addHook('preValidation', async (request: FastifyRequest) => {
      const signature = request.headers['x-twilio-signature'];
      const valid = typeof signature === 'string' && twilio.validateRequest(settings.twilio.authToken, signature, kit.url(request.url), formOf(request));
      if (!valid) {
        request.log.warn({ path: request.url.split('?')[0], ip: request.ip, signed: typeof signature === 'string' }, 'Twilio webhook with a missing or wrong signature refused');
        throw new Forbidden('twilio.signature_invalid');
      }
    });
    messageRoutes(app, kit);
    callRoutes(app, kit);
    callbackRoutes(app, kit);
  };

/** An SMS in (STOP/START, a satisfaction score, or a message for the pipeline) and the delivery statuses of ours. */
function messageRoutes(app: FastifyInstance, { services, settings, xml, docs }: Kit) {
  app.post('/webhooks/twilio/sms', docs('Incoming SMS or MMS (signed by Twilio)'), async (request, reply) => {
    const inbound = parseInboundSms(formOf(request), services.now());
    const received = await services.inbound.receive(inbound);
    request.log.info({ channel: 'sms', externalId: inbound.externalId, ...received }, 'SMS received');
    return xml(reply, emptyTwiml());
  });

  app.post('/webhooks/twilio/status', docs('Delivery status of an outgoing SMS', { 204: noContent('status recorded (or already further along)') }), async (request, reply) => {
    const status = parseMessageStatus(formOf(request));
    const messageId = (request.query as { messageId?: string }).messageId;
    const moved = await services.outbox.advanceStatus({ messageId, providerId: status.messageSid }, status.status, {
      providerId: status.messageSid,
      code: status.errorCode,
      reason: status.status === 'failed' ? twilioReason(status.errorCode, t('delivery.not_delivered')) : undefined,
    });
    request.log.info({ channel: 'sms', externalId: status.messageSid, status: status.status, moved }, 'SMS status callback');
    return reply.status(204).send();
  });
}

/** A call: the greeting (opening hours), key 1 for a call-back, the voicemail and its transcription. */
function callRoutes(app: FastifyInstance, kit: Kit) {
  const { services, settings, url, xml, docs } = kit;
  const voicemail = {
    recordingUrl: url('/webhooks/twilio/voice/recording'),
    transcriptionUrl: url('/webhooks/twilio/voice/transcription'),
    transcriptionLanguage: settings.sms.transcriptionLanguage,
    maxSeconds: settings.sms.voicemailMaxSeconds,
  };
  const reachable = (from: string) => 'identity' in phoneSender(from, settings.rules.defaultPhoneRegion);
  const enqueue = (queue: string, notice: string) => enqueueTwiml({ queue, notice, waitUrl: url('/webhooks/twilio/voice/queue-wait'), actionUrl: url('/webhooks/twilio/voice/queue-result') });

  app.post('/webhooks/twilio/voice', docs('Incoming call: greeting, call-back offer (key 1), then voicemail transcribed in real time'), async (request, reply) => {
    const call = parseCall(formOf(request));
    const at = services.now();
    const result = await services.voice.callReceived({ callSid: call.callSid, from: call.from, at });
    request.log.info({ channel: 'voice', externalId: call.callSid, ticketId: result.ticketId }, 'call stored');
    const open = isOpenAt(at, settings.service.openingHours, settings.rules.timeZone);
    // Open and a first-time caller: the team answers (chosen by key when admins set a phone menu).
    const firstContact = open && !result.duplicate && (await services.liveCalls.firstContact(result));
    const menu = firstContact ? await services.liveCalls.menu() : [];
    if (menu.length) return xml(reply, voiceMenuTwiml({ serviceName: settings.service.name, menu, actionUrl: url('/webhooks/twilio/voice/menu') }));
    // Open and a known caller: their usual agent (or their cover) is rung first, if free.
    const target = open && !firstContact && !result.duplicate ? await services.liveCalls.target(result) : null;
    if (target) {
      await services.liveCalls.ring(call.callSid, result, target, call.from);
      return xml(reply, ringAgentTwiml({ serviceName: settings.service.name, target, ringSeconds: settings.sms.ringSeconds, actionUrl: url('/webhooks/twilio/voice/agent-dial'), statusUrl: url('/webhooks/twilio/voice/agent-leg'), recordingUrl: settings.sms.recordCalls ? url('/webhooks/twilio/voice/call-recording') : null }));
    }
    // Open, but nobody to ring: the team answers.
    const queue = open && !result.duplicate ? await services.liveCalls.queue(call.callSid) : null;
    if (queue) return xml(reply, enqueue(queue, `Bonjour, vous êtes bien à ${settings.service.name}. Nous vous mettons en relation avec un agent.`));
    // A hidden number cannot be called back: it is offered the voicemail only.
    const callbackUrl = services.callbacks.enabled && reachable(call.from) ? url('/webhooks/twilio/voice/callback') : null;
    return xml(reply, incomingCallTwiml({ ...voicemail, serviceName: settings.service.name, open, callbackUrl }));
  });

  app.post('/webhooks/twilio/voice/callback', docs('The key pressed during the greeting: 1 asks for a call-back, anything else leads to the voicemail'), async (request, reply) => {
    const gather = parseGather(formOf(request));
    if (gather.digits !== '1' || !services.callbacks.enabled || !reachable(gather.from)) return xml(reply, voicemailTwiml(voicemail));
    const requested = await services.callbacks.requestFromCall({ callSid: gather.callSid, from: gather.from });
    request.log.info({ channel: 'voice', externalId: gather.callSid, slot: requested.slot }, 'call-back requested by phone');
    return xml(reply, callbackNotedTwiml(requested.label));
  });

  app.post('/webhooks/twilio/voice/recording', docs('The voicemail recording of a call'), async (request, reply) => {
    const recording = parseRecording(formOf(request));
    const found = await services.voice.recordingReceived(recording);
    if (!found) request.log.warn({ channel: 'voice', externalId: recording.callSid }, 'recording for an unknown call');
    return xml(reply, afterRecordingTwiml());
  });

  app.post('/webhooks/twilio/voice/transcription', docs('Real-time transcription of a voicemail (started, each final utterance, stopped, error)'), async (request, reply) => {
    const transcription = parseTranscription(formOf(request));
    if (transcription.kind !== 'partial') {
      const event = transcription.kind === 'utterance' ? { type: 'utterance' as const, seq: transcription.seq, text: transcription.text } : { type: 'transcription' as const, status: transcription.status };
      const found = await services.voice.transcriptionEvent(transcription.callSid, event);
      if (!found) request.log.warn({ channel: 'voice', externalId: transcription.callSid }, 'transcription for an unknown call');
    }
    return xml(reply, emptyTwiml());
  });
  liveCallRoutes(app, kit, voicemail, enqueue);
}

/** A live call (issue 25): the end of the agent's leg, its pick-up, and the team's queue (waiting, leaving). */
function liveCallRoutes(app: FastifyInstance, { services, settings, url, xml, docs }: Kit, voicemail: VoicemailSettings, enqueue: (queue: string, notice: string) => string) {
  app.post('/webhooks/twilio/voice/agent-dial', docs('A live call: how the usual agent\'s leg ended (answered, or the voicemail)'), async (request, reply) => {
    const result = parseDialResult(formOf(request));
    const outcome = await services.liveCalls.ended(result.callSid, result.status as DialOutcome, result.durationSeconds);
    request.log.info({ channel: 'voice', externalId: result.callSid, status: result.status, outcome }, 'live call: agent leg ended');
    if (outcome === 'answered' || result.status === 'canceled') return xml(reply, callEndedTwiml());
    // Not answered: the team, then the voicemail.
    const queue = await services.liveCalls.queue(result.callSid);
    if (queue) return xml(reply, enqueue(queue, 'Votre interlocuteur n\'est pas disponible. Nous vous mettons en relation avec son équipe.'));
    return xml(reply, voicemailTwiml({ ...voicemail, notice: 'Votre interlocuteur n\'est pas disponible pour le moment. Laissez-nous un message après le bip : il vous recontactera.' }));
  });

  app.post('/webhooks/twilio/voice/menu', docs('A first-time caller\'s key in the phone menu: the chosen team\'s queue (none or another key: the default team)'), async (request, reply) => {
    const gather = parseGather(formOf(request));
    await services.liveCalls.chooseTeam(gather.callSid, gather.digits || null);
    const queue = await services.liveCalls.queue(gather.callSid);
    if (queue) return xml(reply, enqueue(queue, 'Nous vous mettons en relation avec un agent.'));
    return xml(reply, voicemailTwiml(voicemail));
  });

  app.post('/webhooks/twilio/voice/call-recording', docs('A live call\'s recording (VOICE_RECORD_CALLS): kept with the call\'s entry', { 204: noContent('recording kept (or already)') }), async (request, reply) => {
    const recorded = parseRecording(formOf(request));
    const found = await services.voice.callEvent(recorded.callSid, { type: 'call_recording', recordingSid: recorded.recordingSid, recordingUrl: recorded.recordingUrl });
    if (found === 'unknown') request.log.warn({ channel: 'voice', externalId: recorded.callSid }, 'recording for an unknown live call');
    return reply.status(204).send();
  });

  app.post('/webhooks/twilio/voice/queue-wait', docs('A live call waiting for its team: the position, until the longest wait (then the voicemail)'), async (request, reply) => {
    const wait = parseQueueWait(formOf(request));
    const callbackUrl = services.callbacks.enabled ? url('/webhooks/twilio/voice/callback') : null;
    return xml(reply, queueWaitTwiml({ position: wait.position, waitedSeconds: wait.waitedSeconds, maxSeconds: settings.sms.queueMaxSeconds, callbackUrl }));
  });

  app.post('/webhooks/twilio/voice/queue-result', docs('A live call left its queue: put through (then ended), hung up, or on to the voicemail'), async (request, reply) => {
    const left = parseQueueResult(formOf(request));
    request.log.info({ channel: 'voice', externalId: left.callSid, result: left.result }, 'live call: left the queue');
    if (left.result === 'bridged' || left.result === 'redirected') return xml(reply, callEndedTwiml());
    await services.liveCalls.left(left.callSid, left.result);
    if (left.result === 'hangup') return xml(reply, emptyVoiceTwiml());
    return xml(reply, voicemailTwiml({ ...voicemail, notice: 'Nos agents ne peuvent pas vous répondre pour le moment. Laissez-nous un message après le bip : nous vous recontacterons.' }));
  });

  app.post('/webhooks/twilio/voice/agent-leg', docs('A live call: the agent picked up (status of their leg)', { 204: noContent('status recorded (or already further along)') }), async (request, reply) => {
    const leg = parseLegStatus(formOf(request));
    if (leg.status === 'in-progress' || leg.status === 'answered') await services.liveCalls.connected(leg.parentCallSid);
    return reply.status(204).send();
  });

}

/** A call-back from the console: Twilio rings the agent, then asks here what to do once they answer. */
function callbackRoutes(app: FastifyInstance, { services, settings, url, xml, docs }: Kit) {
    const withCallId = (route: ReturnType<typeof docs>) => ({ schema: { ...route.schema, querystring: Type.Object({ callId: ObjectIdString }) } });
  const callIdOf = (request: FastifyRequest) => (request.query as { callId: string }).callId;

  app.post('/webhooks/twilio/voice/bridge', withCallId(docs('A call-back: the agent answered, dial the citizen')), async (request, reply) => {
    const callId = callIdOf(request);
    const target = await services.callbacks.bridgeTarget(callId);
    if (!target) return xml(reply, callGoneTwiml());
    await services.callbacks.dialEvent(callId, { leg: 'agent', status: 'in-progress' });
    return xml(reply, bridgeTwiml({ reference: target.reference, citizenPhone: target.phone, callerId: settings.twilio.phoneNumber, dialUrl: url(`/webhooks/twilio/voice/dial?callId=${callId}`) }));
  });

  app.post('/webhooks/twilio/voice/dial', withCallId(docs('A call-back: how the citizen\'s leg ended')), async (request, reply) => {
    const result = parseDialResult(formOf(request));
    const found = await services.callbacks.dialEvent(callIdOf(request), { leg: 'citizen', status: result.status, durationSeconds: result.durationSeconds });
    if (!found) request.log.warn({ channel: 'voice', externalId: result.callSid }, 'dial result for an unknown call-back');
    return xml(reply, result.status === 'completed' ? emptyVoiceTwiml() : citizenNoAnswerTwiml());
  });

  app.post('/webhooks/twilio/voice/call-status', withCallId(docs('A call-back: status of the agent\'s leg', { 204: noContent('status recorded (or already further along)') })), async (request, reply) => {
    const status = parseCallStatus(formOf(request));
    const found = await services.callbacks.dialEvent(callIdOf(request), { leg: 'agent', status: status.status, durationSeconds: status.durationSeconds });
    if (!found) request.log.warn({ channel: 'voice', externalId: status.callSid }, 'status for an unknown call-back');
    return reply.status(204).send();
  });
}

function formOf(request: FastifyRequest): TwilioForm {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as TwilioForm) : {};
}
