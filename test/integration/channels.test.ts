// A channel plugs in as a module of its folder: here a loopback SMS gateway (another provider than
// Twilio) whose one webhook route parses its JSON and hands the message to the one entry of citizens'
// messages. Nothing else changes: threading, consent keywords and the acknowledgement come with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MODULES } from '../../channels/modules.js';
import type { ChannelModule } from '../../channels/types.js';
import { addTeam, testApp } from '../helpers/context.js';

const gateway: ChannelModule = {
  names: ['sms'],
  routes: ({ services }) => async (app) => {
    app.post('/webhooks/gateway/sms', async (request, reply) => {
      const body = request.body as { id: string; from: string; text: string };
      const received = await services.inbound.receive({ channel: 'sms', externalId: `GW${body.id}`, from: { address: body.from }, text: body.text, threadHints: {}, attachments: [], receivedAt: services.now() });
      return reply.status(202).send({ kind: received.kind, reference: 'reference' in received ? received.reference : null });
    });
  },
};

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
beforeAll(async () => {
  ctx = await testApp({ channels: [...CHANNEL_MODULES, gateway] });
  base = await ctx.listen();
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
});
afterAll(() => ctx?.close());

const post = async (id: string, from: string, text: string) =>
  (await fetch(`${base}/webhooks/gateway/sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, from, text }) })).json();

describe('a channel module', () => {
  it('mounts its inbound side beside the others, and what it receives takes the one path', async () => {
    const first = await post('1', '06 44 55 66 77', 'Bonjour, une question sur la cantine');
    const second = await post('2', '+33644556677', 'Et une précision');
    expect(first).toMatchObject({ kind: 'message', reference: expect.stringMatching(/^GRU-\d{4}-\d{6}$/) });
    expect(second.reference).toBe(first.reference); // one citizen, one thread, whatever the writing of the number
    expect(await post('2', '+33644556677', 'Et une précision')).toEqual(second); // a retry is stored once
    expect(await post('3', '+33644556677', 'STOP')).toEqual({ kind: 'consent', reference: null });
    expect((await ctx.models.identities.findById('phone:+33644556677').lean())!.smsOptOutAt).toBeInstanceOf(Date);
    // Twilio's module mounts nothing without its settings.
    expect((await fetch(`${base}/webhooks/twilio/sms`, { method: 'POST' })).status).toBe(404);
  });
});
