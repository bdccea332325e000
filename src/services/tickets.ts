// The agents' work on tickets: the inbox, a thread, replies on any of the citizen's channels, internal
// notes, status, category and priority, and a manager's reassignment. Every change is audited and pushed.
import { withoutBidi } from '../domain/text.js';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { InboundChannel } from '../../channels/types.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../domain/errors.js';
import type { TicketEventData } from '../domain/events.js';
import { slotLabel } from '../domain/callbackSlots.js';
import { t } from '../i18n/catalogue.js';
import { renderCanned } from '../domain/templates.js';
import { OPEN_STATUSES, type TicketStatus } from '../domain/ticket.js';
import type { Models } from '../store/index.js';
import { attachmentRef } from '../store/models/mailbox.js';
import { inboxOrderOf, NOTHING_DUE, type TicketDoc } from '../store/models/ticket.js';
import type { Access } from './access.js';
import { agentDirectory } from './agentDirectory.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import type { Outbox } from './outbox.js';
import { checklistView, type DocumentService } from './documents.js';
import type { PortalService } from './portal.js';
import type { SlaPolicy, TicketSla } from './sla.js';
import { ticketEventData } from './ticketEvents.js';
import type { Principal } from './tokens.js';

export interface InboxQuery {
  scope: 'mine' | 'team' | 'unassigned' | 'all';
  status?: TicketStatus[];
  channel?: string;
  category?: string;
  atRisk?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const encodeCursor = (due: Date | null, id: Types.ObjectId) => Buffer.from(JSON.stringify([due?.toISOString() ?? null, String(id)])).toString('base64url');
function decodeCursor(cursor: string): { due: Date | null; id: Types.ObjectId } {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(decoded) || decoded.length !== 2) throw new Error();
    const [due, id] = decoded as unknown[];
    // Only what encodeCursor writes: an ISO date or null, and an id (never an object that could carry an operator).
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) throw new Error();
    if (due !== null && (typeof due !== 'string' || Number.isNaN(Date.parse(due)))) throw new Error();
    return { due: due === null ? null : new Date(due as string), id: new Types.ObjectId(id) };
  } catch {
    throw new Invalid('ticket.cursor_invalid');
  }
}

