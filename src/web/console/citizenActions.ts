// A manager's actions on the citizen's records: RGPD export (the readable document, downloaded) and
// erasure (confirmed first; an erasure the citizen asked for from their space is shown with its due date),
// portal-link revocation, and merging with the citizen of another request.
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { TicketDetail, TicketSummary } from './types.js';

const day = (iso: string) => new Date(iso).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

export function citizenActions(ticket: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void; onDone: () => void }) {
  const { api, announce } = deps;
  const attempt = attempter(announce, deps.onDone);

  const exportData = attempt(async () => {
    // The readable document the citizen gets from their space.
    const url = URL.createObjectURL(await api.download(`/api/citizens/${ticket.citizen.id}/export`));
    const link = h('a', { href: url, download: `usager-${ticket.citizen.id}.html` });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
    return t('ui.citizen_actions.exported');
  });
  const revoke = attempt(async () => {
    const { revoked } = await api.post<{ revoked: number }>(`/api/tickets/${ticket.id}/portal-links/revoke`);
    return t('ui.citizen_actions.revoked', { count: revoked });
  });

  const reference = h('input', { id: 'merge-reference', type: 'text', maxlength: 40, required: true, placeholder: 'GRU-2026-000123' });
  const merge = attempt(async () => {
    const found = await api.get<{ items: TicketSummary[] }>(`/api/tickets?scope=all&limit=1&q=${encodeURIComponent(reference.value.trim())}`);
    const other = found.items.find((item) => item.reference === reference.value.trim());
    if (!other) throw new Error(t('ui.citizen_actions.merge_not_found'));
    await api.post(`/api/citizens/${ticket.citizen.id}/merge`, { otherId: other.citizen.id });
    return t('ui.citizen_actions.merged');
  });

  // Erasure in two steps: the button shows what it does and a confirmation, focused.
  const confirm = h('button', { type: 'button', class: 'danger' }, t('ui.citizen_actions.erase_confirm'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('ui.citizen_actions.cancel'));
  const confirmation = h('div', { role: 'group', 'aria-labelledby': 'erase-warning', hidden: true }, h('p', { id: 'erase-warning' }, t('ui.citizen_actions.erase_warning')), confirm, ' ', cancel);
  const ask = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, t('ui.citizen_actions.erase'));
  ask.addEventListener('click', () => {
    confirmation.hidden = false;
    ask.setAttribute('aria-expanded', 'true');
    confirm.focus();
  });
  cancel.addEventListener('click', () => {
    confirmation.hidden = true;
    ask.setAttribute('aria-expanded', 'false');
    ask.focus();
  });
  confirm.addEventListener('click', () =>
    void attempt(async () => {
      await api.delete(`/api/citizens/${ticket.citizen.id}`);
      confirmation.hidden = true;
      return t('ui.citizen_actions.erased');
    })(),
  );

  return h(
    'section',
    { class: 'manager', 'aria-labelledby': 'citizen-actions-title' },
    h('h3', { id: 'citizen-actions-title' }, t('ui.citizen_actions.title')),
    ticket.citizen.erasureRequest ? h('p', { class: 'erasure-requested', id: 'erasure-requested' }, t('ui.citizen.erasure_requested', { at: day(ticket.citizen.erasureRequest.at), due: day(ticket.citizen.erasureRequest.dueBy) })) : null,
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => void exportData() }, t('ui.citizen_actions.export'))),
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => void revoke() }, t('ui.citizen_actions.revoke'))),
    h('form', { onsubmit: merge }, h('label', { for: 'merge-reference' }, t('ui.citizen_actions.merge')), reference, h('button', { type: 'submit', class: 'secondary' }, t('ui.citizen_actions.merge_submit'))),
    h('p', {}, ask),
    confirmation,
  );
}
