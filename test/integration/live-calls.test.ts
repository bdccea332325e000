// Live calls over real HTTP: signed Twilio webhooks, the TwiML we answer read as Twilio would, and the
// callbacks Twilio would post (the agent's leg, the end of the <Dial>), in order and out of order,
// retried. A known caller rings their usual agent (or the colleague covering) within opening hours;
// unanswered, the voicemail as before; the agent's console hears who calls as it rings.
import { decodeJwt } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { testApp } from '../helpers/context.js';
import { collect, connect, connected, until } from '../helpers/sockets.js';
import { postSignedWebhook, readDial, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'https://gru.mairie.test';
const SERVICE_NUMBER = '+33159000000';
const OPEN = new Date('2026-03-03T09:00:00Z'); // a Tuesday, 10:00 in Paris
const CLOSED = new Date('2026-03-03T20:00:00Z'); // 21:00 in Paris

let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock = OPEN;
let seq = 0;
const sockets: Socket[] = [];
let admin = '';
const agents: Record<'camille' | 'julien' | 'lea', { id: string; token: string; phone: string }> = {} as never;
const sid = (prefix: string) => `${prefix}${String(++seq).padStart(32, '0')}`;
const webhook = (path: string, params: Record<string, string>) => postSignedWebhook({ base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, path, params);
const callParams = (from: string) => ({ CallSid: sid('CA'), AccountSid: ACCOUNT_SID, From: from, To: SERVICE_NUMBER, CallStatus: 'ringing', Direction: 'inbound' });

const dialOf = readDial;
const pathOf = (url: string) => url.slice(PUBLIC.length);

/** A citizen already known by their number, whose usual agent is `who`. */
async function knownCaller(phone: string, who: keyof typeof agents) {
  clock = CLOSED;
  const first = await webhook('/webhooks/twilio/voice', callParams(phone));
  expect(first.status).toBe(200);
  const entry = (await ctx.models.messages.findOne({ fromAddress: phone }).lean())!;
  await ctx.services.citizens.setRecurringAgent(SYSTEM, String(entry.citizenId), agents[who].id, 'test');
  clock = OPEN;
  return { citizenId: String(entry.citizenId), ticketId: String(entry.ticketId) };
}

async function consoleOf(who: keyof typeof agents) {
  const socket = connect(`${base}/agents`, { token: agents[who].token });
  sockets.push(socket);
  await connected(socket);
  return socket;
}

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({
    now: () => clock,
    env: { ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), PUBLIC_BASE_URL: PUBLIC, OPENING_HOURS: 'mon-fri 08:30-17:30', VOICE_RING_SECONDS: '15' },
  });
  base = await ctx.listen();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const owner = await ctx.services.agents.create(SYSTEM, { name: 'Admin Istrateur', email: 'admin@mairie.test', password: 'password-123', role: 'admin', teamId: String(team._id) });
  admin = (await ctx.services.agents.login(owner.email, 'password-123')).token;
  for (const [key, name, phone] of [['camille', 'Camille Martin', '+33611000001'], ['julien', 'Julien Bernard', '+33611000002'], ['lea', 'Léa Morel', '+33611000003']] as const) {
    const agent = await ctx.services.agents.create(SYSTEM, { name, email: `${key}@mairie.test`, password: 'password-123', role: 'agent', teamId: String(team._id) });
    await ctx.services.agents.update(SYSTEM, agent.id, { phone });
    agents[key] = { id: agent.id, token: (await ctx.services.agents.login(agent.email, 'password-123')).token, phone };
  }
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await ctx.close();
  await peer.close();
});

