// The satisfaction question, over real channels: asked once by SMS when a request is resolved (the real
// twilio SDK on the loopback peer), answered by a signed "4" that is not a new request; by the widget's
// buttons (Socket.IO); on the portal; by email as five links. Shown to the agent, in the statistics,
// exported, and its comment erased with the citizen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxAdapter, createSandboxBox } from '../../channels/sandbox/adapter.js';
import { SYSTEM } from '../../src/services/audit.js';
import { addTeam, inbound, testApp, testServices } from '../helpers/context.js';
import { connect, connected, emitAck, until } from '../helpers/sockets.js';
import { postSignedWebhook, smsForm, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'https://gru.mairie.test';
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let agentIds: string[];
let seq = 0;
const sms = (from: string, body: string, messageSid = `SM${String(++seq).padStart(32, '0')}`) =>
  postSignedWebhook({ base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, '/webhooks/twilio/sms', smsForm(ACCOUNT_SID, '+33159000000', from, body, messageSid));

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({ env: { ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: '+33159000000' }, peer.url), PUBLIC_BASE_URL: PUBLIC } });
  base = await ctx.listen();
  ctx.startJobs();
  agentIds = await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
});
afterAll(async () => {
  await ctx.close();
  await peer.close();
});

const resolve = (ticketId: string) => ctx.services.tickets.update({ agentId: agentIds[0]!, role: 'agent' }, ticketId, { status: 'resolved' });

