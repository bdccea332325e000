// The admin's workspace: teams (create, rename) and agents (create; role, team, activation; password
// reset). A change of role or team, or a deactivation, ends that agent's open sessions at once.
import { ApiError, type Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { TeamAnswer } from '../../http/answers.js';
import type { AgentWithLoad } from './types.js';
import { confirmDialog } from './confirmDialog.js';

type Team = TeamAnswer;
type Agent = AgentWithLoad & { active: boolean };

export function mountAdminPanel(root: HTMLElement, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const teamsList = h('ul', { class: 'admin-list' });
  const agentsTable = h('tbody');
  let teams: Team[] = [];

  const attempt = attempter(announce, () => load());
  const teamOptions = (selected: string | null) => [h('option', { value: '' }, t('ui.admin.no_team')), ...teams.map((team) => h('option', { value: team.id, selected: team.id === selected }, team.name))];
  const roleOptions = (selected: string) => (['agent', 'manager', 'admin'] as const).map((role) => h('option', { value: role, selected: role === selected }, t(`ui.role.${role}`)));

  const teamName = h('input', { id: 'team-name', type: 'text', maxlength: 80, required: true });
  const teamForm = h('form', { class: 'row', onsubmit: attempt(async () => (await api.post('/api/teams', { name: teamName.value.trim() }), (teamName.value = ''), t('ui.admin.team_created'))) },
    h('span', {}, h('label', { for: 'team-name' }, t('ui.admin.team_name')), teamName), h('button', { type: 'submit' }, t('ui.admin.team_create')));

  const { agentForm, team } = newAgentForm(api, attempt, roleOptions);

  replaceChildren(
    root,
    h('section', { class: 'admin', 'aria-labelledby': 'teams-title' }, h('h2', { id: 'teams-title' }, t('ui.admin.teams')), teamsList, teamForm),
    h('section', { class: 'admin', 'aria-labelledby': 'agents-title' },
      h('h2', { id: 'agents-title' }, t('ui.admin.agents')),
      h('table', {}, h('thead', {}, h('tr', {}, ...[t('ui.admin.agent_name'), t('ui.admin.agent_email'), t('ui.admin.agent_role'), t('ui.admin.agent_team'), t('ui.admin.agent_reset'), t('ui.admin.agent_activation')].map((c) => h('th', { scope: 'col' }, c)))), agentsTable),
      h('h3', {}, t('ui.admin.agent_create')),
      agentForm,
    ),
  );

  function teamItem(item: Team) {
    const rename = h('input', { id: `rename-${item.id}`, type: 'text', maxlength: 80, value: item.name, 'aria-label': t('ui.admin.new_name_for', { name: item.name }) });
    return h('li', {},
      h('form', { class: 'row', onsubmit: attempt(async () => (await api.patch(`/api/teams/${item.id}`, { name: rename.value.trim() }), t('ui.admin.team_renamed'))) },
        h('span', {}, `${item.name} — ${t('ui.admin.team_members', { count: item.members })}${item.isDefault ? ` (${t('ui.admin.team_default')})` : ''}`),
        rename,
        h('button', { type: 'submit', class: 'secondary' }, t('ui.admin.team_rename')),
      ),
    );
  }
  // Rows are kept per agent and patched: a password being typed in one row survives a change in another.
  const rows = new Map<string, { row: HTMLTableRowElement; update: (agent: Agent) => void }>();
  let agents: Agent[] = [];
  async function load() {
    const [teamAnswer, agentAnswer] = await Promise.all([api.get<{ items: Team[] }>('/api/teams'), api.get<{ items: Agent[] }>('/api/agents?inactive=true')]);
    teams = teamAnswer.items;
    replaceChildren(teamsList, ...teams.map(teamItem));
    // The new agent's team keeps what the admin chose while the list refreshes.
    const chosen = team.value;
    replaceChildren(team, ...teamOptions(chosen || null));
    agents = agentAnswer.items;
    for (const agent of agentAnswer.items) {
      let entry = rows.get(agent.id);
      if (!entry) rows.set(agent.id, (entry = agentRow(agent, { api, attempt, roleOptions, teamOptions, colleagues: () => agents })));
      else entry.update(agent);
      // New rows go at the end; a row already shown never moves (it may hold the focus).
      if (!entry.row.isConnected) agentsTable.append(entry.row);
    }
  }
  void load().catch((err: Error) => announce(err.message, true));
}

/** A new agent: name, email, first password, role and team (the team list is filled as the teams load). */
function newAgentForm(api: Api, attempt: ReturnType<typeof attempter>, roleOptions: (selected: string) => HTMLOptionElement[]) {
  const name = h('input', { id: 'agent-name', type: 'text', maxlength: 120, required: true });
  const email = h('input', { id: 'agent-email', type: 'email', maxlength: 254, required: true });
  const password = h('input', { id: 'agent-password', type: 'password', minlength: 10, maxlength: 1024, required: true, autocomplete: 'new-password' });
  const role = h('select', { id: 'agent-role' }, ...roleOptions('agent'));
  const team = h('select', { id: 'agent-team' });
  const agentForm = h('form', {
    class: 'row',
    onsubmit: attempt(async () => {
      await api.post('/api/agents', { name: name.value.trim(), email: email.value.trim(), password: password.value, role: role.value, ...(team.value ? { team: team.value } : {}) });
      for (const input of [name, email, password]) input.value = '';
      return t('ui.admin.agent_created');
    }),
  },
    h('span', {}, h('label', { for: 'agent-name' }, t('ui.admin.agent_name')), name),
    h('span', {}, h('label', { for: 'agent-email' }, t('ui.admin.agent_email')), email),
    h('span', {}, h('label', { for: 'agent-password' }, t('ui.admin.agent_password')), password),
    h('span', {}, h('label', { for: 'agent-role' }, t('ui.admin.agent_role')), role),
    h('span', {}, h('label', { for: 'agent-team' }, t('ui.admin.agent_team')), team),
    h('button', { type: 'submit' }, t('ui.admin.agent_create')),
  );
  return { agentForm, team };
}

type RowKit = { api: Api; attempt: ReturnType<typeof attempter>; roleOptions: (selected: string) => HTMLOptionElement[]; teamOptions: (selected: string | null) => HTMLOptionElement[]; colleagues: () => Agent[] };

/**
 * Deactivation: tried as is; an agent who still has work gets the question « who takes over? » with
 * the counts (nobody chosen in advance, or the least loaded of their team), then it is tried again.
 */
async function deactivate(api: Api, agent: Agent, others: Agent[]): Promise<string> {
  try {
    await api.patch(`/api/agents/${agent.id}`, { active: false });
    return t('ui.admin.agent_saved');
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'handover_required') throw err;
    const counts = err.details.counts as { tickets: number; citizens: number };
    const handoverTo = await confirmDialog({
      title: t('ui.admin.deactivate_title', { name: agent.name }),
      text: t('ui.admin.deactivate_text', { name: agent.name, work: t('ui.agents.work', counts) }),
      confirm: t('ui.admin.deactivate_confirm'),
      choice: {
        label: t('ui.agents.handover_choice'),
        options: [{ value: 'team', label: t('ui.agents.handover_team') }, ...others.filter((a) => a.id !== agent.id && a.active).map((a) => ({ value: a.id, label: a.name }))],
      },
    });
    if (!handoverTo) return '';
    await api.patch(`/api/agents/${agent.id}`, { active: false, handoverTo });
    return t('ui.agents.handed_over_all', { name: agent.name, work: t('ui.agents.work', counts) });
  }
}

