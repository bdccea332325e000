// Agents' accounts by name: one read by id or login email, the list, the open-ticket load per agent,
// the names behind ids, and the writes of an account (its fields, its password, its sessions' version).
import { Types } from 'mongoose';
import { OPEN_STATUSES } from '../../domain/ticket.js';
import type { Models } from '../index.js';
import type { AgentRole } from '../models/agent.js';

type Id = Types.ObjectId | string;
/** A written id that is not an ObjectId finds nothing (never a cast error). */
const valid = (id: Id | null | undefined): id is Id => !!id && Types.ObjectId.isValid(id);

export function agentsStore(models: Models) {
  const { agents } = models;
  return {
    byId: (id: Id | null | undefined) => (valid(id) ? agents.findById(id).lean() : Promise.resolve(null)),
    activeById: (id: Id | null | undefined) => (valid(id) ? agents.findOne({ _id: id, active: true }).lean() : Promise.resolve(null)),
    activeByEmail: (email: string) => agents.findOne({ email, active: true }).lean(),
    byEmail: (email: string) => agents.findOne({ email }).lean(),
    isActive: async (id: Id | null | undefined) => valid(id) && !!(await agents.exists({ _id: id, active: true })),
    teamOf: async (id: Id) => (valid(id) ? ((await agents.findById(id, { teamId: 1 }).lean())?.teamId ?? null) : null),
    /** The agents among `ids` (the access rule reads them whole). */
    someOf: (ids: Id[]) => agents.find({ _id: { $in: ids.filter(valid) } }).lean(),
    /** Their names by id, for lists and histories. */
    async namesOf(ids: (Id | null | undefined)[]): Promise<Map<string, string>> {
      const wanted = [...new Set(ids.filter(valid).map(String))];
      const found = wanted.length ? await agents.find({ _id: { $in: wanted } }, { name: 1 }).lean() : [];
      return new Map(found.map((a) => [String(a._id), a.name]));
    },
    async allNames(): Promise<Map<string, string>> {
      return new Map((await agents.find({}, { name: 1 }).lean()).map((a) => [String(a._id), a.name]));
    },
    list: (includeInactive = false) => agents.find(includeInactive ? {} : { active: true }).sort({ name: 1 }).lean(),
    byEmails: (emails: string[]) => agents.find({ email: { $in: emails } }).lean(),
    /** What the agent directory keeps of every agent. */
    directory: <T>() => agents.find({}, { name: 1, teamId: 1, role: 1, availability: 1, coverAgentId: 1, active: 1 }).lean<T[]>(),
    /** No agent at all: a first start (the estimate first, as it costs nothing; checked when it says empty). */
    isEmpty: async () => (await agents.estimatedDocumentCount()) === 0 && (await agents.countDocuments()) === 0,
    /** Open tickets per assignee. */
    async openLoads(): Promise<Map<string, number>> {
      const loads = await models.tickets.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $match: { status: { $in: OPEN_STATUSES } } },
        { $group: { _id: '$assigneeId', n: { $sum: 1 } } },
      ]);
      return new Map(loads.map((l) => [String(l._id), l.n]));
    },
    /** Citizens whose usual agent each agent is (merged records aside). */
    async citizensPerAgent(): Promise<Map<string, number>> {
      const counts = await models.citizens.aggregate<{ _id: Types.ObjectId | null; n: number }>([{ $match: { recurringAgentId: { $ne: null }, mergedIntoId: null } }, { $group: { _id: '$recurringAgentId', n: { $sum: 1 } } }]);
      return new Map(counts.map((c) => [String(c._id), c.n]));
    },
    /** Active members per team. */
    async membersPerTeam(): Promise<Map<string, number>> {
      const counts = await agents.aggregate<{ _id: Types.ObjectId | null; n: number }>([{ $match: { active: true } }, { $group: { _id: '$teamId', n: { $sum: 1 } } }]);
      return new Map(counts.map((c) => [String(c._id), c.n]));
    },
    membersOf: (teamId: Id) => agents.countDocuments({ teamId, active: true }),
    create: (doc: { name: string; email: string; passwordHash: string; role: AgentRole; teamId: Types.ObjectId | null }) => agents.create(doc),
    /** Writes `set`; `endSessions` also bumps the session version (every token of the agent stops working). */
    update: (id: Id, set: Record<string, unknown>, endSessions = false) =>
      agents.findOneAndUpdate({ _id: id }, { $set: set, ...(endSessions ? { $inc: { sessionVersion: 1 } } : {}) }, { returnDocument: 'after' }).lean(),
    setPasswordHash: (id: Id, passwordHash: string, endSessions: boolean) =>
      agents.updateOne({ _id: id }, { $set: { passwordHash }, ...(endSessions ? { $inc: { sessionVersion: 1 } } : {}) }),
  };
}
export type AgentsStore = ReturnType<typeof agentsStore>;
