// Satisfaction: when a request is resolved the citizen is asked one question, once, on their channel
// (SMS: reply 1 to 5; email: five links to the portal; chat: five buttons in the widget; the portal
// shows them too). The first answer is kept on the ticket, with an optional comment; an SMS "4" after the
// question is that answer, not a new request. SATISFACTION_SURVEY=false turns it off.
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { InboundChannel, InboundMessage } from '../../channels/types.js';
import { Conflict, Invalid } from '../domain/errors.js';
import { phoneSender, identityKey } from '../domain/identity.js';
import { t } from '../i18n/catalogue.js';
import type { Models } from '../store/index.js';
import { surveys, type Surveys } from '../store/repositories/surveys.js';
import type { TicketDoc } from '../store/models/ticket.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import type { Outbox } from './outbox/index.js';
import { ticketEventData } from './ticketEvents.js';
import { replyVia } from '../../channels/registry.js';

/** An SMS answer counts this long after the question. */
const SMS_ANSWER_DAYS = 14;
const SCORE = /^\s*([1-5])\s*(?:\/\s*5)?\s*[.!]?\s*$/;

export interface SatisfactionDeps {
  models: Models;
  outbox: Outbox;
  events: EventBus;
  audit: Audit;
  now: () => Date;
  log: Logger;
  enabled: boolean;
  settings: { defaultPhoneRegion: string; serviceName: string };
  /** The citizen's addresses per channel (tickets.replyChannels). */
  channelsOf: (ticket: TicketDoc) => Promise<Map<InboundChannel, string>>;
  /** The redacted portal link the outbox turns into the citizen's own. */
  portalLink: () => string;
}

export function createSatisfactionService(deps: SatisfactionDeps) {
  const { models, now } = deps;
  const store = surveys(models);

  async function record(ticketId: Types.ObjectId, answer: { score: number; comment?: string | null; channel: string }, actor: Actor) {
    if (!Number.isInteger(answer.score) || answer.score < 1 || answer.score > 5) throw new Invalid('satisfaction.score_invalid');
    const satisfaction = { score: answer.score, comment: answer.comment?.replace(/\s+/g, ' ').trim().slice(0, 1000) || null, at: now(), channel: answer.channel };
    const ticket = await store.recordOnce(ticketId, satisfaction);
    if (!ticket) {
      const current = await store.ticket(ticketId);
      // The same answer again (a retry) is fine; another one is not: the question is asked once.
      if (current?.satisfaction?.score === answer.score) return current.satisfaction;
      throw new Conflict('satisfaction.already');
    }
    await deps.audit(actor, 'ticket.satisfaction', { ticketId, citizenId: ticket.citizenId }, { score: satisfaction.score, channel: satisfaction.channel });
    deps.events.emit('satisfaction.received', { ...(await ticketEventData(models, ticket)), score: satisfaction.score, channel: satisfaction.channel });
    return ticket.satisfaction!;
  }

  return {
    enabled: deps.enabled,

    /** The question, once per ticket, on the channel the citizen last used (the portal always shows it). */
    async ask(ticket: TicketDoc): Promise<void> {
      if (!deps.enabled || ticket.satisfaction) return;
      const claimed = await store.claimAsk(ticket._id, now());
      if (!claimed) return;
      const channels = await deps.channelsOf(claimed);
      const preferred = replyVia(claimed.lastInboundChannel as InboundChannel);
      // Last written from the portal (or a channel now closed): asked on another of theirs; with none, the portal shows it.
      const channel = channels.has(preferred) ? preferred : ([...channels.keys()][0] ?? null);
      if (!channel) return;
      const link = deps.portalLink();
      const text =
        channel === 'sms' ? t('satisfaction.ask_sms', { reference: claimed.reference, service: sentenceStart(deps.settings.serviceName) })
        : channel === 'email' ? t('satisfaction.ask_email', { reference: claimed.reference, service: deps.settings.serviceName, links: [1, 2, 3, 4, 5].map((n) => `${n} – ${t(`satisfaction.score.${n}` as 'satisfaction.score.1')} : ${link}?note=${n}`).join('\n') })
        : t('satisfaction.ask_chat', { reference: claimed.reference });
      try {
        await deps.outbox.queue({
          ticketId: claimed._id, channel, to: channels.get(channel)!, text, kind: 'survey', externalId: `survey:${String(claimed._id)}`,
          subject: channel === 'email' ? t('satisfaction.subject', { reference: claimed.reference }) : undefined,
        });
      } catch (err) {
        deps.log.info({ ticketId: String(claimed._id), reason: (err as Error).message }, 'satisfaction question not sent');
      }
    },

    /** From the portal, the widget or an API: the first answer is kept. */
    async answer(ticketId: Types.ObjectId, input: { score: number; comment?: string | null; channel: string }, actor: Actor) {
      if (!deps.enabled) throw new Invalid('satisfaction.off');
      const ticket = await store.ticket(ticketId);
      if (!ticket || (!ticket.surveyAskedAt && ticket.status !== 'resolved' && ticket.status !== 'closed')) throw new Conflict('satisfaction.not_asked');
      return record(ticketId, input, actor);
    },

    /** An SMS that is only a score from a number asked recently: see answerFromSms. */
    fromSms: (inbound: InboundMessage) => answerFromSms(deps, store, record, inbound),
  };
}
export type SatisfactionService = ReturnType<typeof createSatisfactionService>;

/** "la mairie" opening a sentence: "La mairie". */
const sentenceStart = (text: string) => text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);

type Recorder = (ticketId: Types.ObjectId, answer: { score: number; comment?: string | null; channel: string }, actor: Actor) => Promise<unknown>;

/**
 * An SMS that is only a score ("4", "5/5") from a number asked within the last days: that answer, kept
 * in the thread without reopening the request. Null when it is an ordinary message.
 */
export async function answerFromSms(deps: SatisfactionDeps, store: Surveys, record: Recorder, inbound: InboundMessage): Promise<{ ticketId: string; reference: string } | null> {
  if (!deps.enabled || inbound.channel !== 'sms') return null;
  const match = SCORE.exec(inbound.text);
  const sender = phoneSender(inbound.from.address, deps.settings.defaultPhoneRegion);
  if (!match || !('identity' in sender)) return null;
  const citizenId = await store.citizenOf(identityKey(sender.identity));
  if (!citizenId) return null;
  const since = new Date(deps.now().getTime() - SMS_ANSWER_DAYS * 86_400_000);
  const ticket = await store.latestAsked(citizenId, since);
  if (!ticket) return null;
  const answered = { ticketId: String(ticket._id), reference: ticket.reference };
  if (ticket.satisfaction && !(await store.smsStored(inbound.externalId))) return null; // answered: a new message
  const kept = await store.keepSmsAnswer({
    ticketId: ticket._id, citizenId: ticket.citizenId, externalId: inbound.externalId, fromAddress: sender.identity.value, text: inbound.text.trim(), receivedAt: inbound.receivedAt,
  });
  if (!kept) return answered; // a retried webhook: stored once already
  await record(ticket._id, { score: Number(match[1]), channel: 'sms' }, { kind: 'citizen', id: sender.identity.value }).catch((err: unknown) => {
    if (!(err instanceof Conflict)) throw err;
  });
  return answered;
}