describe('satisfaction', () => {
  it('asks once by SMS when resolved, and takes a signed "4" as the answer, not as a new request', async () => {
    expect((await sms('+33620000100', 'Bonjour, ma carte grise ?')).status).toBe(200);
    const message = (await ctx.models.messages.findOne({ fromAddress: '+33620000100' }).lean())!;
    const ticketId = String(message.ticketId);
    await resolve(ticketId);
    await until(() => peer.messages.some((m) => m.to === '+33620000100' && /Répondez par un chiffre de 1/.test(m.body)), 30_000, 'the question by SMS');
    // The service's name opens the sentence with a capital, and no « (e) » in the question.
    expect(peer.messages.find((m) => m.to === '+33620000100' && /Répondez par un chiffre/.test(m.body))!.body).toMatch(/^La mairie : votre demande GRU-\d{4}-\d{6} est traitée\. Notre réponse vous a-t-elle satisfait \?/);

    const answer = await sms('+33620000100', ' 4 ', 'SM'.padEnd(34, '7'));
    expect(answer.status).toBe(200);
    await sms('+33620000100', ' 4 ', 'SM'.padEnd(34, '7')); // retried by Twilio
    const ticket = (await ctx.models.tickets.findById(ticketId).lean())!;
    expect(ticket).toMatchObject({ status: 'resolved', satisfaction: { score: 4, channel: 'sms', comment: null } });
    expect(await ctx.models.messages.countDocuments({ ticketId, kind: 'survey_answer' })).toBe(1);
    expect(await ctx.models.tickets.countDocuments({ citizenId: ticket.citizenId })).toBe(1);

    // Reopened and resolved again: never asked twice.
    await sms('+33620000100', 'Finalement, une autre question');
    expect((await ctx.models.tickets.findById(ticketId).lean())!.status).toBe('open');
    await resolve(ticketId);
    // The question is queued as the ticket is resolved: a second one would be there now.
    expect(await ctx.models.messages.countDocuments({ ticketId, kind: 'survey' })).toBe(1);

    // The agent sees it; so do the figures and the RGPD export.
    const detail = await ctx.services.tickets.detail({ agentId: agentIds[0]!, role: 'agent' }, ticketId, { limit: 50 });
    expect(detail.satisfaction).toMatchObject({ score: 4, channel: 'sms' });
    const stats = await ctx.services.stats.compute({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) });
    expect(stats.satisfaction.count).toBeGreaterThanOrEqual(1);
    expect(stats.satisfaction.perAgent.find((g) => g.key === agentIds[0])).toMatchObject({ name: 'Camille Martin' });
    expect(stats.satisfaction.perChannel.find((g) => g.key === 'sms')).toBeTruthy();
    const exported = await ctx.services.citizens.exportAll(SYSTEM, String(ticket.citizenId), 'la mairie');
    expect(exported.requests[0]!.satisfaction).toMatchObject({ score: 4 });

    // A lone digit from someone never asked is an ordinary message.
    await sms('+33620000101', '3');
    expect(await ctx.models.messages.countDocuments({ fromAddress: '+33620000101', kind: 'message' })).toBe(1);
  });

  it('asks a citizen who last wrote from the portal on their own channel', async () => {
    expect((await sms('+33620000102', 'Bonjour, pour mon dossier')).status).toBe(200);
    const message = (await ctx.models.messages.findOne({ fromAddress: '+33620000102' }).lean())!;
    const ticket = (await ctx.models.tickets.findById(message.ticketId))!;
    const token = (await ctx.services.portal.createLink(ticket)).split('/').pop()!;
    const posted = await fetch(`${base}/api/portal/${token}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Voici ma réponse depuis le portail.' }) });
    expect(posted.status).toBe(201);
    expect((await ctx.models.tickets.findById(message.ticketId).lean())!.lastInboundChannel).toBe('portal');
    await resolve(String(message.ticketId));
    await until(() => peer.messages.some((m) => m.to === '+33620000102' && /Répondez par un chiffre de 1/.test(m.body)), 30_000, 'the question by SMS after a portal message');
  });

  it('offers five buttons in the widget, and the portal takes an answer only once resolved', async () => {
    const widget = connect(`${base}/chat`, {});
    await connected(widget);
    const received: { kind?: string; text: string }[] = [];
    widget.on('message:created', (m, ack) => (received.push(m), typeof ack === 'function' && ack()));
    await emitAck(widget, 'chat:start', { name: 'Nora' });
    const first = await emitAck(widget, 'chat:message', { clientId: 'c1', text: 'Inscription scolaire ?' });
    const ticket = (await ctx.models.tickets.findOne({ reference: first.reference }).lean())!;
    const token = (await ctx.services.portal.createLink(ticket)).split('/').pop()!;
    const early = await fetch(`${base}/api/portal/${token}/satisfaction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":5}' });
    expect(early.status).toBe(409);
    expect((await early.json()).error.message).toBe('Votre avis vous sera demandé une fois votre demande traitée.');

    await resolve(String(ticket._id));
    await until(() => received.some((m) => m.kind === 'survey'), 30_000, 'the question in the widget');
    expect(await emitAck(widget, 'chat:satisfaction', { score: 9 })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await emitAck(widget, 'chat:satisfaction', { score: 5, comment: 'Très rapide, merci !' })).toEqual({ ok: true, score: 5 });
    expect((await ctx.models.tickets.findById(ticket._id).lean())!.satisfaction).toMatchObject({ score: 5, comment: 'Très rapide, merci !', channel: 'chat' });
    const view = await (await fetch(`${base}/api/portal/${token}`)).json();
    expect(view.satisfaction).toEqual({ asked: true, score: 5 });
    const again = await fetch(`${base}/api/portal/${token}/satisfaction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":2}' });
    expect(again.status).toBe(409);
    widget.disconnect();

    // Erasure keeps the score for the statistics and removes the comment.
    await ctx.services.citizens.anonymise(SYSTEM, String(ticket.citizenId));
    expect((await ctx.models.tickets.findById(ticket._id).lean())!.satisfaction).toMatchObject({ score: 5, comment: null });
  });

  it('asks by email with five links to the portal, and not at all when SATISFACTION_SURVEY is off', async () => {
    const box = createSandboxBox();
    const email = await testServices({}, new Map([['email', createSandboxAdapter('email', box, { maxSegments: 6 })]]));
    const off = await testServices({ satisfactionSurvey: false }, new Map([['email', createSandboxAdapter('email', box, { maxSegments: 6 })]]));
    try {
      for (const local of [email, off]) {
        const agent = await local.services.agents.create(SYSTEM, { name: 'Léa', email: 'lea@mairie.test', password: 'password-123', role: 'agent' });
        const r = await local.services.ingestInbound(inbound({ channel: 'email', from: { address: 'ines@exemple.fr' }, externalId: `<m${++seq}@exemple.fr>`, text: 'Bonjour' }));
        await local.services.tickets.update({ agentId: agent.id, role: 'agent' }, r.ticketId, { status: 'resolved' });
      }
      const question = (await email.models.messages.findOne({ kind: 'survey' }))!;
      expect(question.subject).toContain('Votre avis sur votre demande');
      const sent = await email.services.outbox.toOutbound(question);
      const links = [...sent.text.matchAll(/(\d) – [^:]+ : (\S+)/g)].map((m) => [m[1], m[2]]);
      expect(links.map(([n]) => n)).toEqual(['1', '2', '3', '4', '5']);
      expect(links.every(([n, url]) => new RegExp(`/portal/[\\w-]{32}\\?note=${n}$`).test(url!))).toBe(true);
      expect(await off.models.messages.countDocuments({ kind: 'survey' })).toBe(0);
      expect((await off.models.tickets.findOne({}).lean())!.surveyAskedAt ?? null).toBeNull();
    } finally {
      await email.close();
      await off.close();
    }
  });
});
