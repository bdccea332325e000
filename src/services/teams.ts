// Teams: an admin creates and renames them; agents belong to one (PATCH /api/agents/:id teamId).
import { Types } from 'mongoose';
import { Conflict, NotFound } from '../domain/errors.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { teamsStore } from '../store/repositories/teams.js';
import type { Actor, Audit } from './audit.js';

export interface TeamView {
  id: string;
  name: string;
  isDefault: boolean;
  members: number;
}

/** "Affaires scolaires" → "affaires-scolaires": the unique key behind the name. */
const slugOf = (name: string) =>
  name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'equipe';

export function createTeamService(deps: { models: Models; audit: Audit }) {
  const { audit } = deps;
  const teams = teamsStore(deps.models);
  const agents = agentsStore(deps.models);
  const view = (t: { _id: Types.ObjectId; name: string; isDefault?: boolean | null }, members: number): TeamView => ({ id: String(t._id), name: t.name, isDefault: !!t.isDefault, members });

  return {
    async list(): Promise<TeamView[]> {
      const [all, countOf] = await Promise.all([teams.list(), agents.membersPerTeam()]);
      return all.map((t) => view(t, countOf.get(String(t._id)) ?? 0));
    },

    async create(actor: Actor, input: { name: string; isDefault?: boolean }): Promise<TeamView> {
      const name = input.name.trim();
      const isFirst = !(await teams.any());
      try {
        const team = await teams.create({ name, slug: slugOf(name), isDefault: input.isDefault ?? isFirst });
        if (team.isDefault) await teams.makeOnlyDefault(team._id);
        await audit(actor, 'team.created', {}, { teamId: String(team._id), name });
        return view(team, 0);
      } catch (err) {
        if (isDuplicateKey(err)) throw new Conflict('team.name_taken');
        throw err;
      }
    },

    async update(actor: Actor, id: string, change: { name?: string; isDefault?: boolean }): Promise<TeamView> {
      const set: Record<string, unknown> = {};
      if (change.name !== undefined) Object.assign(set, { name: change.name.trim(), slug: slugOf(change.name) });
      if (change.isDefault !== undefined) set.isDefault = change.isDefault;
      let team;
      try {
        team = await teams.update(id, set);
      } catch (err) {
        if (isDuplicateKey(err)) throw new Conflict('team.name_taken');
        throw err;
      }
      if (!team) throw new NotFound('team.not_found');
      // One default team: the one citizens go to when no rule routes them elsewhere.
      if (change.isDefault) await teams.makeOnlyDefault(team._id);
      await audit(actor, 'team.updated', {}, { teamId: id, changes: change });
      return view(team, await agents.membersOf(team._id));
    },
  };
}
export type TeamService = ReturnType<typeof createTeamService>;
