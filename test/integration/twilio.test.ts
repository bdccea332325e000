// Phone and SMS over real HTTP: webhooks signed with Twilio's algorithm, the real twilio SDK sending to a
// loopback Twilio peer, status callbacks in any order, calls with and without voicemail.
import { t } from '../../src/i18n/catalogue.js';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { capturingLog, testApp } from '../helpers/context.js';
import { postSignedWebhook, smsForm, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'https://gru.mairie.test';
const SERVICE_NUMBER = '+33159000000';

let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock: Date | null = null;
const logs = capturingLog();
let seq = 0;
const now = () => clock ?? new Date();
/** A Sunday evening: the voicemail flow the calls below are about, whatever the hour the suite runs at (open hours ring agents or queue, issue 25). */
const OUT_OF_HOURS = new Date('2026-03-01T19:00:00Z');
const sid = (prefix: string) => `${prefix}${String(++seq).padStart(32, '0')}`;

const webhook = (path: string, params: Record<string, string>, options: { signature?: string | null; signUrl?: string } = {}) =>
  postSignedWebhook({ base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, path, params, options);
const smsParams = (from: string, body: string, messageSid = sid('SM')) => smsForm(ACCOUNT_SID, SERVICE_NUMBER, from, body, messageSid);

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({
    now,
    log: logs.log,
    env: {
      ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url),
      PUBLIC_BASE_URL: PUBLIC, SERVICE_NAME: 'la mairie de Villeneuve', SMS_MAX_SEGMENTS: '3',
      OPENING_HOURS: 'mon-fri 08:30-17:30',
    },
  });
  base = await ctx.listen();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  await ctx.services.agents.create(SYSTEM, { name: 'Camille Martin', email: 'camille@mairie.test', password: 'password-123', role: 'agent', teamId: String(team._id) });
});
afterAll(async () => {
  await ctx.close();
  await peer.close();
});
beforeEach(() => {
  clock = null;
});

describe('webhook signatures', () => {
  it('refuses a forged, a missing and a replayed-elsewhere signature with 403, storing nothing', async () => {
    const params = smsParams('+33620000001', 'Bonjour');
    const forged = await webhook('/webhooks/twilio/sms', params, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    const missing = await webhook('/webhooks/twilio/sms', params, { signature: null });
    const otherUrl = await webhook('/webhooks/twilio/sms', params, { signUrl: `${PUBLIC}/webhooks/twilio/voice` });
    const wrongToken = await webhook('/webhooks/twilio/sms', params, { signature: twilio.getExpectedTwilioSignature('another-token', `${PUBLIC}/webhooks/twilio/sms`, params) });
    for (const res of [forged, missing, otherUrl, wrongToken]) {
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text)).toEqual({ error: { code: 'forbidden', message: t('twilio.signature_invalid') } });
    }
    expect(await ctx.models.messages.countDocuments({ externalId: params.MessageSid })).toBe(0);
    const refusals = logs.lines.filter((l) => l.msg === 'Twilio webhook with a missing or wrong signature refused');
    expect(refusals).toHaveLength(4);
    expect(refusals[1]).toMatchObject({ level: 40, path: '/webhooks/twilio/sms', signed: false });
  });

  it('refuses a body changed after signing', async () => {
    const params = smsParams('+33620000002', 'Bonjour');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params);
    const res = await webhook('/webhooks/twilio/sms', { ...params, Body: 'Autre chose' }, { signature });
    expect(res.status).toBe(403);
  });

  it('answers a signed but malformed webhook with 400 and a clear message', async () => {
    const res = await webhook('/webhooks/twilio/sms', { From: '+33620000003', Body: 'sans identifiant' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toBe(t('twilio.field_missing', { name: 'SmsSid' }));
    // Whatever its From, a signed message is stored (see 'senders without a number to answer').
    const badFrom = await webhook('/webhooks/twilio/sms', smsParams('pas un numéro', 'x'));
    expect(badFrom.status).toBe(200);
  });
});

