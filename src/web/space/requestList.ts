// « Mes demandes »: every request of the citizen, open ones first, each with its state in the portal's
// words, what it is about, when it opened and last moved, the answer's due date and their agent; and a
// form to open a new one.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { channelLabel, t } from '../shared/i18n.js';
import { stateLabel, when } from './words.js';
import type { RequestLine } from './types.js';

export function requestList(requests: RequestLine[]) {
  const open = (r: RequestLine) => r.status !== 'closed' && r.status !== 'resolved';
  const sorted = [...requests.filter(open), ...requests.filter((r) => !open(r))];
  const item = (r: RequestLine) =>
    h(
      'li',
      {},
      h('a', { href: `#demande/${encodeURIComponent(r.reference)}` }, `${r.reference} — ${r.subject || r.category || channelLabel(r.channel)}`),
      h('span', { class: 'tag' }, stateLabel(r.status)),
      h('span', { class: 'meta' }, `${t('ui.space.opened', { date: when(r.openedAt) })} · ${t('ui.space.by_channel', { channel: channelLabel(r.channel) })}`),
      h('span', { class: 'meta' }, t('ui.space.last', { date: when(r.lastMessageAt) })),
      r.dueAt ? h('span', { class: 'meta' }, t('ui.space.due', { date: when(r.dueAt) })) : null,
      r.agentFirstName ? h('span', { class: 'meta' }, t('ui.space.agent', { name: r.agentFirstName })) : null,
    );
  return h(
    'section',
    { 'aria-labelledby': 'requests-title' },
    h('h2', { id: 'requests-title', tabindex: -1 }, t('ui.space.requests')),
    sorted.length ? h('ul', { id: 'requests' }, ...sorted.map(item)) : h('p', { id: 'requests-none' }, t('ui.space.none')),
  );
}

export function newRequestForm(deps: { api: Api; categories: string[]; onDone: (reference: string) => void }) {
  const text = h('textarea', { id: 'new-text', required: true, maxlength: 5000 });
  const category = h('select', { id: 'new-category' }, h('option', { value: '' }, t('ui.space.new_category_none')), ...deps.categories.map((c) => h('option', { value: c }, c)));
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      id: 'new-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        try {
          const done = await deps.api.post<{ reference: string }>('/api/citizen/requests', { text: text.value.trim(), ...(category.value ? { category: category.value } : {}), clientId: `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}` });
          text.value = '';
          deps.onDone(done.reference);
        } catch (err) {
          notice.hidden = false;
          notice.className = 'notice error';
          notice.textContent = t('ui.space.failed', { reason: (err as Error).message });
        }
      },
    },
    h('label', { for: 'new-text' }, t('ui.space.new_text')),
    text,
    deps.categories.length ? h('label', { for: 'new-category' }, t('ui.space.new_category')) : null,
    deps.categories.length ? category : null,
    h('button', { type: 'submit' }, t('ui.space.new_submit')),
    notice,
  );
  return h('section', { 'aria-labelledby': 'new-title' }, h('h2', { id: 'new-title' }, t('ui.space.new_title')), form);
}
