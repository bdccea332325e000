// Canned answers: per team or shared; managers and admins maintain them, agents use them.
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../domain/errors.js';
import { CANNED_VARIABLES, unknownVariables } from '../domain/templates.js';
import type { Models } from '../store/index.js';
import type { Actor, Audit } from './audit.js';
import type { Principal } from './tokens.js';

type CannedDoc = { _id: Types.ObjectId; title: string; body: string; teamId?: Types.ObjectId | null };
const view = (a: CannedDoc) => ({ id: String(a._id), title: a.title, body: a.body, teamId: a.teamId ? String(a.teamId) : null });

export function createCannedAnswerService(deps: { models: Models; audit: Audit }) {
  const { models, audit } = deps;
  const check = (body: string) => {
    const unknown = unknownVariables(body);
    if (unknown.length) throw new Invalid('template.unknown_variable', { unknown: unknown.map((v) => `{{${v}}}`).join(', '), known: CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ') });
  };
  return {
    async list(principal: Principal) {
      const me = await models.agents.findById(principal.agentId, { teamId: 1 }).lean();
      const filter = principal.role === 'agent' ? { teamId: { $in: [null, me?.teamId ?? null] } } : {};
      return (await models.cannedAnswers.find(filter).sort({ title: 1 }).lean()).map(view);
    },
    async create(actor: Actor, input: { title: string; body: string; teamId?: string | null }) {
      check(input.body);
      if (input.teamId && !(await models.teams.exists({ _id: input.teamId }))) throw new NotFound('team.not_found');
      const answer = await models.cannedAnswers.create({ title: input.title, body: input.body, teamId: input.teamId ?? null, createdBy: actor.kind === 'agent' ? actor.id : null });
      await audit(actor, 'canned_answer.created', {}, { id: String(answer._id), title: input.title });
      return view(answer);
    },
    async update(actor: Actor, id: string, input: { title?: string; body?: string; teamId?: string | null }) {
      if (input.body !== undefined) check(input.body);
      const answer = Types.ObjectId.isValid(id) ? await models.cannedAnswers.findByIdAndUpdate(id, { $set: input }, { returnDocument: 'after' }).lean() : null;
      if (!answer) throw new NotFound('canned.not_found');
      await audit(actor, 'canned_answer.updated', {}, { id, changes: input });
      return view(answer);
    },
    async remove(actor: Actor, id: string) {
      const removed = Types.ObjectId.isValid(id) ? await models.cannedAnswers.findByIdAndDelete(id).lean() : null;
      if (!removed) throw new NotFound('canned.not_found');
      await audit(actor, 'canned_answer.deleted', {}, { id, title: removed.title });
    },
  };
}
