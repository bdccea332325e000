// A chat citizen confirms the phone they typed with a 6-digit code sent by SMS (the real twilio SDK,
// the loopback Twilio peer, real Socket.IO clients): the chat then joins that address's citizen, their
// recurring agent and their open request's thread. Wrong, expired and exhausted codes, someone else's
// number, and two tabs confirming at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxAdapter, createSandboxBox } from '../../channels/sandbox/adapter.js';
import { createWebchatAdapter } from '../../channels/webchat/adapter.js';
import { addTeam, inbound, testApp, testServices } from '../helpers/context.js';
import { connect, connected, emitAck, until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock: Date | null = null;
const sockets: ReturnType<typeof connect>[] = [];

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({
    now: () => clock ?? new Date(),
    env: twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url),
  });
  base = await ctx.listen();
  ctx.startJobs();
  await addTeam(ctx, [
    { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
    { name: 'Julien Bernard', email: 'julien@mairie.test', role: 'agent' },
  ]);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await ctx.close();
  await peer.close();
});
beforeEach(() => {
  clock = null;
});

async function chat(start: Record<string, string>) {
  const socket = connect(`${base}/chat`, {});
  sockets.push(socket);
  await connected(socket);
  const started = await emitAck(socket, 'chat:start', start);
  const first = await emitAck(socket, 'chat:message', { clientId: 'c1', text: 'Bonjour, où en est mon dossier ?' });
  expect(first.ok).toBe(true);
  return { socket, sessionToken: started.sessionToken as string, reference: first.reference as string };
}

/** The code as the citizen reads it in the SMS the peer received. */
async function codeSentTo(phone: string): Promise<string> {
  let body = '';
  await until(() => {
    body = peer.messages.filter((m) => m.to === phone && /code de confirmation/.test(m.body)).at(-1)?.body ?? '';
    return !!body;
  }, 30_000, `the code SMS to ${phone}`);
  return /(\d{6})/.exec(body)![1]!;
}

