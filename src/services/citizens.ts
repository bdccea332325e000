// Citizens: the identities that lead to them, their recurring agent, merging two records, and the RGPD
// rights of access (export) and erasure (anonymisation that keeps the statistics). Each action is audited.
import { oneLine } from '../domain/text.js';
import { Types } from 'mongoose';
import { Conflict, Invalid, NotFound } from '../domain/errors.js';
import { identityKey, normaliseIdentity, type IdentityKind } from '../domain/identity.js';
import { OPEN_STATUSES } from '../domain/ticket.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import type { EventBus } from './eventBus.js';
import type { Actor, Audit } from './audit.js';
import { eraseCitizen } from './erasure.js';

export function createCitizenService(deps: { models: Models; audit: Audit; events: EventBus; now: () => Date; rules: { defaultPhoneRegion: string } }) {
  const { models, audit, events, now } = deps;
  const load = async (id: string) => {
    const citizen = Types.ObjectId.isValid(id) ? await models.citizens.findById(id) : null;
    if (!citizen || citizen.mergedIntoId) throw new NotFound('citizen.not_found');
    return citizen;
  };
  const activeAgent = async (id: string) => {
    const agent = Types.ObjectId.isValid(id) ? await models.agents.findOne({ _id: id, active: true }).lean() : null;
    if (!agent) throw new NotFound('agent.not_found');
    return agent;
  };
  return {
    async get(id: string) {
      const citizen = await load(id);
      const [recurring, tickets] = await Promise.all([
        citizen.recurringAgentId ? models.agents.findById(citizen.recurringAgentId, { name: 1 }).lean() : null,
        models.tickets.find({ citizenId: citizen._id }).sort({ createdAt: -1 }).limit(200).lean(),
      ]);
      return {
        id: String(citizen._id),
        name: citizen.name ?? null,
        identities: citizen.identities.map((i) => ({ kind: i.kind, value: i.value })),
        unreachable: citizen.unreachable ?? null,
        recurringAgent: recurring ? { id: String(recurring._id), name: recurring.name } : null,
        teamId: citizen.teamId ? String(citizen.teamId) : null,
        anonymisedAt: citizen.anonymisedAt ? citizen.anonymisedAt.toISOString() : null,
        tickets: tickets.map((t) => ({ id: String(t._id), reference: t.reference, status: t.status, subject: t.subject, createdAt: t.createdAt!.toISOString() })),
      };
    },

    /** The name agents know the citizen by (a chat citizen often gives none). */
    async rename(actor: Actor, citizenId: string, name: string | null) {
      const citizen = await load(citizenId);
      const clean = oneLine(name?.replace(/\s+/g, ' '), 120) ?? null;
      await models.citizens.updateOne({ _id: citizen._id }, { $set: { name: clean } });
      await audit(actor, 'citizen.renamed', { citizenId: citizen._id }, { from: citizen.name ?? null, to: clean });
      return this.get(citizenId);
    },

    /** Changes the citizen's usual interlocutor: their open tickets follow, and so will new ones. */
    async setRecurringAgent(actor: Actor, citizenId: string, agentId: string, reason?: string) {
      const citizen = await load(citizenId);
      const agent = await activeAgent(agentId);
      const from = citizen.recurringAgentId ? String(citizen.recurringAgentId) : null;
      await models.citizens.updateOne({ _id: citizen._id }, { $set: { recurringAgentId: agent._id, teamId: agent.teamId ?? citizen.teamId } });
      const open = await models.tickets.find({ citizenId: citizen._id, status: { $in: OPEN_STATUSES } });
      for (const ticket of open) {
        const previous = ticket.assigneeId ? String(ticket.assigneeId) : null;
        await models.tickets.updateOne({ _id: ticket._id }, { $set: { assigneeId: agent._id, teamId: agent.teamId ?? ticket.teamId } });
        events.emit('ticket.assigned', {
          ticketId: String(ticket._id), reference: ticket.reference, citizenId: String(citizen._id), teamId: agent.teamId ? String(agent.teamId) : null,
          assigneeId: agentId, agentIds: [agentId], status: ticket.status, fromAgentId: previous, toAgentId: agentId, reason,
        });
      }
      await audit(actor, 'citizen.recurring_agent.changed', { citizenId: citizen._id, agentId: agent._id }, { from, to: agentId, reason: reason ?? null, ticketsMoved: open.map((t) => String(t._id)) });
      return this.get(citizenId);
    },

    /** A leaving agent: every citizen of theirs goes to another agent at once, each change audited. */
    async handOver(actor: Actor, fromAgentId: string, toAgentId: string, reason?: string): Promise<{ citizens: number }> {
      if (fromAgentId === toAgentId) throw new Invalid('agent.handover_same');
      await activeAgent(toAgentId);
      if (!Types.ObjectId.isValid(fromAgentId)) throw new NotFound('agent.not_found');
      const citizens = await models.citizens.find({ recurringAgentId: fromAgentId, mergedIntoId: null }, { _id: 1 }).lean();
      for (const citizen of citizens) await this.setRecurringAgent(actor, String(citizen._id), toAgentId, reason ?? 'hand-over');
      // Tickets a manager had given them directly follow too.
      const direct = await models.tickets.find({ assigneeId: fromAgentId, status: { $in: OPEN_STATUSES } }, { _id: 1 }).lean();
      await models.tickets.updateMany({ _id: { $in: direct.map((t) => t._id) } }, { $set: { assigneeId: new Types.ObjectId(toAgentId) } });
      await audit(actor, 'agent.handed_over', { agentId: fromAgentId }, { to: toAgentId, citizens: citizens.map((c) => String(c._id)), reason: reason ?? null });
      return { citizens: citizens.length };
    },

    /** Two records of one person: `otherId`'s identities, tickets and messages move to `keepId`. */
    async merge(actor: Actor, keepId: string, otherId: string) {
      if (keepId === otherId) throw new Invalid('citizen.merge_self');
      const [keep, other] = await Promise.all([load(keepId), load(otherId)]);
      const moved = {
        identities: (await models.identities.find({ citizenId: other._id }, { _id: 1 }).lean()).map((i) => i._id),
        tickets: (await models.tickets.find({ citizenId: other._id }, { _id: 1 }).lean()).map((t) => String(t._id)),
        chatSessions: (await models.chatSessions.find({ citizenId: other._id }, { _id: 1 }).lean()).map((c) => String(c._id)),
      };
      await models.identities.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
      await models.tickets.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
      await models.messages.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
      await models.chatSessions.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
      for (const identity of other.identities) await models.citizens.updateOne({ _id: keep._id }, { $addToSet: { identities: { kind: identity.kind, value: identity.value } } });
      const keepSet: Record<string, unknown> = {};
      if (!keep.name && other.name) keepSet.name = other.name;
      if (!keep.openTicketId && other.openTicketId) keepSet.openTicketId = other.openTicketId;
      if (!keep.recurringAgentId && other.recurringAgentId) keepSet.recurringAgentId = other.recurringAgentId;
      if (Object.keys(keepSet).length) await models.citizens.updateOne({ _id: keep._id }, { $set: keepSet });
      await models.citizens.updateOne({ _id: other._id }, { $set: { mergedIntoId: keep._id, identities: [], openTicketId: null } });
      // The audit record holds what is needed to undo it.
      await audit(actor, 'citizen.merged', { citizenId: keep._id }, {
        mergedCitizenId: String(other._id),
        mergedSnapshot: { name: other.name, identities: other.identities.map((i) => ({ kind: i.kind, value: i.value })), recurringAgentId: other.recurringAgentId ? String(other.recurringAgentId) : null },
        moved,
      });
      return this.get(keepId);
    },

    /** RGPD right of access: everything held about the citizen, as JSON. */
    async exportAll(actor: Actor, citizenId: string) {
      const citizen = await load(citizenId);
      const [identities, tickets, messages, chatSessions, auditEvents] = await Promise.all([
        models.identities.find({ citizenId: citizen._id }).lean(),
        models.tickets.find({ citizenId: citizen._id }).lean(),
        models.messages.find({ citizenId: citizen._id }).sort({ _id: 1 }).lean(),
        models.chatSessions.find({ citizenId: citizen._id }, { tokenHash: 0 }).lean(),
        models.auditEvents.find({ citizenId: citizen._id }).sort({ at: 1 }).lean(),
      ]);
      await audit(actor, 'citizen.exported', { citizenId: citizen._id });
      return { exportedAt: now().toISOString(), citizen: citizen.toObject(), identities, tickets, messages, chatSessions, auditEvents };
    },

    /** RGPD erasure (src/services/erasure.ts): personal data removed everywhere, records and dates kept for the statistics. */
    async anonymise(actor: Actor, citizenId: string) {
      return eraseCitizen({ models, audit, events, now }, actor, await load(citizenId));
    },

    /** STOP / ARRET and START on SMS: no SMS goes to an opted-out number until it opts in again. */
    async setSmsConsent(phone: string, keyword: 'stop' | 'start'): Promise<{ known: boolean }> {
      const identity = normaliseIdentity('phone', phone, deps.rules.defaultPhoneRegion);
      const record = await models.identities.findOneAndUpdate(
        { _id: identityKey(identity) },
        { $set: { smsOptOutAt: keyword === 'stop' ? new Date() : null } },
        { returnDocument: 'after' },
      );
      await audit({ kind: 'citizen', id: identity.value }, keyword === 'stop' ? 'citizen.sms.opted_out' : 'citizen.sms.opted_in', { citizenId: record?.citizenId ?? null }, { phone: identity.value });
      return { known: !!record };
    },

    /** Links a phone, email or chat session to a citizen; refused when it already leads to another one. */
    async addIdentity(actor: Actor, citizenId: string, kind: IdentityKind, raw: string) {
      const identity = normaliseIdentity(kind, raw, deps.rules.defaultPhoneRegion);
      const citizen = Types.ObjectId.isValid(citizenId) ? await models.citizens.findById(citizenId) : null;
      if (!citizen) throw new NotFound('citizen.not_found');
      const key = identityKey(identity);
      try {
        await models.identities.create({ _id: key, ...identity, citizenId: citizen._id });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const owner = await models.identities.findById(key).lean();
        if (String(owner?.citizenId) !== String(citizen._id)) throw new Conflict('citizen.identity_taken', { kind });
      }
      await models.citizens.updateOne({ _id: citizen._id }, { $addToSet: { identities: identity } });
      await audit(actor, 'citizen.identity.added', { citizenId: citizen._id }, { identity });
      return identity;
    },
  };
}
export type CitizenService = ReturnType<typeof createCitizenService>;
