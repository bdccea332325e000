// Calling a citizen back: the call-back they asked for (slot and number), and "Rappeler", which rings
// the agent's own phone and then bridges to the citizen. How the call went appears in the thread.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { TicketDetail } from './types.js';

export function callPanel(ticket: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const phone = ticket.callback?.phone ?? ticket.citizen.identities.find((i) => i.kind === 'phone')?.value ?? null;
  const button = h('button', { type: 'button', class: 'secondary', id: 'call-citizen' }, t('ui.call.button'));
  // Busy is said with aria-disabled, not disabled: a disabled button would lose the keyboard focus.
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      await deps.api.post(`/api/tickets/${ticket.id}/call`);
      deps.announce(t('ui.call.started'));
    } catch (err) {
      deps.announce((err as Error).message, true);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return h(
    'section',
    { class: 'call row', 'aria-labelledby': 'call-title' },
    h('h3', { id: 'call-title', class: 'visually-hidden' }, t('ui.call.title')),
    ticket.callback ? h('p', { class: 'badge', id: 'callback-requested' }, t('ui.call.requested', { slot: ticket.callback.label, phone: ticket.callback.phone })) : null,
    phone && !ticket.citizen.unreachable ? button : h('p', { class: 'meta' }, t('ui.call.no_phone')),
  );
}