export function createTicketService(deps: {
  models: Models;
  events: EventBus;
  audit: Audit;
  outbox: Outbox;
  access: Access;
  now: () => Date;
  log: Logger;
  sla: SlaPolicy;
  portal: PortalService;
  documents: DocumentService;
  /** A request was resolved: the satisfaction question goes out (once). */
  onResolved?: (ticket: TicketDoc) => Promise<void>;
  settings: { teamVisibility: boolean };
}) {
  const { models, events, audit, outbox, access, now } = deps;

  const idOf = (id: string) => {
    if (!Types.ObjectId.isValid(id)) throw new NotFound('ticket.not_found');
    return new Types.ObjectId(id);
  };

  /**
   * From the agents' directory: the agent, those whose tickets they handle today (away, with them as
   * cover) and the `others` asked for (a ticket's assignee); with what the access rule reads, and every
   * agent's name.
   */
  async function agentsAround(agentId: string, others: (Types.ObjectId | null | undefined)[] = []) {
    const directory = agentDirectory(models);
    const me = await directory.get(Types.ObjectId.isValid(agentId) ? agentId : null);
    const all = await directory.all();
    const covered = me ? [...all.values()].filter((a) => a.availability === 'away' && String(a.coverAgentId) === agentId && a !== me) : [];
    const records = me ? [me, ...covered, ...others.map((id) => (id ? all.get(String(id)) : undefined)).filter((a) => !!a)] : [];
    return { records, me, handled: me ? [me._id, ...covered.map((a) => a._id)] : [], names: new Map([...all.values()].map((a) => [String(a._id), a.name])) };
  }

  /** The ticket, read once, when the principal may see it (NotFound otherwise: its existence is not revealed), with the agents read for the check. */
  async function readVisible(principal: Principal, ticketId: string) {
    const ticket = Types.ObjectId.isValid(ticketId) ? await models.tickets.findById(ticketId) : null;
    if (!ticket) throw new NotFound('ticket.not_found');
    const around = await agentsAround(principal.agentId, [ticket.assigneeId]);
    if (!access.canSeeRead(principal, ticket, around.records)) throw new NotFound('ticket.not_found');
    return { ticket, around };
  }

  async function loadVisible(principal: Principal, ticketId: string): Promise<TicketDoc> {
    return (await readVisible(principal, ticketId)).ticket;
  }

  const eventData = (ticket: TicketDoc): Promise<TicketEventData> => ticketEventData(models, ticket);

  /** The inbox's lines; `knownNames` are agents' names already read (no second read for them). */
  async function summaries(tickets: TicketDoc[], knownNames: Map<string, string> = new Map(), knownCitizens: Map<string, string | null> = new Map()) {
    const citizenIds = [...new Set(tickets.map((t) => String(t.citizenId)))].filter((id) => !knownCitizens.has(id));
    const agentIds = [...new Set(tickets.map((t) => t.assigneeId).filter(Boolean).map(String))].filter((id) => !knownNames.has(id));
    const [citizens, agents] = await Promise.all([
      citizenIds.length ? models.citizens.find({ _id: { $in: citizenIds } }, { name: 1 }).lean() : [],
      agentIds.length ? models.agents.find({ _id: { $in: agentIds } }, { name: 1 }).lean() : [],
    ]);
    const citizenName = new Map([...knownCitizens, ...citizens.map((c) => [String(c._id), c.name ?? null] as const)]);
    const agentName = new Map([...knownNames, ...agents.map((a) => [String(a._id), a.name] as const)]);
    const atRiskFrom = (t: TicketDoc) => isAtRisk(t);
    return tickets.map((t) => ({
      id: String(t._id),
      reference: t.reference,
      status: t.status,
      channel: t.lastInboundChannel,
      channels: t.channels?.length ? t.channels : [t.channel],
      subject: t.subject,
      category: t.category ?? null,
      priority: t.priority,
      citizen: { id: String(t.citizenId), name: citizenName.get(String(t.citizenId)) ?? null },
      assignee: t.assigneeId ? { id: String(t.assigneeId), name: agentName.get(String(t.assigneeId)) ?? '' } : null,
      unreadCount: t.unreadCount,
      lastMessageAt: t.lastMessageAt.toISOString(),
      firstResponseDueAt: t.firstResponseDueAt ? t.firstResponseDueAt.toISOString() : null,
      responseDueAt: t.inboxOrder && t.inboxOrder.getTime() !== NOTHING_DUE.getTime() ? t.inboxOrder.toISOString() : null,
      firstRespondedAt: t.firstRespondedAt ? t.firstRespondedAt.toISOString() : null,
      atRisk: atRiskFrom(t),
      callback: t.callback ? { slot: t.callback.slot, label: slotLabel(t.callback.slot), phone: t.callback.phone } : null,
    }));
  }

  /** At risk: a running, unpaused deadline past its warning point. */
  function isAtRisk(t: Pick<TicketDoc, 'sla' | 'status'>): boolean {
    return !!t.sla && !t.sla.pausedAt && OPEN_STATUSES.includes(t.status) && t.sla.warnAt.getTime() <= now().getTime();
  }

  /** Files already stored with this ticket, as a message carries them; an id not of this ticket is refused. */
  async function filesOf(ticket: TicketDoc, attachmentIds: string[] | undefined) {
    const ids = [...new Set(attachmentIds ?? [])];
    if (ids.length === 0) return [];
    const files = await models.attachments.find({ _id: { $in: ids.filter((id) => Types.ObjectId.isValid(id)) }, ticketId: ticket._id }, { content: 0 }).lean();
    if (files.length !== ids.length) throw new Invalid('attachment.not_added');
    return files.map((f) => ({ filename: f.filename ?? undefined, contentType: f.contentType ?? 'application/octet-stream', size: f.size ?? 0, ref: attachmentRef(f._id) }));
  }

  async function setStatus(actor: Actor, ticket: TicketDoc, status: TicketStatus): Promise<Record<string, unknown>> {
    if (ticket.status === status) return {};
    if (ticket.status === 'closed') throw new Conflict('ticket.closed_stays_closed');
    const at = now();
    const set: Record<string, unknown> = { status };
    if (status === 'resolved') set.resolvedAt = at;
    if (status === 'closed') set.closedAt = at;
    if (status !== 'resolved' && status !== 'closed') set.resolvedAt = null;
    // Pending waits on the citizen: the clock pauses, and resumes with the time that was left.
    const sla = (ticket.toObject().sla ?? null) as TicketSla | null;
    if (status === 'pending') Object.assign(set, { pendingSince: at, reminderSentAt: null, ...(sla ? { sla: deps.sla.pause(sla, at) } : {}) });
    else if (ticket.status === 'pending') Object.assign(set, { pendingSince: null, ...(sla ? { sla: deps.sla.resume(sla, at) } : {}) });
    if (status === 'resolved' || status === 'closed') set.sla = null;
    const updated = await models.tickets.updateOne({ _id: ticket._id, status: ticket.status }, { $set: set });
    if (updated.modifiedCount === 0) throw new Conflict('ticket.changed_meanwhile');
    if (status === 'resolved' || status === 'closed') {
      await models.citizens.updateOne({ _id: ticket.citizenId, openTicketId: ticket._id }, { $set: { openTicketId: null } });
    } else {
      await models.citizens.updateOne({ _id: ticket.citizenId, openTicketId: null }, { $set: { openTicketId: ticket._id } });
    }
    await audit(actor, 'ticket.status.changed', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: ticket.status, to: status });
    if (status === 'resolved' && deps.onResolved) {
      const resolved = await models.tickets.findById(ticket._id);
      if (resolved) await deps.onResolved(resolved).catch((err: unknown) => deps.log.warn({ err, ticketId: String(ticket._id) }, 'satisfaction question not queued'));
    }
    return { status };
  }

  return {
    isAtRisk,

    /** Tickets stored before the inbox order existed get it (once, at start). */
    /** Tickets rated before `satisfiedAt` existed get it (statistics read a period from its index). */
    async backfillSatisfiedAt(): Promise<number> {
      // Once per store: a marker among the counters says it was done (the query reads every ticket).
      const done = 'migration:satisfiedAt';
      if (await models.counters.exists({ _id: done })) return 0;
      const rated = await models.tickets.find({ satisfaction: { $ne: null }, satisfiedAt: null }, { satisfaction: 1 }).lean();
      for (const t of rated) await models.tickets.updateOne({ _id: t._id }, { $set: { satisfiedAt: t.satisfaction!.at } });
      await models.counters.updateOne({ _id: done }, { $setOnInsert: { seq: 1 } }, { upsert: true });
      return rated.length;
    },

    async backfillInboxOrder(): Promise<number> {
      const missing = await models.tickets.find({ inboxOrder: null }, { sla: 1 }).lean();
      for (const t of missing) await models.tickets.collection.updateOne({ _id: t._id }, { $set: { inboxOrder: inboxOrderOf(t.sla) } });
      return missing.length;
    },

    async inbox(principal: Principal, query: InboxQuery) {
      const filter: Record<string, unknown> = {};
      const { me, handled, names } = await agentsAround(principal.agentId);
      if (!me) throw new NotFound('agent.not_found');
      if (query.scope === 'all') {
        if (principal.role === 'agent') throw new Forbidden('ticket.scope_all_managers');
      } else if (query.scope === 'unassigned') {
        // Waiting for someone: the agent's team's (with team visibility), every one for managers.
        if (principal.role === 'agent' && !deps.settings.teamVisibility) throw new Forbidden('ticket.team_visibility_off');
        filter.assigneeId = null;
        if (principal.role === 'agent') filter.teamId = me.teamId ?? null;
      } else if (query.scope === 'team') {
        if (principal.role === 'agent' && !deps.settings.teamVisibility) throw new Forbidden('ticket.team_visibility_off');
        filter.teamId = me.teamId ?? null;
      } else {
        filter.assigneeId = { $in: handled };
      }
      if (query.status?.length) filter.status = { $in: query.status };
      if (query.channel) filter.channels = query.channel;
      if (query.category) filter.category = query.category;
      if (query.atRisk) {
        filter.status = { $in: (query.status?.length ? query.status : OPEN_STATUSES).filter((s) => s !== 'pending') };
        filter['sla.warnAt'] = { $lte: now() };
        filter['sla.pausedAt'] = null;
      }
      if (query.q?.trim()) {
        const pattern = new RegExp(escapeRegex(query.q.trim().slice(0, 100)), 'i');
        const citizens = await models.citizens.find({ name: pattern }, { _id: 1 }).limit(500).lean();
        filter.$or = [{ subject: pattern }, { reference: pattern }, { citizenId: { $in: citizens.map((c) => c._id) } }];
      }
      // The answer due first comes first; tickets awaiting nothing after them.
      if (query.cursor) {
        const { due, id } = decodeCursor(query.cursor);
        const after = [{ inboxOrder: { $gt: due } }, { inboxOrder: due, _id: { $gt: id } }];
        filter.$and = [...((filter.$and as unknown[]) ?? []), { $or: after }];
      }
      const tickets = await models.tickets.find(filter).sort({ inboxOrder: 1, _id: 1 }).limit(query.limit + 1);
      const page = tickets.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: await summaries(page, names),
        nextCursor: tickets.length > query.limit && last ? encodeCursor(last.inboxOrder ?? null, last._id) : null,
      };
    },

    async detail(principal: Principal, ticketId: string, page: { before?: string; limit: number }) {
      const { ticket, around } = await readVisible(principal, ticketId);
      const filter: Record<string, unknown> = { ticketId: ticket._id };
      if (page.before) {
        if (!Types.ObjectId.isValid(page.before)) throw new Invalid('ticket.before_invalid');
        filter._id = { $lt: new Types.ObjectId(page.before) };
      }
      const [newestFirst, citizen, past] = await Promise.all([
        models.messages.find(filter).sort({ _id: -1 }).limit(page.limit + 1).lean(),
        models.citizens.findById(ticket.citizenId).lean(),
        models.tickets.find({ citizenId: ticket.citizenId, _id: { $ne: ticket._id } }, { reference: 1, status: 1, subject: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(50).lean(),
      ]);
      // A citizen's chat sessions are their chat identities (they move together in a merge): none to read for the others.
      const sessions = citizen?.identities.some((i) => i.kind === 'chat')
        ? await models.chatSessions.find({ citizenId: ticket.citizenId, $or: [{ claimedEmail: { $ne: null } }, { claimedPhone: { $ne: null } }] }, { claimedEmail: 1, claimedPhone: 1 }).limit(20).lean()
        : [];
      const messages = newestFirst.slice(0, page.limit).reverse();
      // Authors and the recurring agent are usually among the agents already read.
      const names = around.names;
      const missing = [...new Set([...messages.map((m) => m.authorId), citizen?.recurringAgentId].filter(Boolean).map(String))].filter((id) => !names.has(id));
      if (missing.length) for (const a of await models.agents.find({ _id: { $in: missing } }, { name: 1 }).lean()) names.set(String(a._id), a.name);
      const recurring = citizen?.recurringAgentId && names.has(String(citizen.recurringAgentId)) ? { _id: citizen.recurringAgentId, name: names.get(String(citizen.recurringAgentId))! } : null;
      // What a chat citizen typed: shown to agents as unverified, never a key to anyone's records.
      const known = new Set(citizen?.identities.map((i) => `${i.kind}:${i.value}`));
      const claims = [
        ...new Map(
          sessions
            .flatMap((s) => [s.claimedEmail ? { kind: 'email', value: s.claimedEmail } : null, s.claimedPhone ? { kind: 'phone', value: s.claimedPhone } : null])
            .filter((c): c is { kind: string; value: string } => !!c)
            .map((c) => [`${c.kind}:${c.value}`, { ...c, verified: known.has(`${c.kind}:${c.value}`) }]),
        ).values(),
      ];
      // The handler opening the thread has read it.
      if (ticket.unreadCount > 0 && around.handled.some((id) => String(id) === String(ticket.assigneeId))) {
        await models.tickets.updateOne({ _id: ticket._id }, { $set: { unreadCount: 0 } });
      }
      const [summary] = await summaries([ticket], names, new Map([[String(ticket.citizenId), citizen?.name ?? null]]));
      return {
        ...summary!,
        previousTicketId: ticket.previousTicketId ? String(ticket.previousTicketId) : null,
        documents: checklistView(ticket),
        satisfaction: ticket.satisfaction ? { score: ticket.satisfaction.score, comment: ticket.satisfaction.comment ?? null, at: ticket.satisfaction.at.toISOString(), channel: ticket.satisfaction.channel } : null,
        citizen: {
          id: String(ticket.citizenId),
          name: citizen?.name ?? null,
          identities: citizen?.identities.map((i) => ({ kind: i.kind, value: i.value })) ?? [],
          unreachable: citizen?.unreachable ?? null,
          recurringAgent: recurring ? { id: String(recurring._id), name: recurring.name } : null,
          claims,
          tickets: past.map((t) => ({ id: String(t._id), reference: t.reference, status: t.status, subject: t.subject, createdAt: t.createdAt!.toISOString() })),
        },
        messages: messages.map((m) => ({
          id: String(m._id),
          ticketId: String(m.ticketId),
          direction: m.direction,
          channel: m.channel,
          kind: m.kind,
          text: m.text,
          html: m.html ?? undefined,
          subject: m.subject ?? undefined,
          attachments: m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, ref: a.ref })),
          createdAt: (m.createdAt ?? m.receivedAt).toISOString(),
          status: m.status ?? undefined,
          statusReason: m.statusReason ?? undefined,
          author: m.authorId ? { id: String(m.authorId), name: names.get(String(m.authorId)) ?? '' } : undefined,
          from: m.direction === 'in' ? { address: m.fromAddress, name: m.fromName } : undefined,
          call: m.call ? { state: m.call.state, recordingUrl: m.call.recordingUrl, durationSeconds: m.call.durationSeconds } : undefined,
          callback: m.callback ? { slot: m.callback.slot, label: slotLabel(m.callback.slot), phone: m.callback.phone, state: m.callback.state } : undefined,
          dial: m.dial ? { state: m.dial.state, durationSeconds: m.dial.durationSeconds ?? null } : undefined,
        })),
        hasEarlier: newestFirst.length > page.limit,
      };
    },

    /**
     * Where a reply can go, per channel: the address the citizen last wrote from on this ticket, else
     * on any of their requests (read only when they have several addresses of that kind), else their one
     * address of that kind. `optedOut`: the numbers that sent STOP, from the same read.
     */
    async replyChannels(ticket: TicketDoc): Promise<Map<InboundChannel, string> & { optedOut: Set<string> }> {
      const identities = await models.identities.find({ citizenId: ticket.citizenId }).lean();
      let lastIn: Promise<{ channel: string; fromAddress?: string | null }[]> | undefined;
      const recentIn = () => (lastIn ??= models.messages.find({ citizenId: ticket.citizenId, direction: 'in' }, { channel: 1, fromAddress: 1 }).sort({ _id: -1 }).limit(20).lean().exec());
      const result = Object.assign(new Map<InboundChannel, string>(), { optedOut: new Set(identities.filter((i) => i.smsOptOutAt).map((i) => i.value)) });
      const prefer = async (channel: 'sms' | 'email' | 'chat', kinds: string[]) => {
        if (!outbox.adapterFor(channel)) return;
        const ofKind = identities.filter((i) => i.kind === (channel === 'sms' ? 'phone' : channel));
        const onTicket = ticket.lastFrom?.[channel];
        const recent = onTicket ? null : ofKind.length > 1 ? (await recentIn()).find((m) => kinds.includes(m.channel) && m.fromAddress) : null;
        const address = onTicket ?? recent?.fromAddress ?? ofKind.find((i) => channel !== 'sms' || !i.smsOptOutAt)?.value;
        if (address) result.set(channel, address);
      };
      await prefer('sms', ['sms', 'voice']);
      await prefer('email', ['email']);
      await prefer('chat', ['chat']);
      return result;
    },

    /** A file an agent attaches to a coming reply: kept with the ticket, sent with the reply that names it. */
    async addAttachment(principal: Principal, ticketId: string, file: { filename: string; contentType: string; content: Buffer }) {
      const ticket = await loadVisible(principal, ticketId);
      if (!file.content.length) throw new Invalid('attachment.empty');
      const stored = await models.attachments.create({
        ticketId: ticket._id,
        uploadedBy: new Types.ObjectId(principal.agentId),
        filename: withoutBidi(file.filename).replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'piece-jointe',
        contentType: file.contentType,
        size: file.content.length,
        content: file.content,
      });
      return { id: String(stored._id), ref: attachmentRef(stored._id), filename: stored.filename!, contentType: stored.contentType!, size: stored.size! };
    },

    /** A file of the ticket (a citizen's or an agent's), for those who may see the ticket. */
    async attachment(principal: Principal, ticketId: string, attachmentId: string) {
      const ticket = await loadVisible(principal, ticketId);
      // Not lean: the hydrated document gives the bytes as a Buffer.
      const file = Types.ObjectId.isValid(attachmentId) ? await models.attachments.findById(attachmentId) : null;
      if (!file || !file.content || String(file.ticketId) !== String(ticket._id)) throw new NotFound('attachment.not_found');
      return { filename: file.filename ?? 'piece-jointe', contentType: file.contentType ?? 'application/octet-stream', content: file.content };
    },

    async reply(principal: Principal, ticketId: string, input: { text?: string; channel?: InboundChannel; cannedAnswerId?: string; attachments?: string[] }) {
      const ticket = await loadVisible(principal, ticketId);
      if (ticket.status === 'closed') throw new Conflict('ticket.closed');
      const attachments = await filesOf(ticket, input.attachments);
      let text = input.text?.trim() ?? '';
      // A canned answer: its text unless the agent's edited copy comes with it, and its pieces to provide.
      if (input.cannedAnswerId) {
        const rendered = await this.renderCannedFor(principal, input.cannedAnswerId, ticket);
        if (!text) text = rendered;
      }
      if (!text) throw new Invalid('reply.empty');
      const channels = await this.replyChannels(ticket);
      // A portal message is answered on the portal itself and on the citizen's usual channel.
      const last = ticket.lastInboundChannel === 'voice' ? 'sms' : ticket.lastInboundChannel;
      const defaultChannel = (last === 'portal' ? ([...channels.keys()][0] ?? 'portal') : last) as InboundChannel;
      const channel = input.channel ?? defaultChannel;
      const to = channels.get(channel === 'voice' ? 'sms' : channel);
      if (!to) {
        const available = [...channels.keys()];
        throw available.length ? new Invalid('reply.channel_unavailable_use', { channel, available: available.join(' / ') }) : new Invalid('reply.channel_unavailable', { channel });
      }
      const pieces = input.cannedAnswerId ? ((await models.cannedAnswers.findById(input.cannedAnswerId, { documents: 1 }).lean())?.documents ?? []) : [];
      // The ticket is dated by the write below.
      const message = await outbox.queue({
        ticketId: ticket._id, ticket, ticketDatedByCaller: true, smsOptedOut: channels.optedOut.has(to), channel, to, text, authorId: principal.agentId, kind: 'message',
        subject: ticket.subject ? `Re: ${ticket.subject}` : undefined, attachments,
      });
      if (pieces.length) await deps.documents.addToChecklist(ticket._id, pieces);
      // Answered: nothing is due until the citizen writes again, nothing is unread; the first answer is
      // dated once; a new request becomes open. One compare-and-set on what was read, or read again.
      const at = now();
      const changes: Record<string, unknown> = {};
      let fresh: TicketDoc | null = null;
      for (let state: TicketDoc | null = ticket, attempt = 0; state && !fresh && attempt < 8; attempt++) {
        const set: Record<string, unknown> = { sla: null, nextResponseDueAt: null, unreadCount: 0 };
        if (!state.firstRespondedAt) set.firstRespondedAt = at;
        if (state.status === 'new') Object.assign(set, { status: 'open', resolvedAt: null });
        fresh = await models.tickets.findOneAndUpdate(
          { _id: state._id, status: state.status, firstRespondedAt: state.firstRespondedAt ?? null },
          { $set: set, $max: { lastMessageAt: message.receivedAt } },
          { returnDocument: 'after' },
        );
        if (fresh) {
          if (set.firstRespondedAt) changes.firstRespondedAt = at.toISOString();
          if (set.status) {
            changes.status = 'open';
            await audit({ kind: 'agent', id: principal.agentId }, 'ticket.status.changed', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: 'new', to: 'open' });
          }
        } else state = await models.tickets.findById(ticket._id);
      }
      if (fresh && Object.keys(changes).length) events.emit('ticket.updated', { ...(await eventData(fresh)), changes });
      return message;
    },

    /** A ticket as a back-office system sees it: its state, not the conversation. */
    async systemView(reference: string) {
      const ticket = await models.tickets.findOne({ reference }).lean();
      if (!ticket) throw new NotFound('ticket.not_found');
      const [assignee, updates] = await Promise.all([
        ticket.assigneeId ? models.agents.findById(ticket.assigneeId, { name: 1 }).lean() : null,
        models.messages.find({ ticketId: ticket._id, kind: 'status_update' }).sort({ _id: 1 }).limit(200).lean(),
      ]);
      return {
        // Never the citizen's words (a subject is the first line of an SMS, or an email's own Subject).
        reference: ticket.reference, status: ticket.status, category: ticket.category ?? null, channel: ticket.channel,
        openedAt: (ticket.openedAt ?? ticket.createdAt!).toISOString(), lastMessageAt: ticket.lastMessageAt.toISOString(),
        assignee: assignee ? { name: assignee.name } : null,
        documents: checklistView(ticket),
        satisfaction: ticket.satisfaction?.score ?? null,
        updates: updates.map((m) => ({ id: String(m._id), text: m.text, createdAt: (m.createdAt ?? m.receivedAt).toISOString(), channel: m.channel })),
      };
    },

    /**
     * A back-office system's status update ("Votre passeport est disponible en mairie"): sent to the
     * citizen on their channel and shown on the portal; `close` resolves the request.
     */
    async systemUpdate(system: { keyId: string; name: string }, reference: string, input: { text: string; close?: boolean; attachments?: string[] }) {
      const ticket = await models.tickets.findOne({ reference });
      if (!ticket) throw new NotFound('ticket.not_found');
      if (ticket.status === 'closed') throw new Conflict('ticket.closed');
      const attachments = await filesOf(ticket, input.attachments);
      const channels = await this.replyChannels(ticket);
      const last = (ticket.lastInboundChannel === 'voice' ? 'sms' : ticket.lastInboundChannel) as InboundChannel;
      // Files go by email; otherwise the citizen's usual channel; with none, the portal alone shows it.
      const channel = (attachments.length && channels.has('email') ? 'email' : channels.has(last) ? last : [...channels.keys()][0]) as InboundChannel | undefined;
      let messageId: Types.ObjectId;
      if (channel && (!attachments.length || channel === 'email')) {
        const queued = await outbox.queue({ ticketId: ticket._id, channel, to: channels.get(channel)!, text: input.text, kind: 'status_update', subject: t('integration.update_subject', { reference: ticket.reference }), attachments });
        messageId = queued._id;
      } else {
        messageId = new Types.ObjectId();
        await models.messages.create({ _id: messageId, ticketId: ticket._id, citizenId: ticket.citizenId, direction: 'out', channel: 'portal', kind: 'status_update', externalId: `update:${String(messageId)}`, text: input.text, attachments, receivedAt: now() });
        events.emit('message.created', { ...(await eventData(ticket)), messageId: String(messageId), direction: 'out', channel: 'portal', preview: input.text.slice(0, 140) });
      }
      await models.messages.updateOne({ _id: messageId }, { $set: { fromName: system.name } });
      await audit({ kind: 'system' }, 'ticket.system_update', { ticketId: ticket._id, citizenId: ticket.citizenId }, { apiKeyId: system.keyId, system: system.name, close: !!input.close });
      const changes = input.close ? await setStatus({ kind: 'system' }, ticket, 'resolved') : {};
      const fresh = (await models.tickets.findById(ticket._id))!;
      events.emit('ticket.updated', { ...(await eventData(fresh)), changes: { ...changes, lastUpdate: input.text.slice(0, 140) } });
      return { id: String(messageId), status: fresh.status, channel: channel && (!attachments.length || channel === 'email') ? channel : 'portal' };
    },

    /** "Pièces à fournir": the pieces join the checklist the portal shows, and the citizen is told which, with their link. */
    async requestDocuments(principal: Principal, ticketId: string, labels: string[], channel?: InboundChannel) {
      const ticket = await loadVisible(principal, ticketId);
      if (ticket.status === 'closed') throw new Conflict('ticket.closed');
      const added = await deps.documents.addToChecklist(ticket._id, labels);
      await audit({ kind: 'agent', id: principal.agentId }, 'ticket.documents.requested', { ticketId: ticket._id, citizenId: ticket.citizenId }, { items: added.map((d) => d.label) });
      if (added.length) {
        const text = t('document.request_text', { reference: ticket.reference, list: added.map((d) => d.label).join(', '), link: deps.portal.redactedLink() });
        await this.reply(principal, ticketId, { text, channel });
      }
      const fresh = (await models.tickets.findById(ticket._id, { documents: 1 }).lean())!;
      events.emit('ticket.updated', { ...(await eventData(ticket)), changes: { documents: checklistView(fresh) } });
      return { documents: checklistView(fresh) };
    },

    async note(principal: Principal, ticketId: string, text: string) {
      const ticket = await loadVisible(principal, ticketId);
      const id = new Types.ObjectId();
      const at = now();
      const note = await models.messages.create({
        _id: id,
        ticketId: ticket._id,
        citizenId: ticket.citizenId,
        direction: 'note',
        channel: ticket.lastInboundChannel,
        externalId: `note:${String(id)}`,
        text: text.trim(),
        authorId: new Types.ObjectId(principal.agentId),
        receivedAt: at,
      });
      events.emit('message.created', { ...(await eventData(ticket)), messageId: String(id), direction: 'note', channel: ticket.lastInboundChannel, preview: note.text.slice(0, 140) });
      return note;
    },

    async update(principal: Principal, ticketId: string, change: { status?: TicketStatus; category?: string | null; priority?: 'low' | 'normal' | 'high' | 'urgent' }) {
      const ticket = await loadVisible(principal, ticketId);
      const actor: Actor = { kind: 'agent', id: principal.agentId };
      const changes: Record<string, unknown> = {};
      if (change.status) Object.assign(changes, await setStatus(actor, ticket, change.status));
      const set: Record<string, unknown> = {};
      if (change.category !== undefined && change.category !== ticket.category) set.category = change.category;
      if (change.priority !== undefined && change.priority !== ticket.priority) set.priority = change.priority;
      if (Object.keys(set).length) {
        await models.tickets.updateOne({ _id: ticket._id }, { $set: set });
        await audit(actor, 'ticket.updated', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: { category: ticket.category, priority: ticket.priority }, to: set });
        Object.assign(changes, set);
      }
      const fresh = (await models.tickets.findById(ticket._id))!;
      if (Object.keys(changes).length) events.emit('ticket.updated', { ...(await eventData(fresh)), changes });
      const [summary] = await summaries([fresh]);
      return summary!;
    },

    /** A manager gives one ticket to another agent; the citizen's recurring agent is unchanged. */
    async assign(actor: Actor & { kind: 'agent' }, ticketId: string, agentId: string, reason?: string) {
      const ticket = await models.tickets.findById(idOf(ticketId));
      if (!ticket) throw new NotFound('ticket.not_found');
      const agent = Types.ObjectId.isValid(agentId) ? await models.agents.findOne({ _id: agentId, active: true }).lean() : null;
      if (!agent) throw new NotFound('agent.not_found');
      const from = ticket.assigneeId ? String(ticket.assigneeId) : null;
      if (from === agentId) return (await summaries([ticket]))[0]!;
      await models.tickets.updateOne({ _id: ticket._id }, { $set: { assigneeId: agent._id, teamId: agent.teamId ?? ticket.teamId } });
      await audit(actor, 'ticket.assigned', { ticketId: ticket._id, citizenId: ticket.citizenId, agentId: agent._id }, { from, to: agentId, reason: reason ?? null });
      const fresh = (await models.tickets.findById(ticket._id))!;
      events.emit('ticket.assigned', { ...(await eventData(fresh)), fromAgentId: from, toAgentId: agentId, reason });
      return (await summaries([fresh]))[0]!;
    },

    async renderCannedFor(principal: Principal, cannedAnswerId: string, ticket: TicketDoc): Promise<string> {
      const answer = Types.ObjectId.isValid(cannedAnswerId) ? await models.cannedAnswers.findById(cannedAnswerId).lean() : null;
      const me = await models.agents.findById(principal.agentId).lean();
      const othersPersonal = answer?.ownerId && String(answer.ownerId) !== principal.agentId;
      if (!answer || othersPersonal || (answer.teamId && principal.role === 'agent' && String(answer.teamId) !== String(me?.teamId))) throw new NotFound('canned.not_found');
      const citizen = await models.citizens.findById(ticket.citizenId, { name: 1 }).lean();
      return renderCanned(answer.body, {
        'citizen.firstName': citizen?.name?.split(/\s+/)[0] ?? null,
        'citizen.name': citizen?.name ?? null,
        'ticket.reference': ticket.reference,
        'agent.firstName': me?.name.split(/\s+/)[0] ?? null,
        'agent.name': me?.name ?? null,
        // The link itself is made when the reply is sent (outbox), never on reading a template.
        'portal.link': deps.portal.redactedLink(),
      });
    },

    loadVisible,

    /** What happened to the ticket, oldest first: assignments (who, to whom, why), status changes, SLA events. */
    async history(principal: Principal, ticketId: string) {
      const ticket = await loadVisible(principal, ticketId);
      const events = await models.auditEvents.find({ ticketId: ticket._id }).sort({ at: 1 }).limit(500).lean();
      const actorIds = [...new Set(events.flatMap((e) => [e.actor?.kind === 'agent' ? e.actor.id : null, (e.data as { to?: unknown })?.to, (e.data as { from?: unknown })?.from]).filter((id): id is string => typeof id === 'string' && Types.ObjectId.isValid(id)))];
      const names = new Map((await models.agents.find({ _id: { $in: actorIds } }, { name: 1 }).lean()).map((a) => [String(a._id), a.name]));
      const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? null) : null);
      return events.map((e) => {
        const data = (e.data ?? {}) as Record<string, unknown>;
        return {
          at: e.at.toISOString(),
          action: e.action,
          actor: e.actor?.kind === 'agent' ? { kind: 'agent', name: nameOf(e.actor.id) } : { kind: e.actor?.kind ?? 'system', name: null },
          from: typeof data.from === 'string' ? (nameOf(data.from) ?? data.from) : null,
          to: typeof data.to === 'string' ? (nameOf(data.to) ?? data.to) : null,
          reason: typeof data.reason === 'string' ? data.reason : null,
        };
      });
    },

    /** Automation: a status change made by the system itself, audited and pushed like any other. */
    async setStatusAsSystem(ticketId: string, status: TicketStatus, reason: string) {
      const ticket = await models.tickets.findById(idOf(ticketId));
      if (!ticket) throw new NotFound('ticket.not_found');
      const changes = await setStatus({ kind: 'system' }, ticket, status);
      if (Object.keys(changes).length) {
        const fresh = (await models.tickets.findById(ticket._id))!;
        events.emit('ticket.updated', { ...(await eventData(fresh)), changes: { ...changes, reason } });
      }
    },

    /** Automation: a message to the citizen on their usual channel, once per idempotency key. */
    async sendAutomatic(ticketId: string, text: string, kind: 'reminder' | 'closing', externalId: string) {
      const ticket = await models.tickets.findById(idOf(ticketId));
      if (!ticket) throw new NotFound('ticket.not_found');
      const channels = await this.replyChannels(ticket);
      const last = (ticket.lastInboundChannel === 'voice' ? 'sms' : ticket.lastInboundChannel) as InboundChannel;
      const channel = channels.has(last) ? last : [...channels.keys()][0];
      if (!channel) return null;
      return outbox.queue({ ticketId: ticket._id, channel, to: channels.get(channel)!, text, kind, externalId, subject: ticket.subject ? `Re: ${ticket.subject}` : undefined });
    },
  };
}
export type TicketService = ReturnType<typeof createTicketService>;
