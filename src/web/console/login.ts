// The login form: labelled fields, the server's message (French) in an alert when it refuses.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export function mountLogin(root: HTMLElement, deps: { api: Api; notice: string | null; onLoggedIn: (token: string) => void }) {
  const email = h('input', { id: 'login-email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, deps.notice ?? '');
  const form = h(
    'form',
    {
      class: 'login',
      'aria-labelledby': 'login-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          const answer = await deps.api.post<{ token: string }>('/api/auth/login', { email: email.value, password: password.value });
          deps.onLoggedIn(answer.token);
        } catch (err) {
          error.textContent = (err as Error).message;
          password.focus();
        }
      },
    },
    h('h2', { id: 'login-title' }, t('ui.login.title')),
    h('label', { for: 'login-email' }, t('ui.login.email')), email,
    h('label', { for: 'login-password' }, t('ui.login.password')), password,
    h('button', { type: 'submit' }, t('ui.login.submit')),
    error,
  );
  replaceChildren(root, form);
  email.focus();
}
