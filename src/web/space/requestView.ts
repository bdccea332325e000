// One request in the space, as the portal shows it: its state, agent and due date, the exchanges, a
// message to add, and the portal's own forms (documents, call-back, rating) on this request's API.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { callbackForm } from '../portal/callbackForm.js';
import { documentsForm } from '../portal/documentsForm.js';
import { satisfactionForm } from '../portal/satisfactionForm.js';
import { threadItems } from '../portal/thread.js';
import type { PortalView } from '../portal/types.js';
import { stateLabel, when } from './words.js';

export function requestView(view: PortalView, deps: { api: Api; reload: () => void }) {
  const thread = h('ol', { id: 'messages', 'aria-label': t('ui.portal.exchanges') }, ...threadItems(view));
  const text = h('textarea', { id: 'text', required: true, maxlength: 5000 });
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      id: 'form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        notice.hidden = false;
        try {
          await deps.api.post('/messages', { text: text.value.trim(), clientId: `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}` });
          text.value = '';
          notice.className = 'notice ok';
          notice.textContent = t('ui.portal.added');
          deps.reload();
        } catch (err) {
          notice.className = 'notice error';
          notice.textContent = t('ui.portal.not_sent', { reason: (err as Error).message });
        }
      },
    },
    h('label', { for: 'text' }, t('ui.portal.add')),
    text,
    h('button', { type: 'submit' }, t('ui.portal.send')),
    notice,
  );
  const dd = (id: string, value: string) => h('dd', { id }, value);
  return h(
    'section',
    { 'aria-labelledby': 'request-title' },
    h('p', {}, h('a', { href: '#', id: 'back' }, t('ui.space.back'))),
    h('h2', { id: 'request-title', tabindex: -1 }, t('ui.space.request_title', { reference: view.reference })),
    h(
      'dl',
      {},
      h('dt', {}, t('ui.portal.status')), dd('status', stateLabel(view.status)),
      h('dt', {}, t('ui.portal.agent')), dd('agent', view.agentFirstName ?? t('ui.portal.agent_unknown')),
      h('dt', {}, t('ui.portal.expected')), dd('expected', view.expectedBy ? t('ui.portal.expected_by', { date: when(view.expectedBy) }) : view.status === 'pending' ? t('ui.portal.expected_after_you') : '—'),
    ),
    h('h3', {}, t('ui.portal.exchanges')),
    thread,
    form,
    satisfactionForm(view, { api: deps.api }),
    documentsForm(view, { api: deps.api, onDone: deps.reload }).element,
    callbackForm(view, { api: deps.api, onDone: deps.reload }),
  );
}