describe('a known caller within opening hours', () => {
  it('rings their usual agent, pops the caller on their console, and an answered call answers the request', async () => {
    const { ticketId, citizenId } = await knownCaller('+33620000501', 'camille');
    await ctx.services.citizens.rename(SYSTEM, citizenId, 'Paul Girard');
    const camille = await consoleOf('camille');
    const popped = collect(camille, 'call:incoming');

    const call = callParams('+33620000501');
    const answer = await webhook('/webhooks/twilio/voice', call);
    expect(answer.text).toContain('Nous vous mettons en relation avec votre interlocuteur habituel');
    const dial = dialOf(answer.text)!;
    expect(dial).toMatchObject({ kind: 'Number', to: agents.camille.phone, timeout: '15', action: `${PUBLIC}/webhooks/twilio/voice/agent-dial`, statusCallback: `${PUBLIC}/webhooks/twilio/voice/agent-leg` });
    await until(() => popped.length === 1, 5_000, 'call:incoming');
    expect(popped[0]).toEqual({ callSid: call.CallSid, ticketId, reference: expect.stringMatching(/^GRU-/), citizen: { id: citizenId, name: 'Paul Girard' }, from: '+33620000501' });
    const entry = () => ctx.models.messages.findOne({ externalId: call.CallSid }).lean();
    expect(await entry()).toMatchObject({ kind: 'call', direction: 'in', call: { state: 'ringing' } });
    expect(String((await entry())!.call!.agentId)).toBe(agents.camille.id);

    // Twilio's side: Camille picks up, they talk, the <Dial> ends; each callback retried once.
    const leg = { CallSid: sid('CA'), ParentCallSid: call.CallSid, AccountSid: ACCOUNT_SID, CallStatus: 'in-progress', To: agents.camille.phone };
    for (let i = 0; i < 2; i++) expect((await webhook(pathOf(dial.statusCallback), leg)).status).toBe(204);
    expect((await entry())!.call!.state).toBe('in_progress');
    const ended = { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '95', DialCallSid: leg.CallSid };
    const bye = await webhook(pathOf(dial.action), ended);
    expect(bye.text).toContain('Merci de votre appel');
    await webhook(pathOf(dial.action), ended);
    expect(await entry()).toMatchObject({ call: { state: 'answered', durationSeconds: 95 }, text: expect.stringContaining('1 min 35 s') });
    // The request has its answer: the 48-hour clock stopped.
    expect(await ctx.models.tickets.findById(ticketId).lean()).toMatchObject({ firstRespondedAt: expect.any(Date), sla: null });
    expect(await ctx.models.auditEvents.countDocuments({ action: 'ticket.call.answered', ticketId })).toBe(1);
  });

  it('keeps the entry moving forward when the end of the call comes before the pick-up', async () => {
    await knownCaller('+33620000502', 'julien');
    const call = callParams('+33620000502');
    const dial = dialOf((await webhook('/webhooks/twilio/voice', call)).text)!;
    await webhook(pathOf(dial.action), { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '40' });
    await webhook(pathOf(dial.statusCallback), { CallSid: sid('CA'), ParentCallSid: call.CallSid, AccountSid: ACCOUNT_SID, CallStatus: 'in-progress' });
    expect((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.call).toMatchObject({ state: 'answered', durationSeconds: 40 });
  });

  it('rings the colleague covering an agent who is away', async () => {
    await knownCaller('+33620000503', 'lea');
    await ctx.services.agents.setAvailability(SYSTEM, agents.lea.id, { availability: 'away', coverAgentId: agents.camille.id });
    const dial = dialOf((await webhook('/webhooks/twilio/voice', callParams('+33620000503'))).text)!;
    expect(dial.to).toBe(agents.camille.phone);
    await webhook(pathOf(dial.action), { CallSid: (await ctx.models.messages.findOne({ 'call.state': 'ringing' }).lean())!.externalId, AccountSid: ACCOUNT_SID, DialCallStatus: 'no-answer' });
    await ctx.services.agents.setAvailability(SYSTEM, agents.lea.id, { availability: 'available' });
  });

  it('goes on to the voicemail when nobody picks up, and says when the caller hung up first', async () => {
    await knownCaller('+33620000504', 'julien');
    const call = callParams('+33620000504');
    const dial = dialOf((await webhook('/webhooks/twilio/voice', call)).text)!;
    const missed = await webhook(pathOf(dial.action), { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'no-answer' });
    // Not answered: the team's queue first; after the longest wait, the voicemail.
    expect(missed.text).toContain('Nous vous mettons en relation avec son équipe');
    expect(missed.text).toContain('<Enqueue');
    expect((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.call!.state).toBe('waiting');
    const left = await webhook('/webhooks/twilio/voice/queue-result', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, QueueResult: 'leave', QueueTime: '181' });
    expect(left.text).toContain('<Record');
    expect((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.call!.state).toBe('missed');
    await webhook('/webhooks/twilio/voice/recording', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingDuration: '12', RecordingUrl: 'https://api.twilio.com/x/RE9' });
    expect((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.call!.state).toBe('voicemail');

    const other = callParams('+33620000504');
    const second = dialOf((await webhook('/webhooks/twilio/voice', other)).text)!;
    expect((await webhook(pathOf(second.action), { CallSid: other.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'canceled' })).text).toContain('Au revoir');
    expect((await ctx.models.messages.findOne({ externalId: other.CallSid }).lean())).toMatchObject({ call: { state: 'abandoned' }, text: '(appel raccroché avant d’être pris)' });
  });

  it('does not ring an agent already on a call, nor anyone out of hours', async () => {
    await knownCaller('+33620000505', 'julien');
    await knownCaller('+33620000506', 'julien');
    const first = dialOf((await webhook('/webhooks/twilio/voice', callParams('+33620000505'))).text);
    expect(first?.to).toBe(agents.julien.phone);
    // Julien's phone rings: the second caller gets the voicemail, not a second ring.
    const busy = await webhook('/webhooks/twilio/voice', callParams('+33620000506'));
    expect(dialOf(busy.text)).toBeNull();
    expect(busy.text).toContain('<Enqueue');
    clock = CLOSED;
    const closed = await webhook('/webhooks/twilio/voice', callParams('+33620000506'));
    expect(dialOf(closed.text)).toBeNull();
    expect(closed.text).toContain('actuellement fermés');
    clock = OPEN;
  });
});

describe('the team’s queue', () => {
  it('shows a waiting call to the team live, lets a colleague take it, and says when a caller hangs up while waiting', async () => {
    await knownCaller('+33620000507', 'julien');
    await ctx.services.agents.setAvailability(SYSTEM, agents.julien.id, { availability: 'away' });
    const lea = await consoleOf('lea');
    const queued = collect(lea, 'call:queued');
    const dequeued = collect(lea, 'call:dequeued');
    const call = callParams('+33620000507');
    const answer = await webhook('/webhooks/twilio/voice', call);
    expect(dialOf(answer.text)).toBeNull();
    expect(answer.text).toContain('<Enqueue');
    await until(() => queued.some((q) => q.callSid === call.CallSid), 5_000, 'call:queued');
    expect(queued.find((q) => q.callSid === call.CallSid)).toMatchObject({ reference: expect.stringMatching(/^GRU-/), from: '+33620000507' });

    // Léa takes it: Twilio is asked to put the caller through to her phone.
    const taken = await fetch(`${base}/api/calls/${call.CallSid}/answer`, { method: 'POST', headers: { authorization: `Bearer ${agents.lea.token}` } });
    expect(taken.status).toBe(200);
    const update = peer.callUpdates.find((u) => u.sid === call.CallSid)!;
    expect(update.twiml).toContain(`<Number statusCallback="${PUBLIC}/webhooks/twilio/voice/agent-leg"`);
    expect(update.twiml).toContain(agents.lea.phone);
    await until(() => dequeued.some((d) => d.callSid === call.CallSid && d.agentId === agents.lea.id), 5_000, 'call:dequeued');
    // Taken once: a second colleague is told it waits no more.
    const again = await fetch(`${base}/api/calls/${call.CallSid}/answer`, { method: 'POST', headers: { authorization: `Bearer ${agents.camille.token}` } });
    expect(again.status).toBe(409);
    await webhook('/webhooks/twilio/voice/agent-dial', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '61' });
    const entry = (await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!;
    expect(entry.call).toMatchObject({ state: 'answered', durationSeconds: 61 });
    expect(String(entry.call!.agentId)).toBe(agents.lea.id);

    // Another caller hangs up while waiting.
    const gone = callParams('+33620000507');
    await webhook('/webhooks/twilio/voice', gone);
    await webhook('/webhooks/twilio/voice/queue-result', { CallSid: gone.CallSid, AccountSid: ACCOUNT_SID, QueueResult: 'hangup', QueueTime: '25' });
    expect((await ctx.models.messages.findOne({ externalId: gone.CallSid }).lean())!.call!.state).toBe('abandoned');
    await until(() => dequeued.some((d) => d.callSid === gone.CallSid && d.agentId === null), 5_000, 'call:dequeued (hung up)');
    await ctx.services.agents.setAvailability(SYSTEM, agents.julien.id, { availability: 'available' });
  });
});

describe('a first-time caller', () => {
  it('goes to the default team’s queue, or chooses a team by key when admins set a phone menu', async () => {
    const plain = callParams('+33620000701');
    const straight = await webhook('/webhooks/twilio/voice', plain);
    expect(dialOf(straight.text)).toBeNull();
    expect(straight.text).toMatch(/<Enqueue [^>]*>team-[0-9a-f]{24}<\/Enqueue>/);

    const urbanisme = await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' });
    const accueil = (await ctx.models.teams.findOne({ slug: 'accueil' }).lean())!;
    const refused = await fetch(`${base}/api/settings/automation`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ voiceMenu: [{ key: '1', label: 'l’état civil', teamId: String(accueil._id) }, { key: '1', label: 'l’urbanisme', teamId: String(urbanisme._id) }] }) });
    expect(refused.status).toBe(400);
    const saved = await fetch(`${base}/api/settings/automation`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ voiceMenu: [{ key: '1', label: 'l’état civil', teamId: String(accueil._id) }, { key: '2', label: 'l’urbanisme', teamId: String(urbanisme._id) }] }) });
    expect(saved.status).toBe(200);
    expect((await saved.json()).voiceMenu).toHaveLength(2);

    const call = callParams('+33620000702');
    const menu = await webhook('/webhooks/twilio/voice', call);
    expect(menu.text).toContain('Pour l’état civil, tapez 1. Pour l’urbanisme, tapez 2.');
    expect(menu.text).toMatch(new RegExp(`<Gather [^>]*action="${PUBLIC}/webhooks/twilio/voice/menu"`));
    const chosen = await webhook('/webhooks/twilio/voice/menu', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, From: '+33620000702', Digits: '2' });
    expect(chosen.text).toContain(`>team-${String(urbanisme._id)}</Enqueue>`);
    const entry = (await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!;
    expect(String((await ctx.models.tickets.findById(entry.ticketId).lean())!.teamId)).toBe(String(urbanisme._id));

    // No key (the <Redirect> after the menu): the request's own team.
    const silent = callParams('+33620000703');
    await webhook('/webhooks/twilio/voice', silent);
    expect((await webhook('/webhooks/twilio/voice/menu', { CallSid: silent.CallSid, AccountSid: ACCOUNT_SID, From: '+33620000703' })).text).toContain(`>team-${String(accueil._id)}</Enqueue>`);
    await fetch(`${base}/api/settings/automation`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ voiceMenu: [] }) });
  });
});

