// A manager's view of the agents: who is away (until when) and who covers, their load, and the
// hand-over of a leaving agent's work to another, confirmed with its counts (each change audited).
// Deactivated agents stay listed, greyed, so their remaining work can still be handed over.
// Rows are patched, never rebuilt.
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';
import { confirmDialog } from './confirmDialog.js';
import type { AgentWithLoad } from './types.js';

type Agent = AgentWithLoad & { coverAgentId: string | null };

const workOf = (agent: Agent) => t('ui.agents.work', { tickets: agent.openTickets, citizens: agent.citizens });

export function mountAgentsPanel(root: HTMLElement, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const body = h('tbody');
  const rows = new Map<string, (agent: Agent, all: Agent[]) => void>();
  const attempt = attempter(announce, () => load());
  const columns = ['ui.agents.col_name', 'ui.agents.col_load', 'ui.agents.col_state', 'ui.agents.col_cover', 'ui.agents.col_actions'] as const;
  replaceChildren(
    root,
    h('section', { class: 'admin', 'aria-labelledby': 'agents-space-title' },
      h('h2', { id: 'agents-space-title' }, t('ui.agents.title')),
      h('table', {}, h('thead', {}, h('tr', {}, ...columns.map((k) => h('th', { scope: 'col' }, t(k))))), body),
    ),
  );

  /** « Passation »: the counts said, a successor chosen in the dialog (nobody chosen in advance), then all moved. */
  const handOver = (agent: Agent, all: Agent[]) => attempt(async () => {
    const to = await confirmDialog({
      title: t('ui.agents.handover_title', { name: agent.name }),
      text: t('ui.agents.handover_text', { name: agent.name, work: workOf(agent) }),
      confirm: t('ui.agents.handover_confirm'),
      choice: { label: t('ui.agents.handover_choice'), options: all.filter((a) => a.id !== agent.id && a.active !== false).map((a) => ({ value: a.id, label: a.name })) },
    });
    if (!to) return '';
    const moved = await api.post<{ citizens: number; tickets: number }>(`/api/agents/${agent.id}/handover`, { toAgentId: to });
    return t('ui.agents.handed_over_all', { name: agent.name, work: t('ui.agents.work', { tickets: moved.tickets, citizens: moved.citizens }) });
  });

  function row(first: Agent) {
    let agent = first;
    let everyone: Agent[] = [];
    const name = h('th', { scope: 'row' });
    const load = h('td', {});
    const state = h('select', { 'aria-label': t('ui.agents.away_for', { name: agent.name }) }, h('option', { value: 'available' }, t('ui.availability.available')), h('option', { value: 'away' }, t('ui.availability.away')));
    const until = h('span', { class: 'meta' });
    const cover = h('select', { 'aria-label': t('ui.agents.cover_for', { name: agent.name }) });
    const save = h('button', { type: 'submit', class: 'secondary' }, t('ui.agents.save'));
    const handover = h('button', { type: 'button', class: 'secondary', onclick: (e: Event) => void handOver(agent, everyone)(e) }, t('ui.agents.handover'));
    const tr = h('tr', {},
      name,
      load,
      h('td', {}, h('form', { id: `availability-${agent.id}`, class: 'row', onsubmit: attempt(async () => {
        await api.patch(`/api/agents/${agent.id}`, { availability: state.value, coverAgentId: state.value === 'away' && cover.value ? cover.value : null });
        return t('ui.agents.saved');
      }) }, state, until)),
      h('td', {}, cover, save),
      h('td', {}, handover),
    );
    save.setAttribute('form', `availability-${agent.id}`);
    cover.setAttribute('form', `availability-${agent.id}`);
    body.append(tr);
    return (next: Agent, all: Agent[]) => {
      agent = next;
      everyone = all;
      const inactive = agent.active === false;
      tr.classList.toggle('inactive', inactive);
      replaceChildren(name, agent.name, inactive ? h('span', { class: 'badge' }, ` ${t('ui.admin.agent_inactive')}`) : null);
      load.textContent = workOf(agent);
      for (const control of [state, cover, save]) (control as HTMLSelectElement | HTMLButtonElement).disabled = inactive;
      handover.disabled = agent.openTickets + agent.citizens === 0;
      if (document.activeElement !== state) state.value = agent.availability;
      until.textContent = agent.availability === 'away' && agent.awayUntil ? ` ${t('ui.agents.away_until', { date: formatDate(agent.awayUntil) })}` : '';
      if (document.activeElement !== cover) {
        replaceChildren(cover, h('option', { value: '' }, t('ui.availability.no_cover')), ...all.filter((a) => a.id !== agent.id && a.active !== false).map((a) => h('option', { value: a.id }, a.name)));
        cover.value = agent.coverAgentId ?? '';
      }
    };
  }

  async function load() {
    const { items } = await api.get<{ items: Agent[] }>('/api/agents?inactive=true');
    for (const agent of items) {
      let update = rows.get(agent.id);
      if (!update) rows.set(agent.id, (update = row(agent)));
      update(agent, items);
    }
  }
  void load().catch((err: Error) => announce(err.message, true));
}
