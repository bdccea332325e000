// A ticket's status, priority and category, as a small form.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { PRIORITIES, priorityLabel, STATUSES, statusLabel, t } from '../shared/i18n.js';
import type { TicketDetail } from './types.js';

/** Status, priority and category of the ticket, saved together. */
export function ticketFields(current: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const { api } = deps;
  const status = h('select', { id: 'ticket-status' }, ...STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
  status.value = current.status;
  const priority = h('select', { id: 'ticket-priority' }, ...PRIORITIES.map((p) => h('option', { value: p }, priorityLabel(p))));
  priority.value = current.priority;
  const category = h('input', { id: 'ticket-category', type: 'text', maxlength: 80, value: current.category ?? '' });
  return h(
    'form',
    {
      class: 'fields row',
      'aria-label': t('ui.inbox.status'),
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api.patch(`/api/tickets/${current.id}`, { status: status.value, priority: priority.value, category: category.value.trim() || null });
          deps.announce(t('ui.ticket.saved'));
        } catch (err) {
          deps.announce((err as Error).message, true);
        }
      },
    },
    h('span', {}, h('label', { for: 'ticket-status' }, t('ui.inbox.status')), status),
    h('span', {}, h('label', { for: 'ticket-priority' }, t('ui.priority')), priority),
    h('span', {}, h('label', { for: 'ticket-category' }, t('ui.inbox.category')), category),
    h('button', { type: 'submit', class: 'secondary' }, t('ui.ticket.save')),
  );
}
