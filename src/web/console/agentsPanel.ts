// A manager's view of the agents: who is away and who covers, their load, and the hand-over of a
// leaving agent's citizens to another (each change audited). Rows are patched, never rebuilt.
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { AgentWithLoad } from './types.js';

type Agent = AgentWithLoad & { coverAgentId: string | null };

export function mountAgentsPanel(root: HTMLElement, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const body = h('tbody');
  const rows = new Map<string, (agent: Agent, all: Agent[]) => void>();
  const attempt = attempter(announce, () => load());
  replaceChildren(
    root,
    h('section', { class: 'admin', 'aria-labelledby': 'agents-space-title' },
      h('h2', { id: 'agents-space-title' }, t('ui.agents.title')),
      h('table', {},
        h('thead', {}, h('tr', {}, ...['ui.agents.col_name', 'ui.agents.col_load', 'ui.agents.col_state', 'ui.agents.col_actions'].map((k) => h('th', { scope: 'col' }, t(k as 'ui.agents.col_name'))))),
        body,
      ),
    ),
  );

  function row(first: Agent) {
    let agent = first;
    const name = h('th', { scope: 'row' });
    const load = h('td', {});
    const state = h('select', { 'aria-label': t('ui.agents.away_for', { name: agent.name }) }, h('option', { value: 'available' }, t('ui.availability.available')), h('option', { value: 'away' }, t('ui.availability.away')));
    const cover = h('select', { 'aria-label': t('ui.agents.cover_for', { name: agent.name }) });
    const handoverTo = h('select', { 'aria-label': t('ui.agents.handover_to', { name: agent.name }) });
    const tr = h('tr', {},
      name,
      load,
      h('td', {}, h('form', { class: 'row', onsubmit: attempt(async () => {
        await api.patch(`/api/agents/${agent.id}`, { availability: state.value, coverAgentId: state.value === 'away' && cover.value ? cover.value : null });
        return t('ui.agents.saved');
      }) }, state, cover, h('button', { type: 'submit', class: 'secondary' }, t('ui.agents.save')))),
      h('td', {}, h('form', { class: 'row', onsubmit: attempt(async () => {
        const { citizens } = await api.post<{ citizens: number }>(`/api/agents/${agent.id}/handover`, { toAgentId: handoverTo.value });
        return t('ui.agents.handed_over', { count: citizens });
      }) }, handoverTo, h('button', { type: 'submit', class: 'secondary' }, t('ui.agents.handover')))),
    );
    body.append(tr);
    return (next: Agent, all: Agent[]) => {
      agent = next;
      name.textContent = agent.name;
      load.textContent = String(agent.openTickets);
      if (document.activeElement !== state) state.value = agent.availability;
      const others = all.filter((a) => a.id !== agent.id);
      if (document.activeElement !== cover) {
        replaceChildren(cover, h('option', { value: '' }, t('ui.availability.no_cover')), ...others.map((a) => h('option', { value: a.id }, a.name)));
        cover.value = agent.coverAgentId ?? '';
      }
      if (document.activeElement !== handoverTo) replaceChildren(handoverTo, ...others.map((a) => h('option', { value: a.id }, a.name)));
    };
  }

  async function load() {
    const { items } = await api.get<{ items: Agent[] }>('/api/agents');
    for (const agent of items) {
      let update = rows.get(agent.id);
      if (!update) rows.set(agent.id, (update = row(agent)));
      update(agent, items);
    }
  }
  void load().catch((err: Error) => announce(err.message, true));
}
