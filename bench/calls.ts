// The bench's live-call row (issue 25): a signed call webhook from a known caller, to the TwiML that
// rings their usual agent and to `call:incoming` on that agent's socket; against a bare fastify route
// that answers fixed TwiML and relays to a Socket.IO listener. One call at a time (an agent rung is busy
// until the call ends, so each call is ended before the next).
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import twilio from 'twilio';
import type { compose } from '../src/compose.js';
import { SYSTEM } from '../src/services/audit.js';

type Services = Awaited<ReturnType<typeof compose>>['services'];
type Row = { measure: string; ours: string; baseline: string; ratio: string };
const ms = (n: number) => `${n.toFixed(1)} ms`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** `count` calls, one after the other: the time to the TwiML answer and to the socket event, each. */
async function timeCalls(count: number, call: (i: number) => Promise<void>, arrived: (i: number) => Promise<void>, after: (i: number) => Promise<unknown> = async () => undefined) {
  const answer: number[] = [];
  const pushed: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const push = arrived(i).then(() => pushed.push(performance.now() - started));
    await call(i);
    answer.push(performance.now() - started);
    await push;
    await after(i);
  }
  return { answer, pushed };
}

export async function callLatency(input: { services: Services; base: string; twilio: { accountSid: string; authToken: string; number: string; publicBaseUrl: string }; teamId: string }): Promise<Row[]> {
  const { services, base } = input;
  const count = 40;
  const agent = await services.agents.create(SYSTEM, { name: 'Bench Voice', email: 'voice@mairie.test', password: 'password-123', role: 'agent', teamId: input.teamId });
  await services.agents.update(SYSTEM, agent.id, { phone: '+33611999999' });
  const token = (await services.agents.login(agent.email, 'password-123')).token;
  const callers: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = `+3369${String(i).padStart(7, '0')}`;
    const known = await services.ingestInbound({ channel: 'sms', externalId: `SM${String(i).padStart(32, 'c')}`, from: { address: phone }, text: 'Bonjour', threadHints: {}, attachments: [], receivedAt: new Date() });
    await services.citizens.setRecurringAgent(SYSTEM, known.citizenId, agent.id, 'bench');
    callers.push(phone);
  }
  const socket = ioClient(`${base}/agents`, { auth: { token }, transports: ['websocket'] });
  await connected(socket);
  const signed = (path: string, form: Record<string, string>) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(input.twilio.authToken, `${input.twilio.publicBaseUrl}${path}`, form) }, body: new URLSearchParams(form).toString() });
  const sidOf = (i: number) => `CA${String(i).padStart(32, 'd')}`;
  const ours = await timeCalls(count, async (i) => {
    const text = await (await signed('/webhooks/twilio/voice', { CallSid: sidOf(i), AccountSid: input.twilio.accountSid, From: callers[i]!, To: input.twilio.number, CallStatus: 'ringing', Direction: 'inbound' })).text();
    if (!text.includes('<Dial')) throw new Error(`call ${i} did not ring the agent`);
  }, (i) => new Promise<void>((resolve) => socket.on('call:incoming', (c: { callSid: string }) => c.callSid === sidOf(i) && resolve())),
  // Ended before the next (not timed): the agent is free again.
  (i) => signed('/webhooks/twilio/voice/agent-dial', { CallSid: sidOf(i), AccountSid: input.twilio.accountSid, DialCallStatus: 'completed', DialCallDuration: '10' }));
  socket.disconnect();

  const bare = Fastify();
  await bare.register(formbody);
  const relay = new Server(bare.server);
  relay.on('connection', (s) => s.join('listener'));
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.dial({ timeout: 20 }).number('+33611999999');
  bare.post('/voice', async (request, reply) => {
    relay.to('listener').emit('ring', (request.body as { CallSid: string }).CallSid);
    return reply.type('text/xml').send(twiml.toString());
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  const listener = ioClient(url, { transports: ['websocket'] });
  await connected(listener);
  const raw = await timeCalls(count, async (i) => {
    await (await fetch(`${url}/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ CallSid: sidOf(i) }).toString() })).text();
  }, (i) => new Promise<void>((resolve) => listener.on('ring', (sid: string) => sid === sidOf(i) && resolve())));
  listener.disconnect();
  relay.close();
  await bare.close();

  const rows: Row[] = [];
  for (const [what, a, b] of [['TwiML answer', ours.answer, raw.answer], ['call:incoming on the agent socket', ours.pushed, raw.pushed]] as const) {
    for (const p of [50, 99]) {
      const [x, y] = [percentile(a, p), percentile(b, p)];
      rows.push({ measure: `live call webhook → ${what}, p${p} (vs bare fastify route)`, ours: ms(x), baseline: ms(y), ratio: (x / y).toFixed(1) });
    }
  }
  return rows;
}