describe('inbound SMS', () => {
  it('stores the SMS, opens a ticket and sends one acknowledgement through the real SDK', async () => {
    const params = smsParams('06 20 00 00 10', 'Bonjour, je souhaite un rendez-vous pour un passeport.');
    const res = await webhook('/webhooks/twilio/sms', params);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/xml/);
    expect(res.text).toContain('<Response/>');

    const message = await ctx.models.messages.findOne({ channel: 'sms', externalId: params.MessageSid }).lean();
    expect(message).toMatchObject({ direction: 'in', fromAddress: '+33620000010', text: params.Body });
    const ticket = await ctx.models.tickets.findById(message!.ticketId).lean();
    const ack = await ctx.models.messages.findOne({ ticketId: ticket!._id, kind: 'acknowledgement' }).lean();
    expect(ack).toMatchObject({ direction: 'out', status: 'queued', toAddress: '+33620000010' });
    expect(ack!.text).toContain(ticket!.reference);
    expect(ack!.text).toContain('Camille');
    expect(ack!.text).toContain('48 h');

    const before = peer.sent().length;
    expect(await ctx.dispatcher.drain()).toBe(1);
    const sent = peer.sent().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ accountSid: ACCOUNT_SID, path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json` });
    expect(sent[0]!.form).toMatchObject({ To: '+33620000010', From: SERVICE_NUMBER, StatusCallback: `${PUBLIC}/webhooks/twilio/status?messageId=${String(ack!._id)}` });
    // The stored copy keeps a redacted link; the SMS carries the citizen's own.
    const [stored, link] = [/\/portal\/(\S+)/.exec(ack!.text)![1]!, /\/portal\/(\S+)/.exec(sent[0]!.form.Body!)![1]!];
    expect(stored).toBe('*'.repeat(32));
    expect(link).toMatch(/^[\w-]{32}$/);
    expect(sent[0]!.form.Body).toBe(ack!.text.replace(stored, link));
    const after = await ctx.models.messages.findById(ack!._id).lean();
    expect(after).toMatchObject({ status: 'sent', providerId: peer.messages.at(-1)!.sid });
  });

  it('stores a retried webhook once and acknowledges it once', async () => {
    const params = smsParams('+33620000011', 'Retenté par Twilio');
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => webhook('/webhooks/twilio/sms', params)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await webhook('/webhooks/twilio/sms', params);
    expect(await ctx.models.messages.countDocuments({ channel: 'sms', externalId: params.MessageSid })).toBe(1);
    const message = await ctx.models.messages.findOne({ externalId: params.MessageSid }).lean();
    expect(await ctx.models.messages.countDocuments({ ticketId: message!.ticketId, kind: 'acknowledgement' })).toBe(1);
    const before = peer.sent().length;
    await ctx.dispatcher.drain();
    expect(peer.sent().slice(before).filter((r) => r.form.To === '+33620000011')).toHaveLength(1);
  });

  it('keeps MMS media as attachment references', async () => {
    const params = {
      ...smsParams('+33620000012', 'Voici la photo du nid-de-poule'),
      NumMedia: '2',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME1`, MediaContentType0: 'image/jpeg',
      MediaUrl1: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME2`, MediaContentType1: 'application/pdf',
    };
    expect((await webhook('/webhooks/twilio/sms', params)).status).toBe(200);
    const message = await ctx.models.messages.findOne({ externalId: params.MessageSid }).lean();
    expect(message!.attachments.map((a) => [a.contentType, a.ref])).toEqual([
      ['image/jpeg', params.MediaUrl0],
      ['application/pdf', params.MediaUrl1],
    ]);
  });

  it('honours STOP / ARRÊT and START: no ticket, no acknowledgement, no SMS until START', async () => {
    const first = smsParams('+33620000013', 'Ma demande');
    await webhook('/webhooks/twilio/sms', first);
    const message = await ctx.models.messages.findOne({ externalId: first.MessageSid }).lean();
    await ctx.dispatcher.drain();

    const stop = smsParams('+33620000013', 'Arrêt');
    expect((await webhook('/webhooks/twilio/sms', stop)).status).toBe(200);
    expect(await ctx.models.messages.countDocuments({ externalId: stop.MessageSid })).toBe(0);
    expect((await ctx.models.identities.findById('phone:+33620000013').lean())!.smsOptOutAt).toBeInstanceOf(Date);
    await expect(ctx.services.outbox.queue({ ticketId: message!.ticketId, channel: 'sms', to: '+33620000013', text: 'Réponse' })).rejects.toThrow(/STOP/);

    expect((await webhook('/webhooks/twilio/sms', smsParams('+33620000013', 'START'))).status).toBe(200);
    await expect(ctx.services.outbox.queue({ ticketId: message!.ticketId, channel: 'sms', to: '+33620000013', text: 'Réponse' })).resolves.toBeTruthy();
    expect(await ctx.models.auditEvents.countDocuments({ action: { $in: ['citizen.sms.opted_out', 'citizen.sms.opted_in'] } })).toBe(2);
  });
});

describe('outbound SMS and delivery status', () => {
  async function ticketFor(phone: string) {
    const params = smsParams(phone, 'Question');
    await webhook('/webhooks/twilio/sms', params);
    await ctx.dispatcher.drain();
    return (await ctx.models.messages.findOne({ externalId: params.MessageSid }).lean())!.ticketId;
  }
  const status = (messageSid: string, messageId: string, messageStatus: string, errorCode?: string) =>
    webhook(`/webhooks/twilio/status?messageId=${messageId}`, {
      MessageSid: messageSid, SmsSid: messageSid, AccountSid: ACCOUNT_SID, MessageStatus: messageStatus, SmsStatus: messageStatus,
      To: '+33620000020', From: SERVICE_NUMBER, ApiVersion: '2010-04-01', ...(errorCode ? { ErrorCode: errorCode } : {}),
    });

  it('answers on the number the citizen last wrote from on this request, when they have two', async () => {
    const first = await ticketFor('+33620000030');
    const other = await ticketFor('+33620000031');
    const [keep, merged] = await Promise.all([first, other].map(async (id) => String((await ctx.models.tickets.findById(id).lean())!.citizenId)));
    await ctx.services.citizens.merge(SYSTEM, keep!, merged!);
    // The request was written from the first number: the reply goes there.
    const camille = (await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean())!;
    const agent = { agentId: String(camille._id), role: 'agent' as const };
    const toFirst = await ctx.services.tickets.reply(agent, String(first), { text: 'Réponse au premier numéro' });
    expect(toFirst.toAddress).toBe('+33620000030');
    // The citizen writes on it from the second number: the next reply follows them there, and the STOP
    // of that number (read with the addresses) is honoured.
    await webhook('/webhooks/twilio/sms', smsParams('+33620000031', 'Je vous écris depuis mon autre téléphone'));
    expect((await ctx.models.tickets.findById(first).lean())!.lastFrom).toMatchObject({ sms: '+33620000031' });
    const toSecond = await ctx.services.tickets.reply(agent, String(first), { text: 'Réponse au second numéro' });
    expect(toSecond.toAddress).toBe('+33620000031');
    await ctx.models.identities.updateOne({ _id: 'phone:+33620000031' }, { $set: { smsOptOutAt: new Date() } });
    await expect(ctx.services.tickets.reply(agent, String(first), { text: 'Après STOP' })).rejects.toMatchObject({ key: 'reply.sms_stop' });
  });

  it('moves a status forward only, whatever order the callbacks come in', async () => {
    const ticketId = await ticketFor('+33620000020');
    const reply = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000020', text: 'Votre rendez-vous est confirmé.' });
    await ctx.dispatcher.drain();
    const sent = await ctx.models.messages.findById(reply._id).lean();
    expect(sent!.status).toBe('sent');
    const messageSid = sent!.providerId!;

    expect((await status(messageSid, String(reply._id), 'delivered')).status).toBe(204);
    expect((await status(messageSid, String(reply._id), 'sent')).status).toBe(204);
    expect((await status(messageSid, String(reply._id), 'queued')).status).toBe(204);
    expect((await ctx.models.messages.findById(reply._id).lean())!.status).toBe('delivered');
  });

  it('takes a callback that arrives before the send returned, and does not go back to sent', async () => {
    const ticketId = await ticketFor('+33620000021');
    const reply = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000021', text: 'Rapide' });
    expect((await status('SM' + 'f'.repeat(32), String(reply._id), 'delivered')).status).toBe(204);
    await ctx.dispatcher.drain();
    const after = await ctx.models.messages.findById(reply._id).lean();
    expect(after!.status).toBe('delivered');
    expect(after!.providerId).toBe('SM' + 'f'.repeat(32));
  });

  it('stores an undelivered status with a readable reason', async () => {
    const ticketId = await ticketFor('+33620000022');
    const reply = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000022', text: 'Bonjour' });
    await ctx.dispatcher.drain();
    const messageSid = (await ctx.models.messages.findById(reply._id).lean())!.providerId!;
    await status(messageSid, String(reply._id), 'undelivered', '30003');
    expect(await ctx.models.messages.findById(reply._id).lean()).toMatchObject({
      status: 'failed', statusCode: '30003', statusReason: 'le téléphone est éteint ou injoignable (Twilio 30003)',
    });
  });

  it('fails permanently on Twilio errors 21211 and 21610 with their reasons', async () => {
    const ticketId = await ticketFor('+33620000023');
    peer.failures.set('+33620000023', { status: 400, code: 21211, message: "The 'To' number +33620000023 is not a valid phone number." });
    const invalid = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000023', text: 'Un' });
    await ctx.dispatcher.drain();
    expect(await ctx.models.messages.findById(invalid._id).lean()).toMatchObject({ status: 'failed', statusReason: 'le numéro de téléphone n’est pas valide (Twilio 21211)', attempts: 1 });

    peer.failures.set('+33620000023', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const stopped = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000023', text: 'Deux' });
    await ctx.dispatcher.drain();
    expect((await ctx.models.messages.findById(stopped._id).lean())!.statusReason).toMatch(/répondu STOP.*21610/);
    peer.failures.delete('+33620000023');
  });

  it('retries with backoff while Twilio is down, then delivers once', async () => {
    const ticketId = await ticketFor('+33620000024');
    peer.setDown(true);
    clock = new Date();
    const reply = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000024', text: 'Patience' });
    await ctx.dispatcher.drain();
    const waiting = await ctx.models.messages.findById(reply._id).lean();
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting!.statusReason).toMatch(/Twilio/);
    expect(waiting!.nextAttemptAt!.getTime()).toBe(clock.getTime() + 5_000);
    expect(await ctx.dispatcher.drain()).toBe(0); // not due yet

    peer.setDown(false);
    clock = new Date(clock.getTime() + 6_000);
    const before = peer.sent().length;
    await ctx.dispatcher.drain();
    expect(await ctx.models.messages.findById(reply._id).lean()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(peer.sent().slice(before).filter((r) => r.form.To === '+33620000024')).toHaveLength(1);
  });

  it('after a crash mid-send, does not send again what Twilio already has, and resends what it has not', async () => {
    const ticketId = await ticketFor('+33620000025');
    const done = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000025', text: 'Déjà parti' });
    const lost = await ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000025', text: 'Jamais parti' });
    // A process claimed both, Twilio accepted the first, then the process died: leases expired.
    const past = new Date(Date.now() - 120_000);
    await ctx.models.messages.updateMany({ _id: { $in: [done._id, lost._id] } }, { $set: { status: 'sending', statusRank: 1, attempts: 1, leaseUntil: new Date(Date.now() - 1000) } });
    peer.messages.push({ sid: 'SM' + 'a'.repeat(32), to: '+33620000025', from: SERVICE_NUMBER, body: 'Déjà parti', dateSent: new Date(past.getTime() + 60_000) });

    const before = peer.sent().length;
    expect(await ctx.dispatcher.drain()).toBe(2);
    const sentNow = peer.sent().slice(before).filter((r) => r.form.To === '+33620000025');
    expect(sentNow.map((r) => r.form.Body)).toEqual(['Jamais parti']);
    expect(await ctx.models.messages.findById(done._id).lean()).toMatchObject({ status: 'sent', providerId: 'SM' + 'a'.repeat(32) });
    expect((await ctx.models.messages.findById(lost._id).lean())!.status).toBe('sent');
  });

  it('refuses a reply longer than the configured number of segments', async () => {
    const ticketId = await ticketFor('+33620000026');
    await expect(ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000026', text: 'ê'.repeat(67 * 3 + 1) })).rejects.toThrow(
      t('reply.sms_too_long', { segments: 4, encoding: 'UCS-2', max: 3 }),
    );
    await expect(ctx.services.outbox.queue({ ticketId, channel: 'sms', to: '+33620000026', text: 'a'.repeat(153 * 3) })).resolves.toBeTruthy();
  });
});

describe('voice', () => {
  const callParams = (from: string, callSid = sid('CA')) => ({
    CallSid: callSid, AccountSid: ACCOUNT_SID, From: from, To: SERVICE_NUMBER, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01',
  });

  it('greets in French naming the service, offers a call-back, then records a voicemail transcribed in French in real time', async () => {
    clock = new Date('2026-03-03T09:00:00Z'); // a Tuesday, 10:00 in Paris: open
    const call = callParams('+33620000030');
    const answered = await webhook('/webhooks/twilio/voice', call);
    expect(answered.status).toBe(200);
    expect(answered.type).toMatch(/text\/xml/);
    expect(answered.text).toContain('<Say language="fr-FR" voice="Polly.Lea">Bonjour, vous êtes bien à la mairie de Villeneuve.');
    // Open, and nobody of theirs to ring (no agent has a phone here): the team's queue (issue 25).
    expect(answered.text).toMatch(new RegExp(`<Enqueue [^>]*waitUrl="${PUBLIC}/webhooks/twilio/voice/queue-wait"[^>]*>team-[0-9a-f]{24}</Enqueue>`));
    // While waiting: the position, and the call-back offered (key 1).
    const waiting = await webhook('/webhooks/twilio/voice/queue-wait', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, QueuePosition: '2', QueueTime: '30' });
    const gather = /<Gather ([^>]*)>/.exec(waiting.text)?.[1];
    expect(gather).toContain(`action="${PUBLIC}/webhooks/twilio/voice/callback"`);
    expect(gather).toContain('numDigits="1"');
    expect(waiting.text).toContain('Vous êtes en position 2');
    expect(waiting.text).toContain('tapez 1');
    // Waited too long: the voicemail, transcribed.
    expect((await webhook('/webhooks/twilio/voice/queue-wait', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, QueuePosition: '1', QueueTime: '200' })).text).toContain('<Leave/>');
    const res = await webhook('/webhooks/twilio/voice/queue-result', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, QueueResult: 'leave', QueueTime: '200' });
    expect(res.text).toContain('ne peuvent pas vous répondre pour le moment');
    // Recording transcription is for English: the voicemail is transcribed by <Start><Transcription> in fr-FR.
    expect(res.text).not.toContain('transcribe="true"');
    const start = /<Start><Transcription ([^>]*)\/><\/Start>/.exec(res.text);
    expect(start?.[1]).toContain('languageCode="fr-FR"');
    expect(start?.[1]).toContain('track="inbound_track"');
    expect(start?.[1]).toContain(`statusCallbackUrl="${PUBLIC}/webhooks/twilio/voice/transcription"`);
    expect(res.text.indexOf('<Start>')).toBeLessThan(res.text.indexOf('<Record'));
    expect(res.text).toContain(`action="${PUBLIC}/webhooks/twilio/voice/recording"`);

    clock = new Date('2026-03-03T20:00:00Z'); // 21:00 in Paris: closed
    const closed = await webhook('/webhooks/twilio/voice', callParams('+33620000031'));
    expect(closed.text).toContain('Nos services sont actuellement fermés');
    clock = new Date('2026-05-14T09:00:00Z'); // Ascension Thursday: closed all day
    expect((await webhook('/webhooks/twilio/voice', callParams('+33620000032'))).text).toContain('actuellement fermés');
  });

  /** The callbacks of <Start><Transcription>, as Twilio posts them to statusCallbackUrl. */
  const transcriptionForm = (callSid: string, event: string, extra: Record<string, string> = {}) => ({
    AccountSid: ACCOUNT_SID, CallSid: callSid, TranscriptionSid: 'GT0123456789abcdef0123456789abcdef', Timestamp: new Date().toISOString(),
    TranscriptionEvent: event, ...extra,
  });
  const utterance = (callSid: string, seq: number, transcript: string, final = true) =>
    transcriptionForm(callSid, 'transcription-content', {
      LanguageCode: 'fr-FR', Track: 'inbound_track', SequenceId: String(seq), Final: String(final), Stability: final ? '' : '0.8',
      TranscriptionData: JSON.stringify({ transcript, confidence: 0.93 }),
    });

  it('makes one thread entry of a call that gains its recording and its French text, whatever order and retries the callbacks come in', async () => {
    clock = OUT_OF_HOURS;
    const call = callParams('+33620000033');
    await webhook('/webhooks/twilio/voice', call);
    await webhook('/webhooks/twilio/voice', call); // Twilio retries
    const entry = await ctx.models.messages.findOne({ channel: 'voice', externalId: call.CallSid }).lean();
    expect(entry!.call).toMatchObject({ state: 'missed' });

    const recording = {
      CallSid: call.CallSid, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingDuration: '17',
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE1`,
    };
    const callbacks = [
      transcriptionForm(call.CallSid, 'transcription-started', { Track: 'inbound_track', LanguageCode: 'fr-FR', TranscriptionEngine: 'google', PartialResults: 'false' }),
      utterance(call.CallSid, 3, "c'est au sujet de la cantine de mon fils."),
      utterance(call.CallSid, 2, 'Bonjour, ici Paul Girard,'),
      utterance(call.CallSid, 4, 'au sujet de la can', false), // a partial result: never stored
    ];
    for (const form of callbacks) expect((await webhook('/webhooks/twilio/voice/transcription', form)).status).toBe(200);
    const after = await webhook('/webhooks/twilio/voice/recording', recording);
    expect(after.text).toContain('votre message a bien été enregistré');
    await webhook('/webhooks/twilio/voice/recording', recording); // retried
    await webhook('/webhooks/twilio/voice/transcription', utterance(call.CallSid, 2, 'Bonjour, ici Paul Girard,')); // retried
    await webhook('/webhooks/twilio/voice/transcription', transcriptionForm(call.CallSid, 'transcription-stopped'));
    await webhook('/webhooks/twilio/voice/transcription', transcriptionForm(call.CallSid, 'transcription-started')); // late: no step back

    const messages = await ctx.models.messages.find({ ticketId: entry!.ticketId, direction: 'in' }).lean();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      _id: entry!._id,
      text: "Bonjour, ici Paul Girard, c'est au sujet de la cantine de mon fils.",
      call: { state: 'voicemail', recordingSid: recording.RecordingSid, durationSeconds: 17, transcriptionStatus: 'completed' },
    });
    expect(messages[0]!.attachments).toHaveLength(1);
    expect(messages[0]!.attachments[0]).toMatchObject({ contentType: 'audio/mpeg', ref: `${recording.RecordingUrl}.mp3` });
    // The request this call opened is named after the caller's words, no longer « appel manqué ».
    expect((await ctx.models.tickets.findById(entry!.ticketId).lean())!.subject).toBe("Bonjour, ici Paul Girard, c'est au sujet de la cantine de mon fils.");
  });

  it('keeps every utterance of callbacks that arrive at once', async () => {
    clock = OUT_OF_HOURS;
    const call = callParams('+33620000036');
    await webhook('/webhooks/twilio/voice', call);
    const words = ['Un.', 'Deux.', 'Trois.', 'Quatre.', 'Cinq.', 'Six.'];
    const answers = await Promise.all([
      ...words.map((w, i) => webhook('/webhooks/twilio/voice/transcription', utterance(call.CallSid, i + 1, w))),
      webhook('/webhooks/twilio/voice/recording', { CallSid: call.CallSid, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingDuration: '9', RecordingUrl: 'https://api.twilio.com/x/RE2' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const entry = await ctx.models.messages.findOne({ externalId: call.CallSid }).lean();
    expect(entry!.text).toBe(words.join(' '));
    expect(entry!.call!.state).toBe('voicemail');
  });

  it('says so when the transcription fails or finds no words, and before it comes', async () => {
    clock = OUT_OF_HOURS;
    const failed = callParams('+33620000037');
    await webhook('/webhooks/twilio/voice', failed);
    await webhook('/webhooks/twilio/voice/recording', { CallSid: failed.CallSid, AccountSid: ACCOUNT_SID, RecordingSid: sid('RE'), RecordingDuration: '5', RecordingUrl: 'https://api.twilio.com/x/RE3' });
    expect((await ctx.models.messages.findOne({ externalId: failed.CallSid }).lean())!.text).toBe(t('voice.voicemail_pending', { duration: ', 5 s' }));
    await webhook('/webhooks/twilio/voice/transcription', transcriptionForm(failed.CallSid, 'transcription-error', { TranscriptionError: 'engine error', TranscriptionErrorCode: '32655' }));
    expect((await ctx.models.messages.findOne({ externalId: failed.CallSid }).lean())!.text).toBe(t('voice.transcription_unavailable'));
    // A garbled callback is refused with a clear message, and the call keeps its state.
    const garbled = await webhook('/webhooks/twilio/voice/transcription', { ...utterance(failed.CallSid, 9, 'x'), TranscriptionData: '{not json' });
    expect(garbled.status).toBe(400);
    expect(JSON.parse(garbled.text).error.message).toContain('TranscriptionData');
  });

  it('keeps a call that hung up before the beep as a missed call to return, and acknowledges mobiles only', async () => {
    clock = OUT_OF_HOURS;
    const mobile = callParams('+33620000034');
    const landline = callParams('+33145000035');
    await webhook('/webhooks/twilio/voice', mobile);
    await webhook('/webhooks/twilio/voice', landline);
    const mobileEntry = await ctx.models.messages.findOne({ externalId: mobile.CallSid }).lean();
    const landlineEntry = await ctx.models.messages.findOne({ externalId: landline.CallSid }).lean();
    expect(mobileEntry).toMatchObject({ channel: 'voice', fromAddress: '+33620000034', call: { state: 'missed' }, text: '(appel manqué : pas de message vocal)' });
    expect(await ctx.models.messages.countDocuments({ ticketId: mobileEntry!.ticketId, kind: 'acknowledgement', channel: 'sms' })).toBe(1);
    expect(await ctx.models.messages.countDocuments({ ticketId: landlineEntry!.ticketId, kind: 'acknowledgement' })).toBe(0);
  });
});

describe('senders without a number to answer', () => {
  const callParams = (from: string, callSid = sid('CA')) => ({
    CallSid: callSid, AccountSid: ACCOUNT_SID, From: from, To: SERVICE_NUMBER, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01', CallerName: '',
  });

  it('greets a hidden number and keeps its voicemail in a thread of its own, never merged with other hidden callers', async () => {
    clock = OUT_OF_HOURS;
    const entries = [];
    for (const from of ['anonymous', '+266696687', 'client:alice', 'Anonymous']) {
      const call = callParams(from);
      const res = await webhook('/webhooks/twilio/voice', call);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Bonjour, vous êtes bien à la mairie de Villeneuve.');
      expect(res.text).toContain('<Record ');
      expect(res.text).not.toContain('<Gather'); // no call-back offered: there is no number to call
      await webhook('/webhooks/twilio/voice', call); // retried: the same entry
      await webhook('/webhooks/twilio/voice/transcription', {
        AccountSid: ACCOUNT_SID, CallSid: call.CallSid, TranscriptionEvent: 'transcription-content', SequenceId: '1', Final: 'true',
        TranscriptionData: JSON.stringify({ transcript: 'Je voudrais un rendez-vous pour une carte d’identité.', confidence: 0.9 }),
      });
      entries.push((await ctx.models.messages.findOne({ channel: 'voice', externalId: call.CallSid }).lean())!);
    }
    expect(new Set(entries.map((e) => String(e.citizenId))).size).toBe(4);
    expect(new Set(entries.map((e) => String(e.ticketId))).size).toBe(4);
    for (const entry of entries) {
      expect(entry).toMatchObject({ fromAddress: null, text: 'Je voudrais un rendez-vous pour une carte d’identité.' });
      expect(await ctx.models.messages.countDocuments({ channel: 'voice', externalId: entry.externalId })).toBe(1);
      expect(await ctx.models.messages.countDocuments({ ticketId: entry.ticketId, direction: 'out' })).toBe(0); // no acknowledgement
    }
    const citizens = await ctx.models.citizens.find({ _id: { $in: entries.map((e) => e.citizenId) } }).lean();
    expect(citizens.map((c) => c.unreachable).sort()).toEqual(['app', 'hidden', 'hidden', 'hidden']);
    expect(citizens.every((c) => c.identities.length === 0)).toBe(true);
    expect(citizens.find((c) => c.unreachable === 'hidden')!.name).toBe('Numéro masqué');
    expect(await ctx.models.identities.countDocuments({ value: { $in: ['anonymous', '+266696687', 'client:alice'] } })).toBe(0);

    // The console is told there is nobody to call back, and an SMS reply is refused.
    const agent = await ctx.services.agents.login('camille@mairie.test', 'password-123');
    const headers = { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' };
    const detail = await (await fetch(`${base}/api/tickets/${entries[0]!.ticketId}`, { headers })).json();
    expect(detail.citizen).toMatchObject({ name: 'Numéro masqué', unreachable: 'hidden', identities: [] });
    const reply = await fetch(`${base}/api/tickets/${entries[0]!.ticketId}/replies`, { method: 'POST', headers, body: JSON.stringify({ text: 'Bonjour', channel: 'sms' }) });
    expect(reply.status).toBe(400);
  });

  it('stores an SMS from an alphanumeric sender as not answerable, without acknowledgement, and takes its STOP as a message', async () => {
    for (const body of ['Votre colis est disponible', 'STOP']) {
      const params = smsParams('LaPoste', body);
      const res = await webhook('/webhooks/twilio/sms', params);
      expect(res.status).toBe(200);
      await webhook('/webhooks/twilio/sms', params); // retried
      const stored = await ctx.models.messages.find({ channel: 'sms', externalId: params.MessageSid }).lean();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ fromAddress: null, fromName: 'Expéditeur « LaPoste »', text: body });
      const citizen = await ctx.models.citizens.findById(stored[0]!.citizenId).lean();
      expect(citizen).toMatchObject({ unreachable: 'alphanumeric', identities: [] });
      expect(await ctx.models.messages.countDocuments({ ticketId: stored[0]!.ticketId, direction: 'out' })).toBe(0);
    }
    expect(peer.sent().filter((r) => r.form.To === 'LaPoste')).toHaveLength(0);
  });
});

describe('call-backs', () => {
  const FROM = '+33620000050';
  const AGENT_PHONE = '+33611111111';
  const callParams = (from: string, callSid = sid('CA')) => ({
    CallSid: callSid, AccountSid: ACCOUNT_SID, From: from, To: SERVICE_NUMBER, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01',
  });
  const agentApi = async () => {
    const agent = await ctx.services.agents.login('camille@mairie.test', 'password-123');
    return {
      id: agent.agent.id,
      call: async (path: string, method = 'GET', body?: unknown) => {
        const headers: Record<string, string> = { authorization: `Bearer ${agent.token}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, body: res.status === 204 ? null : await res.json() };
      },
    };
  };

  it('takes a call-back asked by phone (key 1) and from the portal, within opening hours, and shows it in the inbox', async () => {
    clock = new Date('2026-03-03T09:00:00Z'); // Tuesday, 10:00 in Paris
    const call = callParams(FROM);
    await webhook('/webhooks/twilio/voice', call);
    const pressed = { ...call, Digits: '1', FinishedOnKey: '' };
    const res = await webhook('/webhooks/twilio/voice/callback', pressed);
    expect(res.text).toContain('nous vous rappellerons mardi 3 mars, le matin');
    expect(res.text).toContain('<Hangup/>');
    await webhook('/webhooks/twilio/voice/callback', pressed); // retried
    const requests = await ctx.models.messages.find({ kind: 'callback_request', externalId: `callback:${call.CallSid}` }).lean();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ direction: 'in', channel: 'voice', callback: { slot: '2026-03-03:am', phone: FROM, state: 'requested' } });
    const ticket = (await ctx.models.tickets.findById(requests[0]!.ticketId).lean())!;
    expect(ticket.callback).toMatchObject({ slot: '2026-03-03:am', phone: FROM });

    // Another key leads to the voicemail.
    const other = callParams('+33620000051');
    await webhook('/webhooks/twilio/voice', other);
    const voicemail = await webhook('/webhooks/twilio/voice/callback', { ...other, Digits: '2' });
    expect(voicemail.text).toContain('<Record ');

    // The portal offers the half-days within opening hours, and refuses others with the next free ones.
    const link = await ctx.services.portal.createLink(ticket);
    const token = link.split('/').pop()!;
    const view = await (await fetch(`${base}/api/portal/${token}`)).json();
    expect(view.callback).toEqual({ slot: '2026-03-03:am', label: 'mardi 3 mars, le matin' });
    expect(view.callbackSlots.slice(0, 3).map((s: { slot: string }) => s.slot)).toEqual(['2026-03-03:am', '2026-03-03:pm', '2026-03-04:am']);
    expect(view.callbackPhone).toBe('+33•••••••50');
    const post = (body: unknown) => fetch(`${base}/api/portal/${token}/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const sunday = await post({ slot: '2026-03-08:am' });
    expect(sunday.status).toBe(400);
    expect((await sunday.json()).error.message).toContain('mardi 3 mars, le matin');
    expect((await post({ slot: 'demain matin' })).status).toBe(400);
    expect((await post({ slot: '2026-03-04:pm', phone: 'pas un numéro' })).status).toBe(400);
    const asked = await post({ slot: '2026-03-04:pm', phone: '01 45 00 00 52' });
    expect(asked.status).toBe(201);
    expect(await asked.json()).toMatchObject({ slot: '2026-03-04:pm', label: 'mercredi 4 mars, l’après-midi', reference: ticket.reference });

    const api = await agentApi();
    const inbox = await api.call('/api/tickets?scope=mine');
    const row = inbox.body.items.find((t: { id: string }) => t.id === String(ticket._id));
    expect(row.callback).toEqual({ slot: '2026-03-04:pm', label: 'mercredi 4 mars, l’après-midi', phone: '+33145000052' });
    expect(row.responseDueAt).not.toBeNull();
  });

  it('calls the agent’s phone, bridges to the citizen, and keeps the outcome in one entry that never moves backwards', async () => {
    clock = OUT_OF_HOURS;
    const call = callParams('+33620000053');
    await webhook('/webhooks/twilio/voice', call);
    await webhook('/webhooks/twilio/voice/callback', { ...call, Digits: '1' });
    const ticketId = String((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.ticketId);
    const api = await agentApi();

    const noPhone = await api.call(`/api/tickets/${ticketId}/call`, 'POST');
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.message).toContain('votre numéro de téléphone');
    expect((await api.call(`/api/agents/${api.id}`, 'PATCH', { phone: AGENT_PHONE })).status).toBe(200);

    const started = await api.call(`/api/tickets/${ticketId}/call`, 'POST');
    expect(started.status).toBe(201);
    const callId = started.body.id as string;
    const placed = peer.calls.find((c) => c.url.includes(callId))!;
    expect(placed).toMatchObject({ to: AGENT_PHONE, from: SERVICE_NUMBER, url: `${PUBLIC}/webhooks/twilio/voice/bridge?callId=${callId}`, statusCallback: `${PUBLIC}/webhooks/twilio/voice/call-status?callId=${callId}` });
    expect(placed.statusCallbackEvent).toEqual(expect.arrayContaining(['ringing', 'answered', 'completed']));

    const status = (CallStatus: string, extra: Record<string, string> = {}) =>
      webhook(`/webhooks/twilio/voice/call-status?callId=${callId}`, { CallSid: placed.sid, AccountSid: ACCOUNT_SID, CallStatus, From: SERVICE_NUMBER, To: AGENT_PHONE, Direction: 'outbound-api', ...extra });
    expect((await status('ringing')).status).toBe(204);
    const bridge = await webhook(`/webhooks/twilio/voice/bridge?callId=${callId}`, { CallSid: placed.sid, AccountSid: ACCOUNT_SID, CallStatus: 'in-progress', From: SERVICE_NUMBER, To: AGENT_PHONE });
    expect(bridge.status).toBe(200);
    expect(bridge.text).toMatch(/<Dial [^>]*callerId="\+33159000000"/);
    expect(bridge.text).toContain(`action="${PUBLIC}/webhooks/twilio/voice/dial?callId=${callId}"`);
    expect(bridge.text).toContain('<Number>+33620000053</Number>');
    await status('in-progress');
    const dial = { CallSid: placed.sid, AccountSid: ACCOUNT_SID, DialCallStatus: 'completed', DialCallDuration: '192', DialCallSid: sid('CA') };
    expect((await webhook(`/webhooks/twilio/voice/dial?callId=${callId}`, dial)).status).toBe(200);
    await webhook(`/webhooks/twilio/voice/dial?callId=${callId}`, dial); // retried
    await status('ringing'); // late
    await status('completed', { CallDuration: '200' });

    const entries = await ctx.models.messages.find({ ticketId, kind: 'call', direction: 'out' }).lean();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ direction: 'out', channel: 'voice', text: 'Rappel au +33620000053 : l’usager a répondu (3 min 12 s).', dial: { state: 'answered', durationSeconds: 192 } });
    const ticket = (await ctx.models.tickets.findById(ticketId).lean())!;
    expect(ticket.callback ?? null).toBeNull();
    expect(ticket.firstRespondedAt).not.toBeNull();
    expect(await ctx.models.messages.countDocuments({ ticketId, kind: 'callback_request', 'callback.state': 'done' })).toBe(1);
    const detail = await api.call(`/api/tickets/${ticketId}`);
    expect(detail.body.messages.find((m: { kind: string; direction: string }) => m.kind === 'call' && m.direction === 'out').dial).toEqual({ state: 'answered', durationSeconds: 192 });

    // The agent does not pick up: the citizen is never called, and the entry says so.
    const second = await api.call(`/api/tickets/${ticketId}/call`, 'POST');
    const secondSid = peer.calls.at(-1)!.sid;
    await webhook(`/webhooks/twilio/voice/call-status?callId=${second.body.id}`, { CallSid: secondSid, AccountSid: ACCOUNT_SID, CallStatus: 'no-answer' });
    expect((await ctx.models.messages.findById(second.body.id).lean())!).toMatchObject({ dial: { state: 'agent_unreachable' }, text: expect.stringContaining('n’a pas été appelé') });

    // Unsigned or forged: refused like every Twilio webhook.
    expect((await webhook(`/webhooks/twilio/voice/bridge?callId=${callId}`, { CallSid: placed.sid }, { signature: 'forged' })).status).toBe(403);
    expect((await webhook(`/webhooks/twilio/voice/dial?callId=${callId}`, dial, { signature: null })).status).toBe(403);
  });

  it('refuses a call to a hidden number and says why', async () => {
    clock = OUT_OF_HOURS;
    const call = callParams('anonymous');
    await webhook('/webhooks/twilio/voice', call);
    const ticketId = String((await ctx.models.messages.findOne({ externalId: call.CallSid }).lean())!.ticketId);
    const api = await agentApi();
    const res = await api.call(`/api/tickets/${ticketId}/call`, 'POST');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(t('call.citizen_phone_missing'));
  });
});

describe('store outage', () => {
  it('answers webhooks 503 while the store is unreachable, so Twilio retries', async () => {
    const params = smsParams('+33620000040', 'Pendant la panne');
    await ctx.store.conn.close();
    const res = await webhook('/webhooks/twilio/sms', params);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).error.code).toBe('unavailable');
  });
});
