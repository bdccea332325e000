// "Pièces à fournir": the pieces asked of the citizen, each with whether it arrived from the portal, and
// a form to ask for more (one per line); the citizen is told which, with their portal link.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';
import type { ChecklistItem, TicketDetail } from './types.js';

export function documentsPanel(ticket: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const list = h('ul', { id: 'documents-list', 'aria-labelledby': 'documents-title' });
  const render = (items: ChecklistItem[]) =>
    list.replaceChildren(
      ...(items.length
        ? items.map((d) => h('li', {}, `${d.label} — `, d.providedAt ? t('ui.documents.provided', { date: formatDate(d.providedAt) }) : h('span', { class: 'badge' }, t('ui.documents.pending'))))
        : [h('li', { class: 'meta' }, t('ui.documents.none'))]),
    );
  render(ticket.documents ?? []);
  const input = h('textarea', { id: 'documents-ask', rows: 2, 'aria-describedby': 'documents-ask-hint' });
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const items = input.value.split('\n').map((l) => l.trim()).filter(Boolean);
        if (!items.length) return deps.announce(t('ui.documents.none_typed'), true);
        try {
          const answer = await deps.api.post<{ documents: ChecklistItem[] }>(`/api/tickets/${ticket.id}/documents`, { items });
          input.value = '';
          render(answer.documents);
          deps.announce(t('ui.documents.asked'));
        } catch (err) {
          deps.announce((err as Error).message, true);
        }
      },
    },
    h('label', { for: 'documents-ask' }, t('ui.documents.ask')),
    input,
    h('p', { id: 'documents-ask-hint', class: 'meta' }, t('ui.documents.ask_hint')),
    h('button', { type: 'submit', class: 'secondary' }, t('ui.documents.ask_button')),
  );
  return h('section', { class: 'documents', 'aria-labelledby': 'documents-title' }, h('h3', { id: 'documents-title' }, t('ui.documents.title')), list, form);
}
