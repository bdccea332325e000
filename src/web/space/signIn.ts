// Entering the space: the FranceConnect button (its official wording and look, when the service offers
// it) or an address and the 6-digit code sent there. The same two steps link a FranceConnect identity
// to the requests of an address we know (`linking`).
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { FranceConnectState } from './types.js';

export function franceConnectButton(state: FranceConnectState) {
  if (!state.offered) return null;
  if (!state.available) return h('p', { class: 'notice error', id: 'fc-unavailable' }, t('ui.space.fc_unavailable'));
  return h(
    'div',
    { class: 'fc' },
    h('a', { class: 'fc-button', id: 'fc-login', href: '/api/citizen/franceconnect/login' }, h('span', { class: 'fc-small' }, t('ui.space.fc_button').replace(/FranceConnect$/, '').trim()), ' ', h('span', { class: 'fc-brand' }, 'FranceConnect')),
    h('p', {}, h('a', { href: 'https://franceconnect.gouv.fr/', target: '_blank', rel: 'noopener', title: t('ui.space.fc_what_new_window') }, t('ui.space.fc_what'))),
    h('p', { class: 'or' }, t('ui.space.or')),
  );
}

export function signInForms(deps: { api: Api; linking: boolean; onSignedIn: () => void }) {
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const show = (text: string, ok: boolean) => {
    notice.hidden = false;
    notice.className = `notice ${ok ? 'ok' : 'error'}`;
    notice.textContent = text;
  };
  const address = h('input', { id: 'address', type: 'text', autocomplete: 'email', required: true, maxlength: 254, 'aria-describedby': 'address-hint', spellcheck: 'false' });
  const code = h('input', { id: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9 ]{6,8}', maxlength: 8, required: true });
  const codeForm = h(
    'form',
    {
      id: 'code-form',
      hidden: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await deps.api.post('/api/citizen/session', { address: address.value.trim(), code: code.value.trim() });
          deps.onSignedIn();
        } catch (err) {
          show((err as Error).message, false);
          code.select();
        }
      },
    },
    h('label', { for: 'code' }, t('ui.space.code_label')),
    code,
    h('button', { type: 'submit' }, deps.linking ? t('ui.space.link_title') : t('ui.space.sign_in')),
    h('button', { type: 'button', class: 'link-button', onclick: () => {
      codeForm.hidden = true;
      addressForm.hidden = false;
      notice.hidden = true;
      address.focus();
    } }, t('ui.space.other_address')),
  );
  const addressForm = h(
    'form',
    {
      id: 'address-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const answer = await deps.api.post<{ message: string }>('/api/citizen/session/code', { address: address.value.trim() });
          show(answer.message, true);
          addressForm.hidden = true;
          codeForm.hidden = false;
          code.value = '';
          code.focus();
        } catch (err) {
          show((err as Error).message, false);
        }
      },
    },
    h('label', { for: 'address' }, t('ui.space.address_label')),
    address,
    h('p', { id: 'address-hint', class: 'hint' }, t('ui.space.address_hint')),
    h('button', { type: 'submit' }, t('ui.space.send_code')),
  );
  return h('div', {}, addressForm, codeForm, notice);
}
