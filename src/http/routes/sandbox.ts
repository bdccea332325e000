// The demo sandbox's door: play the citizen (an SMS, a voicemail, an email) and see what the service
// sent back. Registered only when the demo's sandbox runs (config.sandbox); never in production.
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SandboxBox } from '../../../channels/sandbox/adapter.js';
import type { Config } from '../../../config/index.js';
import { findReference } from '../../domain/reference.js';
import type { Services } from '../../services/index.js';
import type { AuthHooks } from '../auth.js';
import { SandboxDelivery } from '../answers.js';
import { errors, textAnswer } from '../schemas.js';
import { SANDBOX_PAGE, sendPage } from './pages.js';

export const sandboxRoutes =
  (services: Services, auth: AuthHooks, box: SandboxBox, sandbox: Config['sandbox']): FastifyPluginAsyncTypebox =>
  async (app) => {
    // A signed-in agent only: what the service sends (portal links among it) is not for passers-by.
    const security = [{ bearer: [] }];
    const channels = (['sms', 'voice', 'email'] as const).filter((c) => sandbox[c]);
    app.get('/sandbox', { schema: { tags: ['sandbox'], summary: 'Demo only: the sandbox page (play the citizen; asks a signed-in agent)', response: { 200: textAnswer('text/html', 'the page') } } }, async (_request, reply) => sendPage(reply, SANDBOX_PAGE));
    app.post('/api/sandbox/inbound', {
      preHandler: auth.authenticate,
      schema: {
        tags: ['sandbox'], summary: 'Demo only: a citizen writes or calls (SMS, voicemail, email) through the local sandbox (signed-in agent)', security,
        body: Type.Object({
          channel: Type.Union(channels.map((c) => Type.Literal(c))),
          from: Type.String({ minLength: 3, maxLength: 254, description: 'a phone number (SMS, voice) or an email address' }),
          text: Type.String({ minLength: 1, maxLength: 5000 }),
          subject: Type.Optional(Type.String({ maxLength: 200 })),
          name: Type.Optional(Type.String({ maxLength: 120 })),
        }, { additionalProperties: false }),
        response: {
          201: Type.Object({ ticketId: Type.String(), reference: Type.String() }),
          202: Type.Object({ consent: Type.Union([Type.Literal('stop'), Type.Literal('start')]) }, { description: 'STOP or START by SMS: noted for the number, no request' }),
          ...errors(400, 401),
        },
      },
    }, async (request, reply) => {
      const { channel, from, text, subject, name } = request.body;
      const id = randomBytes(12).toString('hex');
      const at = services.now();
      if (channel === 'voice') {
        // A voicemail: the call, its recording's text, then the end of the transcription, as Twilio would bring them.
        const call = await services.voice.callReceived({ callSid: `CAsandbox${id}`, from, at });
        await services.voice.transcriptionEvent(`CAsandbox${id}`, { type: 'utterance', seq: 1, text });
        await services.voice.transcriptionEvent(`CAsandbox${id}`, { type: 'transcription', status: 'completed' });
        return reply.status(201).send({ ticketId: call.ticketId, reference: call.reference });
      }
      const inbound = {
        channel,
        externalId: channel === 'sms' ? `SMsandbox${id}` : `<sandbox.${id}@sandbox.local>`,
        from: { address: from, name },
        text,
        subject: channel === 'email' ? subject : undefined,
        threadHints: channel === 'email' ? { messageId: `<sandbox.${id}@sandbox.local>`, ticketRef: findReference(subject) } : {},
        attachments: [],
        receivedAt: at,
      };
      // As the Twilio webhook does: STOP, START, a score after the satisfaction question, or a message.
      const received = await services.inbound.receive(inbound);
      if (received.kind === 'consent') return reply.status(202).send({ consent: received.keyword });
      return reply.status(201).send({ ticketId: received.ticketId, reference: received.reference });
    });

    app.get('/api/sandbox/outbox', {
      preHandler: auth.authenticate,
      schema: {
        tags: ['sandbox'], summary: 'Demo only: what the service sent through the sandbox (acknowledgements, replies), newest first (signed-in agent)', security,
        response: {
          200: Type.Object({
            channels: Type.Array(Type.String()),
            items: Type.Array(SandboxDelivery),
          }),
          ...errors(401),
        },
      },
    }, async () => ({ channels, items: [...box.list()] }));
  };
