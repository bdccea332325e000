// Canned answers: per team or shared; managers and admins maintain them, agents use them.
import { Types } from 'mongoose';
import { Forbidden, Invalid, NotFound } from '../domain/errors.js';
import { CANNED_VARIABLES, unknownVariables } from '../domain/templates.js';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { cannedAnswersStore } from '../store/repositories/cannedAnswers.js';
import { teamsStore } from '../store/repositories/teams.js';
import type { Actor, Audit } from './audit.js';
import type { Principal } from './tokens.js';

type CannedDoc = { _id: Types.ObjectId; title: string; body: string; teamId?: Types.ObjectId | null; ownerId?: Types.ObjectId | null; documents?: string[] | null };
const view = (a: CannedDoc) => ({ id: String(a._id), title: a.title, body: a.body, teamId: a.teamId ? String(a.teamId) : null, personal: !!a.ownerId, documents: a.documents ?? [] });

export function createCannedAnswerService(deps: { models: Models; audit: Audit }) {
  const { audit } = deps;
  const answers = cannedAnswersStore(deps.models);
  const teams = teamsStore(deps.models);
  const agents = agentsStore(deps.models);
  const check = (body: string) => {
    const unknown = unknownVariables(body);
    if (unknown.length) throw new Invalid('template.unknown_variable', { unknown: unknown.map((v) => `{{${v}}}`).join(', '), known: CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ') });
  };
  /** Its owner changes a personal answer; managers change shared ones; nobody sees another's personal one. */
  const editable = async (principal: Principal, id: string) => {
    const answer = await answers.byId(id);
    if (!answer || (answer.ownerId && String(answer.ownerId) !== principal.agentId)) throw new NotFound('canned.not_found');
    if (!answer.ownerId && principal.role === 'agent') throw new Forbidden('canned.shared_managers_only');
  };
  return {
    /** The service's, the agent's team's (all teams' for managers), and the agent's own. */
    async list(principal: Principal) {
      const teamsSeen = principal.role === 'agent' ? [null, await agents.teamOf(principal.agentId)] : undefined;
      return (await answers.usableBy(principal.agentId, teamsSeen)).map(view);
    },
    /** A personal answer for anyone; shared ones (service or team) are for managers. */
    async create(by: Principal | Actor, input: { title: string; body: string; teamId?: string | null; personal?: boolean; documents?: string[] }) {
      check(input.body);
      const principal = 'agentId' in by ? by : null;
      if (!input.personal && principal?.role === 'agent') throw new Forbidden('canned.shared_managers_only');
      if (input.teamId && !(await teams.exists(input.teamId))) throw new NotFound('team.not_found');
      const actor: Actor = principal ? { kind: 'agent', id: principal.agentId } : { kind: 'system' };
      const personal = !!input.personal && !!principal;
      const answer = await answers.create({
        title: input.title, body: input.body, teamId: personal ? null : (input.teamId ?? null), createdBy: principal?.agentId ?? null, ownerId: personal ? principal!.agentId : null,
        documents: input.documents ?? [],
      });
      await audit(actor, 'canned_answer.created', {}, { id: String(answer._id), title: input.title, personal: !!input.personal });
      return view(answer);
    },
    async update(principal: Principal, id: string, input: { title?: string; body?: string; teamId?: string | null; documents?: string[] }) {
      if (input.body !== undefined) check(input.body);
      await editable(principal, id);
      const answer = await answers.update(id, input);
      if (!answer) throw new NotFound('canned.not_found');
      await audit({ kind: 'agent', id: principal.agentId }, 'canned_answer.updated', {}, { id, changes: input });
      return view(answer);
    },
    async remove(principal: Principal, id: string) {
      await editable(principal, id);
      const removed = await answers.remove(id);
      if (!removed) throw new NotFound('canned.not_found');
      await audit({ kind: 'agent', id: principal.agentId }, 'canned_answer.deleted', {}, { id, title: removed.title });
    },
  };
}
