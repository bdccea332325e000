// The automatic acknowledgement of a new ticket: reference, the agent's first name, the promise.
// Queued once per ticket (its idempotency key is the ticket id), on the channel the citizen used.
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { isMobilePhone } from '../domain/identity.js';
import { acknowledgement, firstName, renderAutomation } from '../domain/templates.js';
import type { Models } from '../store/index.js';
import { citizensStore } from '../store/repositories/citizens.js';
import type { MessageDoc } from '../store/models/message.js';
import type { TicketDoc } from '../store/models/ticket.js';
import { agentDirectory } from './agentDirectory.js';
import type { Outbox } from './outbox/index.js';
import { replyVia } from '../../channels/registry.js';
import { replyChannels } from './tickets/reply.js';

export function createAcknowledger(deps: {
  models: Models;
  outbox: Outbox;
  log: Logger;
  settings: { promiseHours: number; serviceName: string; portalLink?: (ticket: TicketDoc) => Promise<string | null>; spaceLink?: string };
  /** A template set by the administration for this channel, if any. */
  template?: (channel: 'sms' | 'email' | 'chat') => Promise<string | null>;
}) {
  const { models, outbox, settings } = deps;
  const channelOfCitizen = async (ticket: TicketDoc) => {
    const channels = await replyChannels({ models, outbox }, ticket);
    const email = channels.get('email');
    if (email) return { channel: 'email' as const, to: email };
    const sms = channels.get('sms');
    return sms && isMobilePhone(sms) && !channels.optedOut.has(sms) ? { channel: 'sms' as const, to: sms } : null;
  };
  /** `known`: what the caller has just read (the citizen's name, whether the number sent STOP): not read again. */
  return async function acknowledge(
    ticket: TicketDoc,
    first: Pick<MessageDoc, 'channel' | 'fromAddress' | 'externalId'>,
    known: { citizenName?: string | null; smsOptedOut?: boolean } = {},
  ): Promise<void> {
    const log = deps.log.child({ ticketId: String(ticket._id), channel: first.channel });
    // A request opened in the citizen's space is acknowledged on their channel (email first, else SMS).
    const target = first.channel === 'portal' ? await channelOfCitizen(ticket) : { channel: first.channel as 'sms' | 'voice' | 'email' | 'chat', to: first.fromAddress };
    if (!target?.to) return;
    const { channel, to } = target;
    // A call is acknowledged by SMS, and only to a mobile.
    if (channel === 'voice' && !isMobilePhone(to)) return;
    if (!outbox.adapterFor(channel)) {
      log.debug('no acknowledgement: the channel has no sender configured');
      return;
    }
    const [agent, citizen] = await Promise.all([
      agentDirectory(models).get(ticket.assigneeId),
      'citizenName' in known ? { name: known.citizenName } : citizensStore(models).nameOf(ticket.citizenId).then((name) => ({ name })),
    ]);
    const input = {
      reference: ticket.reference,
      agentFirstName: firstName(agent?.name),
      promiseHours: settings.promiseHours,
      serviceName: settings.serviceName,
      portalLink: settings.portalLink ? await settings.portalLink(ticket) : null,
      spaceLink: settings.spaceLink ?? null,
      citizenName: citizen?.name ?? null,
    };
    const content = acknowledgement(channel, input);
    const custom = deps.template ? await deps.template(replyVia(channel)) : null;
    if (custom) {
      content.text = renderAutomation(custom, {
        'ticket.reference': input.reference, 'agent.firstName': input.agentFirstName, 'agent.name': agent?.name ?? null,
        'citizen.firstName': firstName(input.citizenName), 'citizen.name': input.citizenName, 'portal.link': input.portalLink,
        'promise.hours': String(input.promiseHours), 'service.name': input.serviceName, 'space.link': input.spaceLink,
      });
    }
    try {
      await outbox.queue({
        ticketId: ticket._id,
        ticket,
        // The acknowledgement belongs to the ticket's opening: the ticket keeps its first message's date.
        ticketDatedByCaller: true,
        smsOptedOut: known.smsOptedOut,
        channel,
        to,
        text: content.text,
        subject: content.subject,
        kind: 'acknowledgement',
        externalId: `ack:${String(ticket._id)}`,
      });
    } catch (err) {
      // A citizen who sent STOP, or an address the channel refuses: no acknowledgement, the ticket stands.
      if (err instanceof DomainError) log.info({ reason: err.message }, 'acknowledgement not sent');
      else throw err;
    }
  };
}
export type Acknowledge = ReturnType<typeof createAcknowledger>;
