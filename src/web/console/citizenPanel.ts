// The citizen beside the thread: name, contact details, what they typed in the chat (marked
// unverified), their usual agent, and their other requests one click away.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { channelLabel, formatDate, statusLabel, t } from '../shared/i18n.js';
import type { TicketDetail } from './types.js';

const kindLabel = (kind: string) => (kind === 'phone' ? t('ui.identity.phone') : kind === 'email' ? t('ui.identity.email') : kind);

export function citizenPanel(ticket: TicketDetail, deps: { api: Api; announce: (text: string, error?: boolean) => void; onOpenTicket: (id: string) => void }) {
  const citizen = ticket.citizen;
  const nameInput = h('input', { id: 'citizen-name', type: 'text', maxlength: 120, value: citizen.name ?? '' });
  const rename = h('form', {
    class: 'row',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        await deps.api.patch(`/api/citizens/${citizen.id}`, { name: nameInput.value.trim() || null });
        title.textContent = `${t('ui.citizen.title')} : ${nameInput.value.trim() || fallback}`;
        deps.announce(t('ui.citizen.renamed'));
      } catch (err) {
        deps.announce((err as Error).message, true);
      }
    },
  }, h('span', {}, h('label', { for: 'citizen-name' }, t('ui.citizen.name')), nameInput), h('button', { type: 'submit', class: 'secondary' }, t('ui.citizen.rename')));
  // Without a name: the number or address they wrote from, as people write it.
  const known = citizen.identities.find((i) => i.kind !== 'chat');
  const fallback = known ? (known.display ?? known.value) : t('ui.citizen.on_channel', { channel: channelLabel(ticket.channel) });
  const title = h('h3', { id: 'citizen-title' }, `${t('ui.citizen.title')} : ${citizen.name ?? fallback}`);
  const identities = citizen.identities.filter((i) => i.kind !== 'chat');
  const claims = citizen.claims ?? [];
  return h(
    'section',
    { class: 'citizen', 'aria-labelledby': 'citizen-title' },
    title,
    rename,
    citizen.unreachable ? h('p', { class: 'meta', id: 'citizen-unreachable' }, t(`ui.citizen.unreachable.${citizen.unreachable}`)) : null,
    h('h4', {}, t('ui.citizen.identities')),
    identities.length ? h('ul', {}, ...identities.map((i) => h('li', {}, `${kindLabel(i.kind)} : ${i.display ?? i.value}`))) : h('p', { class: 'meta' }, t('ui.citizen.none')),
    claims.length
      ? h('div', {}, h('h4', {}, t('ui.citizen.claims')), h('ul', {}, ...claims.map((c) => h('li', {}, `${kindLabel(c.kind)} : ${c.value} `, c.verified ? null : h('span', { class: 'badge' }, t('ui.citizen.unverified'))))))
      : null,
    h('p', {}, `${t('ui.citizen.recurring_agent')} : ${citizen.recurringAgent?.name ?? t('ui.citizen.none')}`),
    h('h4', {}, t('ui.citizen.past_tickets')),
    h(
      'ul',
      { class: 'past' },
      ...citizen.tickets.map((past) =>
        h(
          'li',
          {},
          past.id === ticket.id
            ? h('span', { 'aria-current': 'page' }, `${past.reference} · ${statusLabel(past.status)}`)
            : h('button', { type: 'button', class: 'link', onclick: () => deps.onOpenTicket(past.id) }, `${past.reference} — ${past.subject || t('ui.no_subject')} · ${statusLabel(past.status)} · ${formatDate(past.createdAt)}`),
        ),
      ),
    ),
  );
}
