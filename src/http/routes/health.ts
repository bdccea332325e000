import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';

const OnOff = Type.Union([Type.Literal('on'), Type.Literal('off')]);

export const healthRoutes =
  (services: Services, channels: Record<'email' | 'sms' | 'voice' | 'chat', 'on' | 'off'>): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/health', {
      schema: { tags: ['health'], summary: 'The process runs', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      logLevel: 'warn',
    }, async () => ({ status: 'ok' as const }));

    app.get('/ready', {
      schema: {
        tags: ['health'],
        summary: 'The store answers; which channels are on',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), channels: Type.Object({ email: OnOff, sms: OnOff, voice: OnOff, chat: OnOff }) }),
          503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String(), channels: Type.Object({ email: OnOff, sms: OnOff, voice: OnOff, chat: OnOff }) }),
        },
      },
      logLevel: 'warn',
    }, async (_request, reply) => {
      if (await services.store.ping()) return { status: 'ready' as const, channels };
      return reply.status(503).send({ status: 'unavailable' as const, reason: 'the store does not answer', channels });
    });
  };