describe('the figures', () => {
  it('counts the calls offered, answered (by the usual agent), abandoned, and the wait for the team', async () => {
    const stats = await ctx.services.stats.compute({ from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') });
    const calls = stats.calls;
    const stored = await ctx.models.messages.countDocuments({ kind: 'call', direction: 'in' });
    expect(calls.offered).toBe(stored);
    expect(calls.answered).toBeGreaterThanOrEqual(3);
    expect(calls.answeredByUsualAgent).toBeGreaterThanOrEqual(2);
    expect(calls.answeredByUsualAgent).toBeLessThan(calls.answered);
    expect(calls.usualAgentShare).toBeCloseTo(calls.answeredByUsualAgent / calls.answered);
    expect(calls.abandoned).toBeGreaterThanOrEqual(2);
    expect(calls.waitMedianSeconds).not.toBeNull();
    expect(calls.perAgent.find((a) => a.agentId === agents.lea.id)).toMatchObject({ name: 'Léa Morel', answered: 1 });
    expect(calls.perTeam.reduce((n, t) => n + t.offered, 0)).toBe(calls.offered);
  });
});

describe('recorded calls', () => {
  it('tells the caller first, keeps the recording with the call, and erases it with the citizen', async () => {
    const recorded = await testApp({
      now: () => OPEN,
      env: { ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), PUBLIC_BASE_URL: PUBLIC, OPENING_HOURS: 'mon-fri 08:30-17:30', VOICE_RECORD_CALLS: 'true' },
    });
    try {
      const other = await recorded.listen();
      const hook = (path: string, params: Record<string, string>) => postSignedWebhook({ base: other, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, path, params);
      const agent = await recorded.services.agents.create(SYSTEM, { name: 'Hugo Roy', email: 'hugo@mairie.test', password: 'password-123', role: 'agent' });
      await recorded.services.agents.update(SYSTEM, agent.id, { phone: '+33611000009' });
      const first = await recorded.services.ingestInbound({ channel: 'sms', externalId: `SM${'4'.repeat(32)}`, from: { address: '+33620000599' }, text: 'Bonjour', threadHints: {}, attachments: [], receivedAt: OPEN });
      await recorded.services.citizens.setRecurringAgent(SYSTEM, first.citizenId, agent.id, 'test');
      const call = callParams('+33620000599');
      const answer = (await hook('/webhooks/twilio/voice', call)).text;
      expect(answer).toContain('Cet appel est enregistré');
      expect(answer).toMatch(new RegExp(`<Dial [^>]*record="record-from-answer-dual"[^>]*recordingStatusCallback="${PUBLIC}/webhooks/twilio/voice/call-recording"`));
      await hook('/webhooks/twilio/voice/agent-dial', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '30' });
      const kept = { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingUrl: 'https://api.twilio.com/x/RE77', RecordingDuration: '30', RecordingStatus: 'completed' };
      for (let i = 0; i < 2; i++) expect((await hook('/webhooks/twilio/voice/call-recording', kept)).status).toBe(204);
      const entry = await recorded.models.messages.findOne({ externalId: call.CallSid }).lean();
      expect(entry).toMatchObject({ call: { state: 'answered', recordingSid: kept.RecordingSid, recordingUrl: kept.RecordingUrl } });
      expect(entry!.attachments).toHaveLength(1);
      await recorded.services.citizens.anonymise(SYSTEM, first.citizenId);
      expect((await recorded.models.messages.findOne({ externalId: call.CallSid }).lean())!.call).toMatchObject({ recordingUrl: null, recordingSid: null });
    } finally {
      await recorded.close();
    }
  });
});

describe('the browser softphone', () => {
  it('refuses a token without the Voice SDK settings, and gives one with an agent identity and a voice grant', async () => {
    const refused = await fetch(`${base}/api/voice/token`, { method: 'POST', headers: { authorization: `Bearer ${agents.camille.token}` } });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/navigateur n’est pas configuré/);

    const withSdk = await testApp({
      env: {
        ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url), PUBLIC_BASE_URL: PUBLIC,
        TWILIO_API_KEY_SID: 'SK0123456789abcdef0123456789abcdef', TWILIO_API_KEY_SECRET: 'api-key-secret-for-tests', TWILIO_TWIML_APP_SID: 'AP0123456789abcdef0123456789abcdef',
      },
    });
    try {
      const other = await withSdk.listen();
      const agent = await withSdk.services.agents.create(SYSTEM, { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', password: 'password-123', role: 'agent' });
      const token = (await withSdk.services.agents.login(agent.email, 'password-123')).token;
      const res = await fetch(`${other}/api/voice/token`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; identity: string; expiresAt: string };
      expect(body.identity).toBe(`agent-${agent.id}`);
      const claims = decodeJwt(body.token) as { iss: string; sub: string; exp: number; iat?: number; nbf?: number; grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } } };
      expect(claims).toMatchObject({ iss: 'SK0123456789abcdef0123456789abcdef', sub: ACCOUNT_SID, grants: { identity: `agent-${agent.id}`, voice: { incoming: { allow: true }, outgoing: { application_sid: 'AP0123456789abcdef0123456789abcdef' } } } });
      expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
      expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(3600);
      // The agent chooses the browser: a live call then rings the console.
      const patched = await fetch(`${other}/api/agents/${agent.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ voiceDevice: 'browser' }) });
      expect((await patched.json()).voiceDevice).toBe('browser');
      // « Rappeler » rings the same line: the browser.
      const request = await withSdk.services.ingestInbound({ channel: 'sms', externalId: `SM${'5'.repeat(32)}`, from: { address: '+33620000598' }, text: 'Rappelez-moi', threadHints: {}, attachments: [], receivedAt: new Date() });
      await withSdk.services.citizens.setRecurringAgent(SYSTEM, request.citizenId, agent.id, 'test');
      const called = await fetch(`${other}/api/tickets/${request.ticketId}/call`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(called.status).toBe(201);
      expect(peer.calls.at(-1)).toMatchObject({ to: `client:agent-${agent.id}` });
    } finally {
      await withSdk.close();
    }
  });
});
