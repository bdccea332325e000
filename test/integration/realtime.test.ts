// Socket.IO with real clients: the agents' handshake, rooms and typed events, presence and viewers, and
// the citizens' chat (sessions, idempotent resends, resume, limits, no account takeover).
import { t } from '../../src/i18n/catalogue.js';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { createTokens } from '../../src/services/tokens.js';
import { inbound, TEST_SECRET, testApp } from '../helpers/context.js';
import { collect, connect, connected, emitAck, refused, until } from '../helpers/sockets.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
const agents: Record<'alice' | 'bruno' | 'chloe' | 'manon', { id: string; token: string }> = {} as never;
const open: Socket[] = [];

async function agentSocket(who: keyof typeof agents): Promise<Socket> {
  const socket = connect(`${base}/agents`, { token: agents[who].token });
  open.push(socket);
  await connected(socket);
  return socket;
}
async function chatSocket(auth: Record<string, unknown> = {}, listen?: (socket: Socket) => void): Promise<Socket> {
  const socket = connect(`${base}/chat`, auth);
  open.push(socket);
  listen?.(socket); // before the connection: a resumed session is replayed as soon as it connects
  await connected(socket);
  return socket;
}

beforeAll(async () => {
  ctx = await testApp({ env: { CHAT_MAX_MESSAGE_CHARS: '500', CHAT_MESSAGES_PER_MINUTE: '60' } });
  base = await ctx.listen();
  ctx.startJobs();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const other = await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' });
  const make = async (name: string, role: 'agent' | 'manager', teamId: string) => {
    const agent = await ctx.services.agents.create(SYSTEM, { name, email: `${name.toLowerCase().replace(' ', '.')}@mairie.test`, password: 'password-123', role, teamId });
    const { token } = await ctx.services.agents.login(agent.email, 'password-123');
    return { id: agent.id, token };
  };
  agents.alice = await make('Alice Roux', 'agent', String(team._id));
  agents.bruno = await make('Bruno Blanc', 'agent', String(other._id));
  agents.chloe = await make('Chloé Vert', 'agent', String(other._id));
  agents.manon = await make('Manon Noir', 'manager', String(team._id));
  // Only Alice is in the default team: new citizens go to her.
});
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});
afterAll(() => ctx.close());

describe('/agents handshake', () => {
  it('refuses a socket without a token, with a forged or an expired one', async () => {
    expect((await refused(connect(`${base}/agents`, {}))).message).toBe('unauthorized: missing token');
    expect((await refused(connect(`${base}/agents`, { token: 'x.y.z' }))).message).toBe(`unauthorized: ${t('auth.token_invalid')}`);
    const past = createTokens({ secret: TEST_SECRET, ttlMinutes: 1, now: () => new Date(Date.now() - 3_600_000) });
    const { token } = await past.sign({ agentId: agents.alice.id, role: 'agent' });
    expect((await refused(connect(`${base}/agents`, { token }))).message).toBe(`unauthorized: ${t('auth.token_expired')}`);
  });
});