describe('chat identity', () => {
  it('links a chat to the citizen of a confirmed phone: their agent, their open request, their channel', async () => {
    const earlier = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000080' }, text: 'Demande de carte de stationnement résident' }));
    const { socket, reference } = await chat({ name: 'Paul', phone: '06 20 00 00 80' });
    expect(reference).not.toBe(earlier.reference); // typing a number links nothing

    const agent = await ctx.services.agents.login('camille@mairie.test', 'password-123');
    const chatTicket = (await ctx.models.tickets.findOne({ reference }).lean())!;
    const detail = await ctx.services.tickets.detail({ agentId: agent.agent.id, role: 'manager' }, String(chatTicket._id), { limit: 50 });
    expect(detail.citizen.claims).toEqual([{ kind: 'phone', value: '+33620000080', verified: false }]);

    const verify = await emitAck(socket, 'chat:verify', { channel: 'sms' });
    expect(verify).toMatchObject({ ok: true, expiresAt: expect.any(String) });
    const code = await codeSentTo('+33620000080');
    // The code exists only in what was sent: the stored copy holds a placeholder.
    const stored = await ctx.models.messages.findOne({ kind: 'verification', toAddress: '+33620000080' }).lean();
    expect(stored!.text).toContain('######');
    expect(JSON.stringify(await ctx.models.messages.find({}).lean())).not.toContain(code);

    const wrong = await emitAck(socket, 'chat:confirm', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong).toEqual({ ok: false, error: { code: 'invalid', message: 'Code incorrect (4 essais restants).' } });
    const history: { text: string }[] = [];
    socket.on('message:created', (m) => history.push(m));
    const confirmed = await emitAck(socket, 'chat:confirm', { code });
    expect(confirmed).toEqual({ ok: true, linked: true, reference: earlier.reference });

    // The chat's messages are in the citizen's open request, the chat's own ticket closed into it.
    const chatMessage = await ctx.models.messages.findOne({ channel: 'chat', text: 'Bonjour, où en est mon dossier ?' }).lean();
    expect(String(chatMessage!.ticketId)).toBe(earlier.ticketId);
    expect(String(chatMessage!.citizenId)).toBe(earlier.citizenId);
    expect(await ctx.models.tickets.findById(chatTicket._id).lean()).toMatchObject({ status: 'closed', mergedIntoId: expect.anything() });
    const citizen = (await ctx.models.citizens.findById(earlier.citizenId).lean())!;
    expect(citizen.identities.map((i) => i.kind).sort()).toEqual(['chat', 'phone']);
    const open = (await ctx.models.tickets.findById(earlier.ticketId).lean())!;
    expect(String(open.assigneeId)).toBe(earlier.recurringAgentId);
    await until(() => history.some((m) => m.text === 'Demande de carte de stationnement résident'), 30_000, 'the earlier SMS shown in the chat');

    // The next chat message goes to the same request, and the agent may answer by SMS after the page closed.
    const next = await emitAck(socket, 'chat:message', { clientId: 'c2', text: 'Merci !' });
    expect(next).toMatchObject({ ok: true, reference: earlier.reference });
    const owner = { agentId: earlier.recurringAgentId!, role: 'agent' as const };
    const channels = await ctx.services.tickets.replyChannels((await ctx.models.tickets.findById(earlier.ticketId))!);
    expect([...channels.keys()]).toEqual(expect.arrayContaining(['sms', 'chat']));
    await ctx.services.tickets.reply(owner, earlier.ticketId, { text: 'Votre carte est prête.', channel: 'sms' });
    await until(() => peer.messages.some((m) => m.to === '+33620000080' && m.body === 'Votre carte est prête.'), 30_000, 'the SMS reply');
    expect(await ctx.models.auditEvents.countDocuments({ action: 'chat.identity.verified' })).toBe(1);
  });

  it('links a new number to the chat’s own citizen, refuses a fourth code in a row and says when a code expired', async () => {
    const { socket, reference } = await chat({ name: 'Léa', phone: '+33620000082' });
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    const fourth = await emitAck(socket, 'chat:verify', { channel: 'sms' });
    expect(fourth).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await emitAck(socket, 'chat:verify', { channel: 'email' })).toMatchObject({ ok: false, error: { message: 'Indiquez d’abord votre adresse e-mail au début de la discussion.' } });

    clock = new Date(Date.now() + 11 * 60_000);
    const late = await emitAck(socket, 'chat:confirm', { code: await codeSentTo('+33620000082') });
    expect(late).toEqual({ ok: false, error: { code: 'invalid', message: 'Ce code a expiré : demandez-en un nouveau.' } });

    clock = new Date(Date.now() + 30 * 60_000); // later: codes may be asked again
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    await until(async () => peer.messages.filter((m) => m.to === '+33620000082').length === 4, 30_000, 'the fourth code');
    const confirmed = await emitAck(socket, 'chat:confirm', { code: await codeSentTo('+33620000082') });
    expect(confirmed).toEqual({ ok: true, linked: true, reference });
    const record = await ctx.models.identities.findById('phone:+33620000082').lean();
    const session = (await ctx.models.chatSessions.findOne({ claimedPhone: '+33620000082' }).lean())!;
    expect(String(record!.citizenId)).toBe(String(session.citizenId));
  });

  it('never links someone else’s number without its code: five tries, then none', async () => {
    const victim = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000081' }, text: 'Mon dossier confidentiel' }));
    const { socket, reference } = await chat({ name: 'Intrus', phone: '+33620000081' });
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    const code = await codeSentTo('+33620000081'); // on the victim's phone, not the intruder's screen
    const guesses = ['123456', '654321', '111111', '222222', '333333'].filter((g) => g !== code).slice(0, 5);
    const answers = await Promise.all(guesses.map((g) => emitAck(socket, 'chat:confirm', { code: g })));
    expect(answers.every((a) => a.ok === false)).toBe(true);
    expect(await emitAck(socket, 'chat:confirm', { code })).toEqual({ ok: false, error: { code: 'rate_limited', message: 'Trop d’essais : demandez un nouveau code.' } });
    const session = (await ctx.models.chatSessions.findOne({ claimedPhone: '+33620000081' }).lean())!;
    expect(String(session.citizenId)).not.toBe(victim.citizenId);
    expect((await ctx.models.tickets.findOne({ reference }).lean())!.status).not.toBe('closed');
    expect(await ctx.models.citizens.countDocuments({ mergedIntoId: victim.citizenId })).toBe(0);
    const shown = await ctx.services.chat.history((await ctx.models.chatSessions.findById(session._id))!);
    expect(shown.map((m) => m.text)).not.toContain('Mon dossier confidentiel');
  });

  it('links once when two tabs confirm the same code at once', async () => {
    const earlier = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000083' }, text: 'Inscription à la cantine' }));
    const { socket, sessionToken } = await chat({ name: 'Nora', phone: '+33620000083' });
    const tab = connect(`${base}/chat`, { sessionToken });
    sockets.push(tab);
    await connected(tab);
    expect((await emitAck(socket, 'chat:verify', { channel: 'sms' })).ok).toBe(true);
    const code = await codeSentTo('+33620000083');
    const [a, b] = await Promise.all([emitAck(socket, 'chat:confirm', { code }), emitAck(tab, 'chat:confirm', { code })]);
    expect(a).toEqual({ ok: true, linked: true, reference: earlier.reference });
    expect(b).toEqual({ ok: true, linked: true, reference: earlier.reference });
    expect(await ctx.models.citizens.countDocuments({ mergedIntoId: earlier.citizenId })).toBe(1);
    const session = (await ctx.models.chatSessions.findOne({ claimedPhone: '+33620000083' }).lean())!;
    expect(session.verified).toHaveLength(1);
    expect((await emitAck(tab, 'chat:message', { clientId: 't2', text: 'Depuis l’autre onglet' })).reference).toBe(earlier.reference);
  });

  it('sends the code by email as well, with the code only in what is sent, and links a new address', async () => {
    const box = createSandboxBox();
    const local = await testServices({}, new Map([['email', createSandboxAdapter('email', box, { maxSegments: 6 })], ['chat', createWebchatAdapter()]]));
    try {
      const { services } = local;
      const { session } = await services.chat.start({ name: 'Inès', email: 'Ines.Garcia@Exemple.fr' });
      await expect(services.chatIdentity.verify(session, 'email')).rejects.toThrow('Écrivez d’abord votre message');
      await services.chat.send(session, { clientId: 'e1', text: 'Bonjour' });
      await services.chatIdentity.verify(session, 'email');
      const queued = (await local.models.messages.findOne({ kind: 'verification' }))!;
      expect(queued).toMatchObject({ channel: 'email', toAddress: 'ines.garcia@exemple.fr', subject: expect.stringContaining('Votre code de confirmation') });
      expect(queued.text).toContain('######');
      const sent = await services.outbox.toOutbound(queued);
      const code = /(\d{6})/.exec(sent.text)![1]!;
      expect(sent.text).not.toContain('######');
      expect((await services.outbox.toOutbound(queued)).text).toBe(sent.text); // a resend carries the same code
      await expect(services.chatIdentity.confirm(session, code)).resolves.toMatchObject({ linked: true });
      const record = await local.models.identities.findById('email:ines.garcia@exemple.fr').lean();
      expect(String(record!.citizenId)).toBe(String(session.citizenId));
      // Neither the chat history nor the portal shows the code message.
      expect((await services.chat.history(session)).map((m) => m.text).join()).not.toContain('code de confirmation');
    } finally {
      await local.close();
    }
  });
});
