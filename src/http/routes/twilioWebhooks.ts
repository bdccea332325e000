// Twilio webhooks: verify the signature on the raw form, parse (pure, channels/twilio), hand to the
// pipeline, and answer only once what they bring is stored. A retry is stored once.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../../config/index.js';
import { twilioReason } from '../../../channels/twilio/errors.js';
import { afterRecordingTwiml, emptyTwiml, incomingCallTwiml } from '../../../channels/twilio/twiml.js';
import { parseCall, parseInboundSms, parseMessageStatus, parseRecording, parseTranscription, type TwilioForm } from '../../../channels/twilio/webhooks.js';
import { isOpenAt } from '../../domain/calendar.js';
import { Forbidden } from '../../domain/errors.js';
import { consentKeyword } from '../../domain/sms.js';
import type { Services } from '../../services/index.js';
import { errors, noContent, textAnswer } from '../schemas.js';
import { t } from '../../i18n/catalogue.js';

type Settings = Pick<Config, 'publicBaseUrl' | 'service' | 'sms' | 'rules'> & { twilio: NonNullable<Config['twilio']> };

export const twilioWebhookRoutes =
  (services: Services, settings: Settings): FastifyPluginAsync =>
  async (app) => {
    const url = (path: string) => `${settings.publicBaseUrl}${path}`;

    // Checked before any parsing or validation: a forged request learns nothing about its body.
    app.addHook('preValidation', async (request: FastifyRequest) => {
      const signature = request.headers['x-twilio-signature'];
      const params = formOf(request);
      const valid = typeof signature === 'string' && twilio.validateRequest(settings.twilio.authToken, signature, url(request.url), params);
      if (!valid) {
        request.log.warn({ path: request.url.split('?')[0], ip: request.ip, signed: typeof signature === 'string' }, 'Twilio webhook with a missing or wrong signature refused');
        throw new Forbidden('twilio.signature_invalid');
      }
    });

    const xml = (reply: FastifyReply, body: string) => reply.type('text/xml; charset=utf-8').send(body);
    const docs = (summary: string, answer: Record<number, unknown> = { 200: textAnswer('text/xml', 'TwiML for Twilio') }) => ({
      schema: { tags: ['webhooks'], summary, consumes: ['application/x-www-form-urlencoded'], response: { ...answer, ...errors(400, 403) } },
    });

    app.post('/webhooks/twilio/sms', docs('Incoming SMS or MMS (signed by Twilio)'), async (request, reply) => {
      const inbound = parseInboundSms(formOf(request), services.now());
      const log = request.log.child({ channel: 'sms', externalId: inbound.externalId });
      const keyword = consentKeyword(inbound.text);
      if (keyword) {
        const { known } = await services.citizens.setSmsConsent(inbound.from.address, keyword);
        log.info({ keyword, known }, 'SMS consent keyword');
        return xml(reply, emptyTwiml());
      }
      const result = await services.ingestInbound(inbound);
      log.info({ ticketId: result.ticketId, duplicate: result.duplicate }, 'SMS stored');
      return xml(reply, emptyTwiml());
    });

    app.post('/webhooks/twilio/voice', docs('Incoming call: greeting, then voicemail'), async (request, reply) => {
      const call = parseCall(formOf(request));
      const at = services.now();
      const result = await services.voice.callReceived({ callSid: call.callSid, from: call.from, at });
      request.log.info({ channel: 'voice', externalId: call.callSid, ticketId: result.ticketId }, 'call stored');
      return xml(
        reply,
        incomingCallTwiml({
          serviceName: settings.service.name,
          open: isOpenAt(at, settings.service.openingHours, settings.rules.timeZone),
          recordingUrl: url('/webhooks/twilio/voice/recording'),
          transcriptionUrl: url('/webhooks/twilio/voice/transcription'),
          maxSeconds: settings.sms.voicemailMaxSeconds,
        }),
      );
    });

    app.post('/webhooks/twilio/voice/recording', docs('The voicemail recording of a call'), async (request, reply) => {
      const recording = parseRecording(formOf(request));
      const found = await services.voice.recordingReceived(recording);
      if (!found) request.log.warn({ channel: 'voice', externalId: recording.callSid }, 'recording for an unknown call');
      return xml(reply, afterRecordingTwiml());
    });

    app.post('/webhooks/twilio/voice/transcription', docs('The transcription of a voicemail'), async (request, reply) => {
      const transcription = parseTranscription(formOf(request));
      const found = await services.voice.transcriptionReceived(transcription);
      if (!found) request.log.warn({ channel: 'voice', externalId: transcription.callSid }, 'transcription for an unknown call');
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
  };


function formOf(request: FastifyRequest): TwilioForm {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as TwilioForm) : {};
}
