// The ticket's history from the audit trail: who assigned it to whom and why, status changes, SLA events.
import type { HistoryItemAnswer } from '../../http/answers.js';
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';
import { describeChange } from './changes.js';

type HistoryItem = HistoryItemAnswer;

function describe(item: HistoryItem): string {
  const actor = item.actor.name ?? t('ui.history.system');
  switch (item.action) {
    case 'ticket.assigned': return t('ui.history.assigned', { to: item.to ?? '—', from: item.from ?? '—', actor });
    case 'ticket.status.changed':
    case 'ticket.updated':
      return item.changes.length ? t('ui.history.changes', { changes: item.changes.map(describeChange).join(' ; '), actor }) : t('ui.history.updated', { actor });
    case 'sla.at_risk': return t('ui.history.at_risk');
    case 'sla.breached': return t('ui.history.breached');
    case 'portal.links.revoked': return t('ui.history.links_revoked', { actor });
    default: return t('ui.history.other', { action: item.action, actor });
  }
}

export function historyPanel(ticketId: string, api: Api) {
  const list = h('ol', { class: 'history' });
  const section = h('section', { 'aria-labelledby': 'history-title' }, h('h3', { id: 'history-title' }, t('ui.history.title')), list);
  const load = async () => {
    const { items } = await api.get<{ items: HistoryItem[] }>(`/api/tickets/${ticketId}/history`);
    replaceChildren(
      list,
      ...(items.length
        ? items.map((item) => h('li', {}, h('span', { class: 'meta' }, formatDate(item.at)), ` ${describe(item)}`, item.reason ? ` (${t('ui.history.reason', { reason: item.reason })})` : ''))
        : [h('li', {}, t('ui.history.empty'))]),
    );
  };
  // The history is a side panel: when it cannot load, the ticket stays usable and the next change reloads it.
  void load().catch(() => undefined);
  return { element: section, reload: () => load().catch(() => undefined) };
}