describe('agents receive only what they may see', () => {
  it('pushes a new SMS to every tab of the recurring agent and to managers, not to other agents', async () => {
    const [tab1, tab2, bruno, manon] = await Promise.all([agentSocket('alice'), agentSocket('alice'), agentSocket('bruno'), agentSocket('manon')]);
    const got = [tab1, tab2, bruno, manon].map((s) => collect(s, 'message:created'));
    const created = collect(tab1, 'ticket:created');

    const result = await ctx.services.ingestInbound(inbound({ from: { address: '+33630000001' }, text: 'Bonjour depuis mon téléphone' }));
    expect(result.recurringAgentId).toBe(agents.alice.id);
    await until(() => got[0]!.length > 0 && got[1]!.length > 0 && got[3]!.length > 0, 30_000, 'message:created');
    expect(got[0]![0]).toMatchObject({ ticketId: result.ticketId, reference: result.reference, direction: 'in', channel: 'sms', preview: 'Bonjour depuis mon téléphone' });
    expect(created[0]).toMatchObject({ ticketId: result.ticketId, channel: 'sms', status: 'new' });
    await new Promise((r) => setTimeout(r, 150));
    expect(got[2]).toEqual([]);
  });

  it('lets an agent watch only the tickets they may see, and tells everyone who is viewing', async () => {
    const result = await ctx.services.ingestInbound(inbound({ from: { address: '+33630000002' } }));
    const [alice, bruno, manon] = await Promise.all([agentSocket('alice'), agentSocket('bruno'), agentSocket('manon')]);
    expect(await emitAck(bruno, 'ticket:watch', result.ticketId)).toEqual({ ok: false, error: { code: 'not_found', message: t('ticket.not_found') } });
    expect(await emitAck(alice, 'ticket:watch', 'not-an-id')).toMatchObject({ ok: false });

    const viewers = collect(alice, 'ticket:viewers');
    expect(await emitAck(alice, 'ticket:watch', result.ticketId)).toEqual({ ok: true, viewers: [agents.alice.id] });
    expect(await emitAck(manon, 'ticket:watch', result.ticketId)).toEqual({ ok: true, viewers: [agents.alice.id, agents.manon.id].sort() });
    await until(() => viewers.some((v) => v.agentIds.length === 2), 30_000, 'two viewers');
    manon.disconnect();
    await until(() => viewers.at(-1)?.agentIds.length === 1, 30_000, 'viewer left');
    expect(viewers.at(-1)).toEqual({ ticketId: result.ticketId, agentIds: [agents.alice.id] });
  });

  it('shows presence online while any tab is open, away when set away, offline when the last tab closes', async () => {
    const manon = await agentSocket('manon');
    const presence = collect(manon, 'presence');
    const tab1 = await agentSocket('alice');
    const tab2 = await agentSocket('alice');
    await until(() => presence.some((p) => p.agentId === agents.alice.id && p.status === 'online'), 30_000, 'online');
    await ctx.services.agents.setAvailability(SYSTEM, agents.alice.id, { availability: 'away' });
    await until(() => presence.filter((p) => p.agentId === agents.alice.id).at(-1)!.status === 'away', 30_000, 'away');
    await ctx.services.agents.setAvailability(SYSTEM, agents.alice.id, { availability: 'available' });
    await until(() => presence.filter((p) => p.agentId === agents.alice.id).at(-1)!.status === 'online', 30_000, 'back online');
    tab1.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    expect(presence.filter((p) => p.agentId === agents.alice.id).at(-1)!.status).toBe('online');
    tab2.disconnect();
    await until(() => presence.filter((p) => p.agentId === agents.alice.id).at(-1)!.status === 'offline', 30_000, 'offline');
  });

  it('sends the messages of an away agent citizens to the cover, with delivery statuses live', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33630000003' } }));
    await ctx.services.agents.setAvailability(SYSTEM, agents.alice.id, { availability: 'away', coverAgentId: agents.chloe.id });
    try {
      const chloe = await agentSocket('chloe');
      const messages = collect(chloe, 'message:created');
      const statuses = collect(chloe, 'message:status');
      await ctx.services.ingestInbound(inbound({ from: { address: '+33630000003' }, text: 'Je relance' }));
      await until(() => messages.some((m) => m.ticketId === first.ticketId && m.direction === 'in'), 30_000, 'cover gets the message');
      // The cover may watch the ticket while covering.
      expect(await emitAck(chloe, 'ticket:watch', first.ticketId)).toMatchObject({ ok: true });
      // A reply's delivery status reaches the cover live.
      const reply = await ctx.services.outbox.queue({ ticketId: first.ticketId, channel: 'chat', to: 'no-such-session', text: 'Réponse' });
      await until(() => statuses.some((s) => s.messageId === String(reply._id) && s.status === 'sent'), 30_000, 'status pushed');
    } finally {
      await ctx.services.agents.setAvailability(SYSTEM, agents.alice.id, { availability: 'available' });
    }
  });
});