/** An agent's row: role, team, a new password, activation; patched in place when the list reloads. */
function agentRow(initial: Agent, { api, attempt, roleOptions, teamOptions, colleagues }: RowKit) {
  let agent = initial;
  const nameCell = h('th', { scope: 'row' });
  const emailCell = h('td', {});
  const roleSelect = h('select', { 'aria-label': t('ui.admin.role_for', { name: agent.name }) }, ...roleOptions(agent.role));
  roleSelect.addEventListener('change', () => void attempt(async () => {
    // A new role ends the agent's sessions: asked first.
    const role = roleSelect.value;
    const confirmed = await confirmDialog({ title: t('ui.admin.role_title', { name: agent.name }), text: t('ui.admin.role_text', { name: agent.name, role: t(`ui.role.${role}` as 'ui.role.agent') }), confirm: t('ui.admin.role_confirm') });
    if (!confirmed) return ((roleSelect.value = agent.role), '');
    await api.patch(`/api/agents/${agent.id}`, { role });
    return t('ui.admin.agent_saved');
  })());
  const teamSelect = h('select', { 'aria-label': t('ui.admin.team_for', { name: agent.name }) });
  teamSelect.addEventListener('change', () => void attempt(async () => (await api.patch(`/api/agents/${agent.id}`, { teamId: teamSelect.value || null }), t('ui.admin.agent_saved')))());
  const newPassword = h('input', { type: 'password', minlength: 10, autocomplete: 'new-password', 'aria-label': t('ui.admin.password_for', { name: agent.name }) });
  const toggle = h('button', { type: 'button', class: 'secondary', onclick: () => void attempt(() => (agent.active ? deactivate(api, agent, colleagues()) : api.patch(`/api/agents/${agent.id}`, { active: true }).then(() => t('ui.admin.agent_saved'))))() });
  const row = h('tr', {},
    nameCell,
    emailCell,
    h('td', {}, roleSelect),
    h('td', {}, teamSelect),
    h('td', {}, h('form', { class: 'row', onsubmit: attempt(async () => {
      await api.post(`/api/agents/${agent.id}/password`, { password: newPassword.value });
      newPassword.value = '';
      return t('ui.admin.agent_reset_done');
    }) }, newPassword, h('button', { type: 'submit', class: 'secondary' }, t('ui.admin.agent_reset_submit')))),
    h('td', {}, toggle),
  );
  const update = (next: Agent) => {
    agent = next;
    replaceChildren(nameCell, agent.name, agent.active ? null : h('span', { class: 'badge' }, ` ${t('ui.admin.agent_inactive')}`));
    row.classList.toggle('inactive', !agent.active);
    emailCell.textContent = agent.email ?? '';
    roleSelect.value = agent.role;
    if (document.activeElement !== teamSelect) replaceChildren(teamSelect, ...teamOptions(agent.teamId));
    toggle.textContent = agent.active ? t('ui.admin.agent_deactivate') : t('ui.admin.agent_reactivate');
  };
  update(agent);
  return { row, update };
}
