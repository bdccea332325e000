// The one inbound path for every channel: idempotent store, identity, recurring agent, thread, event.
// Every step is a single-document atomic operation guarded by a unique index or a compare-and-set, so
// concurrent deliveries of one message, or first messages of one citizen, converge on one record.
import { oneLine } from '../domain/text.js';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { InboundMessage } from '../../channels/types.js';
import type { TicketEventData } from '../domain/events.js';
import { NotFound } from '../domain/errors.js';
import { identityKey, identityKindOf, normaliseIdentity, phoneSender, type Identity, type PhoneSender } from '../domain/identity.js';
import { findReference, formatReference, referenceCounterName } from '../domain/reference.js';
import { chooseRecurringAgent, handlingAgentId } from '../domain/routing.js';
import { chooseThread, type TicketForThreading } from '../domain/threading.js';
import { OPEN_STATUSES } from '../domain/ticket.js';
import { t } from '../i18n/catalogue.js';
import { isDuplicateKey, nextSequence, type Models } from '../store/index.js';
import type { CitizenDoc } from '../store/models/citizen.js';
import type { MessageDoc } from '../store/models/message.js';
import { messageKey } from '../store/models/messageKey.js';
import type { TicketDoc } from '../store/models/ticket.js';
import { agentDirectory } from './agentDirectory.js';
import { SYSTEM, type Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import { reusedRead } from './reusedRead.js';
import { chatFollows } from './ticketEvents.js';
import type { SlaPolicy } from './sla.js';

export interface IngestDeps {
  models: Models;
  events: EventBus;
  audit: Audit;
  now: () => Date;
  log: Logger;
  rules: { defaultPhoneRegion: string; reopenWindowDays: number; slaFirstResponseHours: number };
  /** Queues the acknowledgement of a new ticket; idempotent, awaited before the message counts as processed. */
  acknowledge?: (ticket: TicketDoc, first: MessageDoc, known?: { citizenName?: string | null; smsOptedOut?: boolean }) => Promise<void>;
  sla: SlaPolicy;
  /** Keyword rules: the category and team of a new request. */
  classify?: (text: string) => Promise<{ category: string; teamId: string | null } | undefined>;
  /** Told of each message stored, by when it was received: a late one (after an outage) reopens its day's statistics. */
  storedLate?: (receivedAt: Date) => Promise<void>;
}

export interface IngestResult {
  messageId: string;
  ticketId: string;
  reference: string;
  citizenId: string;
  /** True when this delivery created the ticket: the caller acknowledges with the reference. */
  isNewTicket: boolean;
  /** True when the message was already stored (a retry): acknowledge again, store nothing. */
  duplicate: boolean;
  recurringAgentId: string | null;
  /** The agent who answers today: the recurring agent, or their cover while they are away. */
  handlingAgentId: string | null;
}

type Ticket = TicketDoc;
type IdentityRecord = { citizenId: Types.ObjectId; smsOptOutAt?: Date | null };
/** What this delivery knows already, spared to the steps after it: the ticket it created, the citizen's name, whether their number sent STOP. */
type Known = { created?: boolean; citizenName?: string | null; smsOptedOut?: boolean };
type Citizen = CitizenDoc;
/** The keyword rules' answer for this message, asked at most once. */
type Classify = () => Promise<{ category: string; teamId: string | null } | undefined>;

const OPEN_TICKET_WAIT_MS = 2_000;
/** How long routing reuses the agents' open-ticket counts (kept in step with this instance's events). */
const LOADS_TTL_MS = 5_000;
const MAX_ATTEMPTS = 8;
/** A message still 'finishing' after this long was left by a process that died. */
export const FINISHING_STALE_MS = 30_000;

export function createIngestInbound(deps: IngestDeps) {
  const { models, events, audit, now, rules } = deps;

  /** Completes every message a dead process left half-processed; run at start and by the sweeper. */
  async function recoverInterrupted(): Promise<number> {
    const staleBefore = new Date(now().getTime() - FINISHING_STALE_MS);
    const stuck = await models.messages.find({ stage: 'finishing', stageAt: { $lt: staleBefore } }).limit(500);
    let recovered = 0;
    for (const message of stuck) {
      const ticket = await models.tickets.findById(message.ticketId);
      if (!ticket || !(await claimInterrupted(message._id))) continue;
      await finish(message, ticket, deps.log.child({ channel: message.channel, externalId: message.externalId, ticketId: String(ticket._id) }));
      recovered++;
    }
    return recovered;
  }

  async function ingestInbound(received: InboundMessage): Promise<IngestResult> {
    // Names and subjects end up in headers and greetings: one line, no control characters.
    const inbound: InboundMessage = { ...received, from: { ...received.from, name: oneLine(received.from.name, 120) }, subject: oneLine(received.subject, 300) };
    const log = deps.log.child({ channel: inbound.channel, externalId: inbound.externalId });

    // The key is reserved first (one insert), before anything is written: a retry or a concurrent
    // delivery finds it taken. The sender's identity is looked up meanwhile (a read, of use only if
    // the key is ours).
    const key = messageKey(inbound.channel, inbound.externalId);
    const sender = senderOf(inbound);
    const identityRead = sender.identity ? models.identities.findById(identityKey(sender.identity)).lean().exec() : Promise.resolve(null);
    identityRead.catch(() => undefined); // a failed read counts as not found: resolveCitizen then creates or reads it
    let reserved: { messageId: Types.ObjectId };
    let reservedHere = false;
    try {
      reserved = (await models.messageKeys.create({ _id: key, messageId: new Types.ObjectId() })).toObject();
      reservedHere = true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      reserved = (await models.messageKeys.findById(key).lean())!;
      const stored = await waitForMessage(reserved.messageId);
      if (stored) return finishDuplicate(stored, log);
      // Reserved by a delivery that died before storing the message: this one stores it under that id.
    }

    let placed: Awaited<ReturnType<typeof place>>;
    try {
      placed = await place(inbound, sender, identityRead.catch(() => null), reserved.messageId, log);
    } catch (err) {
      // Nothing stored for this message: free its key, so that the sender's retry does not wait for it.
      if (reservedHere) await models.messageKeys.deleteOne({ _id: key, messageId: reserved.messageId }).catch(() => undefined);
      throw err;
    }
    const { citizen, ticket, identity, unreachable, created, smsOptedOut } = placed;

    const fields = {
      _id: reserved.messageId,
      ticketId: ticket._id,
      citizenId: citizen._id,
      direction: 'in' as const,
      channel: inbound.channel,
      externalId: inbound.externalId,
      fromAddress: identity?.value ?? null,
      fromName: inbound.from.name ?? (unreachable ? unreachableName(unreachable) : null),
      subject: inbound.subject ?? null,
      text: inbound.text,
      html: inbound.html ?? null,
      quotedText: inbound.quoted?.slice(0, 100_000) ?? null,
      attachments: inbound.attachments,
      threadKeys: {
        messageId: inbound.threadHints.messageId ?? null,
        inReplyTo: inbound.threadHints.inReplyTo ?? null,
        references: inbound.threadHints.references ?? [],
      },
      receivedAt: inbound.receivedAt,
    };
    /** Stores the message; or, when a concurrent delivery of it won the unique index, that one. */
    const store = async (stage: 'finishing' | 'processed'): Promise<{ message: MessageDoc; stored: boolean }> => {
      try {
        return { message: await models.messages.create({ ...fields, stage, stageAt: now() }), stored: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = (await models.messages.findById(reserved.messageId)) ?? (await models.messages.findOne({ channel: inbound.channel, externalId: inbound.externalId }));
        return { message: winner!, stored: false };
      }
    };
    const ticketLog = log.child({ ticketId: String(ticket._id) });

    // A follow-up on a ticket already announced (by another message): once stored, nothing is left to do
    // but push it. So the ticket is written first and the message stored as processed, with no second
    // write to it; a crash in between leaves the sender unanswered, and its retry applies the message again.
    if (ticket.announcedBy && String(ticket.announcedBy) !== String(reserved.messageId)) {
      const [{ current }, early] = await Promise.all([applyToTicket(ticket, fields), routingOf(ticket)]);
      const { message, stored } = await store('processed');
      if (!stored) return finishDuplicate(message, log);
      const routing = String(current.assigneeId ?? '') === String(ticket.assigneeId ?? '') ? early : await routingOf(current);
      publish(message, current, false, routing);
      await deps.storedLate?.(message.receivedAt);
      ticketLog.info({ messageId: String(message._id), isNewTicket: false }, 'inbound message stored');
      return result(message._id, current, false, false, routing);
    }
    // Otherwise the message is stored first ('finishing'): what follows (the announcement, its
    // acknowledgement) is completed after a crash by recoverInterrupted.
    const { message, stored } = await store('finishing');
    return stored ? finish(message, ticket, ticketLog, { created, citizenName: citizen.name ?? null, smsOptedOut }) : finishDuplicate(message, log);
  }

  /** Who the message is from: an identity, an unreachable sender (a hidden number…), or neither (the portal names its citizen). */
  function senderOf(inbound: InboundMessage): { identity: Identity | null; unreachable: Exclude<PhoneSender, { identity: Identity }> | null } {
    const kind = identityKindOf(inbound.channel);
    const sender: PhoneSender | null =
      kind === 'phone' ? phoneSender(inbound.from.address, rules.defaultPhoneRegion) : kind ? { identity: normaliseIdentity(kind, inbound.from.address, rules.defaultPhoneRegion) } : null;
    return { identity: sender && 'identity' in sender ? sender.identity : null, unreachable: sender && 'unreachable' in sender ? sender : null };
  }

  /**
   * The citizen the message comes from (with their recurring agent) and the ticket it belongs to.
   * `known`: the identity's record, read already; `messageId`: the message's, which a ticket it opens
   * is announced by.
   */
  async function place(inbound: InboundMessage, sender: ReturnType<typeof senderOf>, known: Promise<IdentityRecord | null>, messageId: Types.ObjectId, log: Logger) {
    const { identity, unreachable } = sender;
    // The keyword rules matter only for a new request or a citizen without an agent: read them then.
    let rule: Promise<{ category: string; teamId: string | null } | undefined> | undefined;
    const classify = () => (rule ??= deps.classify ? deps.classify(`${inbound.subject ?? ''}\n${inbound.text}`) : Promise.resolve(undefined));
    // A new identity is a new citizen: their recurring agent and their first ticket's slot are written
    // with them, in the one upsert that creates them (a concurrent delivery that created them first wins).
    const firstTicketId = new Types.ObjectId();
    const first: { assigned: Awaited<ReturnType<typeof chooseAgent>> } = { assigned: null };
    const firstWrite = async () => {
      const chosen = (first.assigned = await chooseAgent(null, classify));
      return { openTicketId: firstTicketId, lastTicketId: firstTicketId, ...(chosen ? { recurringAgentId: chosen.agentId, teamId: chosen.teamId } : {}) };
    };
    const resolved = identity
      ? await resolveCitizen(identity, inbound.from.name, known, firstWrite)
      : { citizen: unreachable ? await unreachableCitizen(inbound, unreachable) : await knownCitizen(inbound.citizenId), smsOptedOut: undefined };
    let citizen = resolved.citizen;
    if (String(citizen.openTicketId) === String(firstTicketId)) {
      const chosen = first.assigned;
      const recurring: Parameters<Audit['all']>[0] = chosen
        ? [[SYSTEM, 'citizen.recurring_agent.set', { citizenId: citizen._id, agentId: chosen.agentId }, { from: null, to: String(chosen.agentId), reason: 'routing: least-loaded available agent' }]]
        : [];
      if (!chosen) log.warn({ citizenId: String(citizen._id) }, 'no available agent: the citizen waits in the team queue');
      const ticket = await createTicket(firstTicketId, citizen, inbound, { messageId, fromAddress: identity?.value ?? null, rule: await classify(), audits: recurring });
      log.info({ ticketId: String(ticket._id), reference: ticket.reference }, 'ticket created');
      return { citizen, ticket, identity, unreachable, created: true, smsOptedOut: resolved.smsOptedOut };
    }
    citizen = await ensureRecurringAgent(citizen, log, classify);
    const { ticket, created } = await resolveTicket(citizen, inbound, { messageId, fromAddress: identity?.value ?? null }, log, classify);
    return { citizen, ticket, identity, unreachable, created, smsOptedOut: resolved.smsOptedOut };
  }

  /** A retry: stored once already. Completes the work a crash interrupted (stale 'finishing'), then reports. */
  async function finishDuplicate(message: MessageDoc, log: Logger) {
    const ticket = await models.tickets.findById(message.ticketId);
    if (!ticket) throw new Error(`message ${String(message._id)} refers to a missing ticket`);
    if (message.stage === 'finishing' && (await claimInterrupted(message._id))) {
      log.warn('completing a message whose processing was interrupted');
      return { ...(await finish(message, ticket, log)), duplicate: true };
    }
    const routing = await routingOf(ticket);
    return result(message._id, ticket, false, true, routing);
  }

  /** After the message is stored: its effect on the ticket (unless it just created it, announced by it), the acknowledgement, the events. */
  async function finish(message: MessageDoc, ticket: Ticket, log: Logger, known: Known = {}): Promise<IngestResult> {
    // Who answers today is read while the ticket is written (read again if the ticket changed hands).
    const [{ current, isNewTicket }, early] = await Promise.all([known.created ? { current: ticket, isNewTicket: true } : applyToTicket(ticket, message), routingOf(ticket)]);
    const routing = String(current.assigneeId ?? '') === String(ticket.assigneeId ?? '') ? early : await routingOf(current);
    if (isNewTicket && deps.acknowledge) await deps.acknowledge(current, message, { citizenName: known.citizenName, smsOptedOut: known.smsOptedOut });
    // Stored: pushed now; then marked processed (a crash before that completes it again, see recoverInterrupted).
    publish(message, current, isNewTicket, routing);
    await Promise.all([models.messages.updateOne({ _id: message._id }, { $set: { stage: 'processed' } }), deps.storedLate?.(message.receivedAt)]);
    log.info({ messageId: String(message._id), isNewTicket }, 'inbound message stored');
    return result(message._id, current, isNewTicket, false, routing);
  }

  /**
   * What a citizen's message does to its ticket, as one compare-and-set on the state it was decided
   * from (read again only when another write came first):
   * - among concurrent first messages, whichever is stored first announces the ticket, exactly once;
   *   after a crash the same message announces it again (the acknowledgement is idempotent), and
   *   `announcedBy` never changes once set;
   * - a paused or resolved ticket goes back to the agent's work ('new' stays new), its paused deadline resumes;
   * - a ticket answered before starts its next deadline (while nothing else is due);
   * - the latest times, the channel, the unread count move.
   */
  async function applyToTicket(ticket: Ticket, message: Pick<MessageDoc, '_id' | 'receivedAt' | 'channel' | 'fromAddress'>): Promise<{ current: Ticket; isNewTicket: boolean }> {
    const at = message.receivedAt;
    let state: Ticket | null = ticket;
    for (let attempt = 0; state && attempt < 4 * MAX_ATTEMPTS; attempt++) {
      let sla = (state.toObject() as { sla: Parameters<SlaPolicy['resume']>[0] | null }).sla;
      const filter: Record<string, unknown> = {
        _id: state._id,
        status: state.status,
        sla: sla ? { $ne: null } : null,
        'sla.pausedAt': sla?.pausedAt ?? null,
        firstRespondedAt: state.firstRespondedAt ? { $ne: null } : null,
      };
      const set: Record<string, unknown> = { lastInboundChannel: message.channel, ...lastFrom(message) };
      const announces = !state.announcedBy;
      if (announces) {
        filter.announcedBy = null;
        Object.assign(set, { announcedAt: now(), announcedBy: message._id });
      }
      if (state.status === 'pending' || state.status === 'resolved') {
        Object.assign(set, { status: 'open', resolvedAt: null, pendingSince: null });
        if (sla?.pausedAt) set.sla = sla = deps.sla.resume(sla, at);
      }
      if (state.firstRespondedAt && !sla) {
        const next = deps.sla.next(at);
        Object.assign(set, { sla: next, nextResponseDueAt: next.dueAt });
      }
      const updated = await models.tickets.findOneAndUpdate(
        filter,
        { $max: { lastMessageAt: at, lastInboundAt: at }, $set: set, $inc: { unreadCount: 1 }, $addToSet: { channels: message.channel } },
        { returnDocument: 'after' },
      );
      if (updated) return { current: updated, isNewTicket: announces || String(state.announcedBy) === String(message._id) };
      state = await models.tickets.findById(ticket._id);
    }
    throw new Error(`could not apply message ${String(message._id)} to ticket ${String(ticket._id)}: it kept changing`);
  }

  /** Takes over a message left 'finishing' longer than FINISHING_STALE_MS (its process died). */
  async function claimInterrupted(messageId: Types.ObjectId): Promise<boolean> {
    const staleBefore = new Date(now().getTime() - FINISHING_STALE_MS);
    return !!(await models.messages.findOneAndUpdate({ _id: messageId, stage: 'finishing', stageAt: { $lt: staleBefore } }, { $set: { stageAt: now() } }));
  }

  async function knownCitizen(citizenId: string | undefined): Promise<Citizen> {
    const citizen = citizenId && Types.ObjectId.isValid(citizenId) ? await models.citizens.findById(citizenId) : null;
    if (!citizen) throw new NotFound('citizen.not_found');
    return citizen;
  }

  /**
   * A hidden number (or a name, or an app) is no key to anyone: each such message is a citizen of its
   * own, never merged with others by that pseudo-number. The id is derived from the message, so a
   * retried or concurrent delivery finds the same record.
   */
  async function unreachableCitizen(inbound: InboundMessage, sender: { unreachable: 'hidden' | 'alphanumeric' | 'app'; label: string }): Promise<Citizen> {
    const id = new Types.ObjectId(createHash('sha256').update(`unreachable:${inbound.channel}:${inbound.externalId}`).digest('hex').slice(0, 24));
    const existing = await models.citizens.findById(id);
    if (existing) return existing;
    try {
      return await models.citizens.create({ _id: id, name: unreachableName(sender), unreachable: sender.unreachable });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await models.citizens.findById(id))!; // a concurrent delivery created it
    }
  }

  /** The identity's citizen (created with `firstWrite`'s fields when the identity is new), and whether the number sent STOP. */
  async function resolveCitizen(identity: Identity, name: string | undefined, known: Promise<IdentityRecord | null>, firstWrite: () => Promise<Record<string, unknown>>) {
    const key = identityKey(identity);
    let record = await known;
    let isNew = false;
    if (!record) {
      try {
        record = (await models.identities.create({ _id: key, kind: identity.kind, value: identity.value, citizenId: new Types.ObjectId() })).toObject();
        isNew = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        record = await models.identities.findById(key).lean();
      }
    }
    const citizenId = record!.citizenId;
    const smsOptedOut = !!record!.smsOptOutAt;
    // A known identity: its citizen is read (they hold it already); written only if missing (a delivery
    // that created the identity died before its citizen).
    if (!isNew) {
      const existing = await models.citizens.findById(citizenId);
      if (existing?.identities.some((i) => i.kind === identity.kind && i.value === identity.value)) return { citizen: existing, smsOptedOut };
    }
    const onInsert = isNew ? await firstWrite() : {};
    // Idempotent: every racer for a new identity upserts the same citizen id.
    for (let attempt = 0; ; attempt++) {
      try {
        const citizen = await models.citizens.findOneAndUpdate(
          { _id: citizenId },
          { $setOnInsert: { name: name?.trim() || null, ...onInsert }, $addToSet: { identities: identity } },
          { upsert: true, returnDocument: 'after' },
        );
        return { citizen: citizen!, smsOptedOut };
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 3) throw err;
      }
    }
  }

  /** A recurring agent for a citizen who has none: the least-loaded of the rule's team, the citizen's, or the default one. */
  async function chooseAgent(citizenTeamId: Types.ObjectId | null | undefined, classify: Classify) {
    const ruleTeamId = (await classify())?.teamId;
    const teamId = (ruleTeamId ? new Types.ObjectId(ruleTeamId) : null) ?? citizenTeamId ?? (await defaultTeamId());
    const agentId = await leastLoadedAgent(teamId);
    return agentId ? { agentId, teamId: teamId ?? null } : null;
  }

  async function ensureRecurringAgent(citizen: Citizen, log: Logger, classify: Classify): Promise<Citizen> {
    if (citizen.recurringAgentId) return citizen;
    const chosen = await chooseAgent(citizen.teamId, classify);
    if (!chosen) {
      log.warn({ citizenId: String(citizen._id) }, 'no available agent: the citizen waits in the team queue');
      return citizen;
    }
    const won = await models.citizens.findOneAndUpdate(
      { _id: citizen._id, recurringAgentId: null },
      { $set: { recurringAgentId: chosen.agentId, teamId: chosen.teamId } },
      { returnDocument: 'after' },
    );
    if (won) {
      await audit(SYSTEM, 'citizen.recurring_agent.set', { citizenId: citizen._id, agentId: chosen.agentId }, { from: null, to: String(chosen.agentId), reason: 'routing: least-loaded available agent' });
      return won;
    }
    return (await models.citizens.findById(citizen._id))!;
  }

  /** The default team (shared for a few seconds once there is one; the first team created when none is marked). */
  const defaultTeam = reusedRead(LOADS_TTL_MS, async () => {
    const team = (await models.teams.findOne({ isDefault: true }, { _id: 1 }).lean()) ?? (await models.teams.findOne({}, { _id: 1 }).sort({ createdAt: 1 }).lean());
    if (!team) throw new Error('no team yet'); // not kept: asked again next time
    return team._id;
  });
  const defaultTeamId = () => defaultTeam.get().catch(() => null);

  /**
   * Open tickets per agent, for least-loaded routing: counting them reads every open ticket, so the
   * counts are read at most every LOADS_TTL_MS and kept in step with this instance's own events
   * meanwhile (a new ticket adds one; a ticket closed, resolved, reopened or reassigned reads again).
   * Another instance's new tickets are seen at the next read: a few seconds of imprecision in a balance.
   */
  const loads = reusedRead(LOADS_TTL_MS, async () => {
    const counts = await models.tickets.aggregate<{ _id: Types.ObjectId | null; n: number }>([{ $match: { status: { $in: OPEN_STATUSES } } }, { $group: { _id: '$assigneeId', n: { $sum: 1 } } }]);
    return new Map(counts.filter((c) => c._id).map((c) => [String(c._id), c.n]));
  });
  events.on('ticket.created', (e) => {
    if (e.assigneeId) loads.adjust((m) => m.set(e.assigneeId!, (m.get(e.assigneeId!) ?? 0) + 1));
  });
  events.on('ticket.updated', (e) => {
    if (typeof e.changes.status === 'string' && e.changes.status !== 'open') loads.forget();
  });
  events.on('ticket.assigned', () => loads.forget());

  /** The available agent of the team with the fewest open tickets; any team's when the team has none. */
  async function leastLoadedAgent(teamId: Types.ObjectId | null): Promise<Types.ObjectId | null> {
    const available = [...(await agentDirectory(models).all()).values()].filter((a) => a.role === 'agent' && a.active && a.availability === 'available');
    for (const agents of teamId ? [available.filter((a) => String(a.teamId) === String(teamId)), available] : [available]) {
      if (agents.length === 0) continue;
      const loadOf = await loads.get();
      const chosen = chooseRecurringAgent(
        agents.map((a) => ({ id: String(a._id), availability: a.availability, openTickets: loadOf.get(String(a._id)) ?? 0 })),
      );
      if (chosen) return new Types.ObjectId(chosen.id);
    }
    return null;
  }

  async function resolveTicket(
    citizen: Citizen,
    inbound: InboundMessage,
    message: { messageId: Types.ObjectId; fromAddress: string | null },
    log: Logger,
    classify: Classify,
  ): Promise<{ ticket: Ticket; created: boolean }> {
    const referenced = await referencedTicket(inbound);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fresh = attempt === 0 ? citizen : (await models.citizens.findById(citizen._id))!;
      const expectedOpenId = fresh.openTicketId ?? null;
      const open = expectedOpenId ? await waitForTicket(expectedOpenId) : null;
      // Usually the open ticket is the last one too: read once.
      const last = !fresh.lastTicketId ? null : open && String(open._id) === String(fresh.lastTicketId) ? open : await models.tickets.findById(fresh.lastTicketId);
      const choice = chooseThread({
        citizenId: String(fresh._id),
        referenced: referenced && forThreading(referenced),
        open: open && forThreading(open),
        last: last && forThreading(last),
        now: now(),
        reopenWindowDays: rules.reopenWindowDays,
      });

      if (choice.kind === 'existing') {
        const ticket = [referenced, open, last].find((t) => t && String(t._id) === choice.ticketId)!;
        if (choice.reopen) await reopen(ticket, fresh, log);
        return { ticket, created: false };
      }

      // Claim the citizen's open-ticket slot first; only the winner creates the ticket.
      const newId = new Types.ObjectId();
      const claimed = await models.citizens.findOneAndUpdate(
        { _id: fresh._id, openTicketId: expectedOpenId },
        { $set: { openTicketId: newId, lastTicketId: newId } },
        { returnDocument: 'after' },
      );
      if (!claimed) continue;
      const ticket = await createTicket(newId, claimed, inbound, { ...message, previousTicketId: choice.previousTicketId, rule: await classify() });
      log.info({ ticketId: String(ticket._id), reference: ticket.reference }, 'ticket created');
      return { ticket, created: true };
    }
    throw new Error(`could not settle the thread of citizen ${String(citizen._id)} after ${MAX_ATTEMPTS} attempts`);
  }

  /** A message another delivery reserved: wait for it briefly; null when that delivery died. */
  async function waitForMessage(id: Types.ObjectId): Promise<MessageDoc | null> {
    const deadline = Date.now() + OPEN_TICKET_WAIT_MS;
    for (;;) {
      const message = await models.messages.findById(id);
      if (message || Date.now() > deadline) return message;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A ticket another delivery is creating right now: wait for it briefly, or give up the stale claim. */
  async function waitForTicket(id: Types.ObjectId): Promise<Ticket | null> {
    const deadline = Date.now() + OPEN_TICKET_WAIT_MS;
    for (;;) {
      const ticket = await models.tickets.findById(id);
      if (ticket || Date.now() > deadline) return ticket;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function referencedTicket(inbound: InboundMessage): Promise<Ticket | null> {
    const hints = inbound.threadHints;
    if (hints.ticketId && Types.ObjectId.isValid(hints.ticketId)) {
      const byId = await models.tickets.findById(hints.ticketId);
      // A ticket merged into another (a chat joined to its citizen's request): the message goes there.
      if (byId?.mergedIntoId) return (await models.tickets.findById(byId.mergedIntoId)) ?? byId;
      if (byId) return byId;
    }
    const keys = [hints.inReplyTo, ...(hints.references ?? [])].filter((k): k is string => !!k);
    if (keys.length > 0) {
      const earlier = await models.messages.findOne({ 'threadKeys.messageId': { $in: keys } }).sort({ createdAt: -1 }).lean();
      if (earlier) {
        const ticket = await models.tickets.findById(earlier.ticketId);
        if (ticket) return ticket;
      }
    }
    const reference = hints.ticketRef ?? findReference(inbound.subject);
    return reference ? models.tickets.findOne({ reference }) : null;
  }

  async function reopen(ticket: Ticket, citizen: Citizen, log: Logger) {
    const reopened = await models.tickets.updateOne({ _id: ticket._id, status: 'resolved' }, { $set: { status: 'open', resolvedAt: null } });
    if (reopened.modifiedCount === 1) {
      await models.citizens.updateOne({ _id: citizen._id, openTicketId: null }, { $set: { openTicketId: ticket._id } });
      await audit(SYSTEM, 'ticket.reopened', { ticketId: ticket._id, citizenId: citizen._id }, { reason: 'citizen wrote within the reopen window' });
      log.info({ ticketId: String(ticket._id) }, 'ticket reopened');
    }
  }

  /**
   * A new ticket, announced by the message that opens it (its effect on the ticket written with it);
   * `audits`: events of the same step, written with the ticket's.
   */
  async function createTicket(
    id: Types.ObjectId,
    citizen: Citizen,
    inbound: InboundMessage,
    opening: { messageId: Types.ObjectId; fromAddress: string | null; previousTicketId?: string; rule?: { category: string; teamId: string | null }; audits?: Parameters<Audit['all']>[0] },
  ): Promise<Ticket> {
    const { rule, previousTicketId } = opening;
    const replyChannel = inbound.channel === 'voice' ? 'sms' : inbound.channel;
    const year = inbound.receivedAt.getUTCFullYear();
    const reference = formatReference(year, await nextSequence(models, referenceCounterName(year)));
    const firstDeadline = deps.sla.first(inbound.receivedAt);
    const ticket = await models.tickets.create({
      _id: id,
      reference,
      citizenId: citizen._id,
      teamId: (rule?.teamId ? new Types.ObjectId(rule.teamId) : null) ?? citizen.teamId ?? null,
      category: rule?.category ?? null,
      assigneeId: citizen.recurringAgentId ?? null,
      status: 'new',
      channel: inbound.channel,
      lastInboundChannel: inbound.channel,
      subject: subjectOf(inbound),
      openedAt: inbound.receivedAt,
      lastMessageAt: inbound.receivedAt,
      lastInboundAt: inbound.receivedAt,
      lastFrom: opening.fromAddress && replyChannel !== 'portal' ? { [replyChannel]: opening.fromAddress } : {},
      unreadCount: 1,
      channels: [inbound.channel],
      announcedAt: now(),
      announcedBy: opening.messageId,
      firstResponseDueAt: firstDeadline.dueAt,
      sla: firstDeadline,
      previousTicketId: previousTicketId ? new Types.ObjectId(previousTicketId) : null,
    });
    await audit.all([
      ...(opening.audits ?? []),
      [SYSTEM, 'ticket.created', { ticketId: id, citizenId: citizen._id, agentId: citizen.recurringAgentId }, { reference, channel: inbound.channel, previousTicketId: previousTicketId ?? null }],
    ]);
    return ticket;
  }

  async function routingOf(ticket: Ticket) {
    const recurringAgentId = ticket.assigneeId ? String(ticket.assigneeId) : null;
    if (!recurringAgentId) return { recurringAgentId: null, handlingAgentId: null };
    // The chain of covers, from the agents kept in the directory.
    const byId = new Map<string, { availability: 'available' | 'away'; coverAgentId: string | null }>();
    for (let id: string | null = recurringAgentId; id && !byId.has(id) && byId.size < 10; ) {
      const agent = await agentDirectory(models).get(id);
      if (!agent) break;
      const coverAgentId: string | null = agent.coverAgentId ? String(agent.coverAgentId) : null;
      byId.set(id, { availability: agent.availability, coverAgentId });
      id = agent.availability === 'away' ? coverAgentId : null;
    }
    return { recurringAgentId, handlingAgentId: handlingAgentId(recurringAgentId, byId) };
  }

  /** The events of a message stored (and of its ticket, when the message opened it). */
  function publish(message: MessageDoc, ticket: Ticket, isNewTicket: boolean, routing: { recurringAgentId: string | null; handlingAgentId: string | null }) {
    const data = eventData(ticket, routing);
    if (isNewTicket) events.emit('ticket.created', { ...data, channel: ticket.channel });
    events.emit('message.created', { ...data, messageId: String(message._id), direction: 'in', channel: message.channel as 'sms', preview: message.text.slice(0, 140) });
  }

  function eventData(ticket: Ticket, routing: { recurringAgentId: string | null; handlingAgentId: string | null }): TicketEventData {
    return {
      ticketId: String(ticket._id),
      reference: ticket.reference,
      citizenId: String(ticket.citizenId),
      teamId: ticket.teamId ? String(ticket.teamId) : null,
      assigneeId: routing.recurringAgentId,
      agentIds: [...new Set([routing.recurringAgentId, routing.handlingAgentId].filter((id): id is string => !!id))],
      status: ticket.status,
      chat: chatFollows(ticket),
    };
  }

  function result(
    messageId: Types.ObjectId,
    ticket: Ticket,
    isNewTicket: boolean,
    duplicate: boolean,
    routing: { recurringAgentId: string | null; handlingAgentId: string | null },
  ): IngestResult {
    return {
      messageId: String(messageId),
      ticketId: String(ticket._id),
      reference: ticket.reference,
      citizenId: String(ticket.citizenId),
      isNewTicket,
      duplicate,
      ...routing,
    };
  }

  return Object.assign(ingestInbound, { recoverInterrupted });
}
export type IngestInbound = ReturnType<typeof createIngestInbound>;

function unreachableName(sender: { unreachable: 'hidden' | 'alphanumeric' | 'app'; label: string }): string {
  return sender.unreachable === 'hidden' ? t('identity.hidden') : t(`identity.${sender.unreachable}`, { label: sender.label });
}

/** Where a reply on the message's channel goes: the address it came from (a call is answered by SMS). */
function lastFrom(message: Pick<MessageDoc, 'channel' | 'fromAddress'>): Record<string, string> {
  const channel = message.channel === 'voice' ? 'sms' : message.channel;
  return message.fromAddress && channel !== 'portal' ? { [`lastFrom.${channel}`]: message.fromAddress } : {};
}

function forThreading(ticket: Ticket): TicketForThreading {
  return { id: String(ticket._id), citizenId: String(ticket.citizenId), status: ticket.status, resolvedAt: ticket.resolvedAt };
}

/** A text made one line: control characters and line breaks become spaces; empty gives undefined. */
function subjectOf(inbound: InboundMessage): string {
  const subject = inbound.subject?.trim() || oneLine(inbound.text.trim().split('\n')[0], 300) || '';
  return subject.length > 120 ? `${subject.slice(0, 117)}...` : subject;
}