describe('/chat', () => {
  it('starts a session, stores a message once across resends and pushes it to the agent', async () => {
    const alice = await agentSocket('alice');
    const seen = collect(alice, 'message:created');
    const citizen = await chatSocket();
    const start = await emitAck(citizen, 'chat:start', { name: 'Inès Garcia', topic: 'Inscription scolaire' });
    expect(start).toMatchObject({ ok: true, sessionToken: expect.any(String) });

    const first = await emitAck(citizen, 'chat:message', { clientId: 'm-1', text: 'Bonjour, pour inscrire ma fille ?' });
    expect(first).toMatchObject({ ok: true, id: expect.any(String), reference: expect.stringMatching(/^GRU-\d{4}-\d{6}$/) });
    citizen.disconnect();

    const again = await chatSocket({ sessionToken: start.sessionToken });
    const resent = await emitAck(again, 'chat:message', { clientId: 'm-1', text: 'Bonjour, pour inscrire ma fille ?' });
    expect(resent).toEqual(first);
    expect(await ctx.models.messages.countDocuments({ channel: 'chat', text: 'Bonjour, pour inscrire ma fille ?' })).toBe(1);
    await until(() => seen.some((m) => m.channel === 'chat' && m.messageId === first.id), 30_000, 'agent sees the chat message');
    const ticket = await ctx.models.tickets.findById(seen.find((m) => m.messageId === first.id).ticketId).lean();
    expect(ticket!.subject).toBe('Inscription scolaire');
  });

  it('delivers an agent reply live, and what was missed on reconnect', async () => {
    const citizen = await chatSocket();
    const { sessionToken } = await emitAck(citizen, 'chat:start', {});
    const sent = await emitAck(citizen, 'chat:message', { clientId: 'q-1', text: 'Horaires de samedi ?' });
    const ticket = await ctx.models.tickets.findOne({ reference: sent.reference }).lean();
    const session = await ctx.models.chatSessions.findOne({ ticketId: ticket!._id }).lean();

    const received = collect(citizen, 'message:created');
    citizen.on('message:created', (_m: unknown, ack?: () => void) => ack?.());
    const reply = await ctx.services.outbox.queue({ ticketId: ticket!._id, channel: 'chat', to: String(session!._id), text: 'Le samedi de 9 h à 12 h.', authorId: agents.alice.id });
    // The acknowledgement may arrive too: look for the reply itself.
    await until(() => received.some((m) => m.id === String(reply._id)), 30_000, 'reply in the chat');
    expect(received.find((m) => m.id === String(reply._id))).toMatchObject({ direction: 'out', text: 'Le samedi de 9 h à 12 h.', author: { firstName: 'Alice' } });
    await until(async () => (await ctx.models.messages.findById(reply._id).lean())!.status === 'delivered', 30_000, 'delivered');

    citizen.disconnect();
    const offline = await ctx.services.outbox.queue({ ticketId: ticket!._id, channel: 'chat', to: String(session!._id), text: 'Et le dimanche, fermé.', authorId: agents.alice.id });
    await until(async () => (await ctx.models.messages.findById(offline._id).lean())!.status === 'sent', 30_000, 'sent while offline');
    const back = connect(`${base}/chat`, { sessionToken, lastMessageId: String(reply._id) });
    open.push(back);
    const missed = collect(back, 'message:created');
    await connected(back);
    await until(() => missed.some((m) => m.id === String(offline._id)), 30_000, 'missed reply');
    expect(missed.map((m) => m.text)).toEqual(['Et le dimanche, fermé.']);
  });

  it('never shows a known citizen history to a visitor who types their email', async () => {
    const known = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<secret@x.fr>', from: { address: 'marie@example.fr' }, subject: 'Mon dossier de RSA', text: 'Numéro fiscal 123' }),
    );
    const visitor = await chatSocket();
    const history = collect(visitor, 'message:created');
    const start = await emitAck(visitor, 'chat:start', { email: 'Marie@Example.fr' });
    const sent = await emitAck(visitor, 'chat:message', { clientId: 'v-1', text: 'Montrez-moi mon dossier' });
    expect(sent.reference).not.toBe(known.reference);
    let replayed: { text: string; ticketId: string }[] = [];
    await chatSocket({ sessionToken: start.sessionToken }, (resumed) => (replayed = collect(resumed, 'message:created')));
    // The resumed socket replays the thread: wait for it (a loaded machine is slow), then a little more.
    await until(() => [...history, ...replayed].some((m) => m.text === 'Montrez-moi mon dossier'), 30_000, 'the thread replayed');
    await new Promise((r) => setTimeout(r, 200));
    const shown = [...history, ...replayed];
    expect(shown.filter((m) => /RSA|fiscal/.test(m.text))).toEqual([]);
    const visitorTicket = await ctx.models.tickets.findOne({ reference: sent.reference }).lean();
    expect(new Set(shown.map((m) => m.ticketId))).toEqual(new Set([String(visitorTicket!._id)]));
    const session = await ctx.models.chatSessions.findOne({ claimedEmail: 'marie@example.fr' }).lean();
    expect(String(session!.citizenId)).not.toBe(known.citizenId);
    expect(await ctx.models.identities.countDocuments({ citizenId: session!.citizenId, kind: 'email' })).toBe(0);
  });

  it('answers bad input, oversize and floods with clear error acks, never dropping silently', async () => {
    const noSession = await chatSocket();
    expect(await emitAck(noSession, 'chat:message', { clientId: 'a', text: 'x' })).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(await emitAck(noSession, 'chat:start', { email: 'not an email' })).toEqual({ ok: false, error: { code: 'invalid', message: t('chat.email_invalid') } });

    const citizen = await chatSocket();
    await emitAck(citizen, 'chat:start', {});
    expect(await emitAck(citizen, 'chat:message', { clientId: 'big', text: 'x'.repeat(501) })).toEqual({
      ok: false, error: { code: 'too_large', message: t('chat.message_too_long', { max: 500 }) },
    });
    expect(await emitAck(citizen, 'chat:message', { clientId: '$gt', text: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await emitAck(citizen, 'chat:message', { clientId: 'obj', text: { $gt: '' } })).toMatchObject({ ok: false, error: { code: 'invalid' } });

    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => emitAck(citizen, 'chat:message', { clientId: `flood-${i}`, text: `message ${i}` })));
    const accepted = acks.filter((a) => a.ok);
    const limited = acks.filter((a) => !a.ok);
    expect(accepted.length + limited.length).toBe(30);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toEqual({ ok: false, error: { code: 'rate_limited', message: t('chat.too_many_messages') } });
    expect(await ctx.models.messages.countDocuments({ channel: 'chat', text: /^message \d+$/ })).toBe(accepted.length);
  });

  it('carries typing both ways', async () => {
    const citizen = await chatSocket();
    await emitAck(citizen, 'chat:start', {});
    const sent = await emitAck(citizen, 'chat:message', { clientId: 't-1', text: 'Bonjour' });
    const ticket = await ctx.models.tickets.findOne({ reference: sent.reference }).lean();
    const alice = await agentSocket('alice');
    await emitAck(alice, 'ticket:watch', String(ticket!._id));
    const agentTyping = collect(alice, 'typing');
    const citizenTyping = collect(citizen, 'typing');
    citizen.emit('typing');
    alice.emit('typing', { ticketId: String(ticket!._id) });
    await until(() => agentTyping.length > 0 && citizenTyping.length > 0, 30_000, 'typing');
    expect(agentTyping[0]).toEqual({ ticketId: String(ticket!._id), from: 'citizen' });
    expect(citizenTyping[0]).toEqual({ from: 'agent', name: 'Alice' });
  });
});
