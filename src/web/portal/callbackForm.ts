// "Être rappelé": the citizen picks a half-day within opening hours and, if we have no number or they
// want another, the number to call. The request joins the thread; the agent sees it in their inbox.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { PortalView } from './types.js';

export function callbackForm(view: PortalView, deps: { api: Api; onDone: () => void }) {
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const pending = view.callback ? h('p', { id: 'callback-pending' }, t('ui.portal.callback.pending', { slot: view.callback.label })) : null;
  const slot = h('select', { id: 'callback-slot', required: true }, ...view.callbackSlots.map((s) => h('option', { value: s.slot }, s.label)));
  const phone = h('input', { id: 'callback-phone', type: 'tel', autocomplete: 'tel', maxlength: 40, required: !view.callbackPhone, 'aria-describedby': view.callbackPhone ? 'callback-phone-hint' : null });
  const show = (text: string, ok: boolean) => {
    notice.hidden = false;
    notice.className = `notice ${ok ? 'ok' : 'error'}`;
    notice.textContent = text;
  };
  const form = h(
    'form',
    {
      id: 'callback-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const done = await deps.api.post<{ label: string }>('/callback', { slot: slot.value, ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) });
          show(t('ui.portal.callback.done', { slot: done.label }), true);
          deps.onDone();
        } catch (err) {
          show(t('ui.portal.callback.failed', { reason: (err as Error).message }), false);
        }
      },
    },
    h('label', { for: 'callback-slot' }, t('ui.portal.callback.slot')),
    slot,
    h('label', { for: 'callback-phone' }, t('ui.portal.callback.phone')),
    phone,
    view.callbackPhone ? h('p', { id: 'callback-phone-hint', class: 'hint' }, t('ui.portal.callback.phone_known', { phone: view.callbackPhone })) : null,
    h('button', { type: 'submit' }, t('ui.portal.callback.submit')),
    notice,
  );
  return h(
    'section',
    { 'aria-labelledby': 'callback-title', hidden: view.callbackSlots.length === 0 },
    h('h2', { id: 'callback-title' }, t('ui.portal.callback.title')),
    h('p', {}, t('ui.portal.callback.intro')),
    pending,
    form,
  );
}
