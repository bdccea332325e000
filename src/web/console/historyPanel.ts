// The ticket's history from the audit trail, in French: who changed which field (« Priorité : Normale →
// Urgente, par Nadia Lefèvre »), assignments and their reason, deadlines, erasure. No raw code is shown.
import type { HistoryItemAnswer } from '../../http/answers.js';
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { describeChange } from './changes.js';

type HistoryItem = HistoryItemAnswer;

/** Actions read as a sentence of their own (with {actor} where someone did it). */
const SENTENCES: Record<string, MessageKey> = {
  'ticket.created': 'ui.history.created',
  'ticket.reopened': 'ui.history.reopened',
  'ticket.merged': 'ui.history.merged',
  'ticket.satisfaction': 'ui.history.satisfaction',
  'ticket.system_update': 'ui.history.system_update',
  'ticket.documents.requested': 'ui.history.documents_requested',
  'ticket.call.started': 'ui.history.call_started',
  'ticket.call.answered': 'ui.history.call_answered',
  'ticket.erased': 'ui.history.erased',
  'sla.at_risk': 'ui.history.at_risk',
  'sla.breached': 'ui.history.breached',
  'portal.links.revoked': 'ui.history.links_revoked',
};

function actorOf(item: HistoryItem): string {
  if (item.actor.name) return item.actor.name;
  return item.actor.kind === 'citizen' ? t('ui.history.citizen') : t('ui.history.system');
}

function describe(item: HistoryItem): string {
  const actor = actorOf(item);
  if (item.action === 'ticket.assigned') return t('ui.history.assigned', { to: item.to ?? '—', from: item.from ?? '—', actor });
  if (item.changes.length && item.action !== 'ticket.erased') return t('ui.history.changes', { changes: item.changes.map(describeChange).join(' ; '), actor });
  const sentence = SENTENCES[item.action];
  return sentence ? t(sentence, { actor }) : t('ui.history.updated', { actor });
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
