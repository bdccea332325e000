// What a manager does from a ticket: reassign it, or change the citizen's usual agent (with a reason,
// kept in the audit trail and shown in the thread).
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { AgentWithLoad, TicketDetail } from './types.js';

export function managerPanel(ticket: TicketDetail, deps: { api: Api; agents: AgentWithLoad[]; announce: (text: string, error?: boolean) => void; onDone: () => void }) {
  const options = () => deps.agents.map((a) => h('option', { value: a.id }, t('ui.manager.agent_load', { name: a.name, count: a.openTickets })));
  const assignee = h('select', { id: 'assign-agent' }, ...options());
  if (ticket.assignee) assignee.value = ticket.assignee.id;
  const assignReason = h('input', { id: 'assign-reason', type: 'text', maxlength: 200, required: true });
  const recurring = h('select', { id: 'recurring-agent' }, ...options());
  if (ticket.citizen.recurringAgent) recurring.value = ticket.citizen.recurringAgent.id;
  const recurringReason = h('input', { id: 'recurring-reason', type: 'text', maxlength: 200, required: true });

  const attempt = attempter(deps.announce, deps.onDone);
  const act = (run: () => Promise<unknown>, done: string) => attempt(async () => (await run(), done));
  return h(
    'section',
    { class: 'manager', 'aria-labelledby': 'manager-title' },
    h('h3', { id: 'manager-title' }, t('ui.manager.title')),
    h(
      'form',
      { onsubmit: act(() => deps.api.post(`/api/tickets/${ticket.id}/assign`, { agentId: assignee.value, reason: assignReason.value.trim() }), t('ui.manager.reassigned')) },
      h('label', { for: 'assign-agent' }, t('ui.manager.reassign')), assignee,
      h('label', { for: 'assign-reason' }, t('ui.manager.reason')), assignReason,
      h('button', { type: 'submit' }, t('ui.manager.reassign_submit')),
    ),
    h(
      'form',
      { onsubmit: act(() => deps.api.put(`/api/citizens/${ticket.citizen.id}/recurring-agent`, { agentId: recurring.value, reason: recurringReason.value.trim() }), t('ui.manager.recurring_done')) },
      h('label', { for: 'recurring-agent' }, t('ui.manager.recurring')), recurring,
      h('label', { for: 'recurring-reason' }, t('ui.manager.reason')), recurringReason,
      h('button', { type: 'submit' }, t('ui.manager.recurring_submit')),
    ),
  );
}
