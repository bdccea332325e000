// The admin's integrations: webhooks to the back-office (events chosen, the signing secret shown once,
// each with its last delivery or last error and what is pending) and API keys for systems (scopes, the
// key shown once, revocation).
import type { ApiKeyAnswer, WebhookAnswer } from '../../http/answers.js';
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';

const EVENTS = ['ticket.created', 'message.received', 'ticket.status_changed', 'ticket.assigned', 'sla.at_risk', 'satisfaction.received'] as const;
const SCOPES = ['tickets:read', 'tickets:update'] as const;
type Webhook = WebhookAnswer;
type Key = ApiKeyAnswer;

export function mountIntegrationsPanel(root: HTMLElement, deps: { api: Api; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const attempt = attempter(announce, () => load());
  const webhooks = h('ul', { class: 'admin-list', id: 'webhooks' });
  const keys = h('ul', { class: 'admin-list', id: 'api-keys' });
  // Each secret or key is shown once, here, until the admin hides it: a new one never hides another.
  const shownOnce = h('ul', { class: 'admin-list', id: 'shown-once', 'aria-label': t('ui.integrations.shown_once') });
  const once = (text: string) => {
    const item = h('li', {}, h('span', { class: 'secret badge' }, text), ' ');
    item.append(h('button', { type: 'button', class: 'secondary', onclick: () => item.remove() }, t('ui.integrations.hide_secret')));
    shownOnce.append(item);
  };

  const url = h('input', { id: 'webhook-url', type: 'url', required: true, maxlength: 2000, placeholder: 'https://' });
  const events = checkboxes('event', t('ui.integrations.events'), [['*', t('ui.integrations.event.all')], ...EVENTS.map((e) => [e, t(`ui.integrations.event.${e}`)] as [string, string])], '*');
  const webhookForm = h('form', {
    class: 'composer',
    onsubmit: attempt(async () => {
      const created = await api.post<{ secret: string }>('/api/integrations/webhooks', { url: url.value.trim(), events: events.checked() });
      url.value = '';
      once(t('ui.integrations.secret_once', { secret: created.secret }));
      return t('ui.integrations.webhook_added');
    }),
  },
    h('label', { for: 'webhook-url' }, t('ui.integrations.url')), url,
    events.element,
    h('button', { type: 'submit' }, t('ui.integrations.add_webhook')),
  );

  const keyName = h('input', { id: 'key-name', type: 'text', required: true, maxlength: 120 });
  const scopes = checkboxes('scope', t('ui.integrations.scopes'), SCOPES.map((s) => [s, t(`ui.integrations.scope.${s}`)] as [string, string]), 'tickets:read');
  const keyForm = h('form', {
    class: 'composer',
    onsubmit: attempt(async () => {
      const created = await api.post<{ key: string }>('/api/integrations/keys', { name: keyName.value.trim(), scopes: scopes.checked() });
      keyName.value = '';
      once(t('ui.integrations.key_once', { key: created.key }));
      return t('ui.integrations.key_added');
    }),
  },
    h('label', { for: 'key-name' }, t('ui.integrations.key_name')), keyName,
    scopes.element,
    h('button', { type: 'submit' }, t('ui.integrations.add_key')),
  );

  replaceChildren(
    root,
    h('section', { class: 'admin', 'aria-labelledby': 'integrations-title' },
      h('h2', { id: 'integrations-title' }, t('ui.integrations.title')),
      shownOnce,
      h('h3', { id: 'webhooks-title' }, t('ui.integrations.webhooks')), webhooks, webhookForm,
      h('h3', { id: 'keys-title' }, t('ui.integrations.keys')), keys, keyForm,
    ),
  );

  async function load() {
    const [hooks, apiKeys] = await Promise.all([api.get<{ items: Webhook[] }>('/api/integrations/webhooks'), api.get<{ items: Key[] }>('/api/integrations/keys')]);
    replaceChildren(webhooks, ...(hooks.items.length ? hooks.items.map((hook) => h('li', { 'data-id': hook.id },
      h('strong', {}, hook.url), ` — ${hook.events.map((e) => (e === '*' ? t('ui.integrations.event.all') : t(`ui.integrations.event.${e}` as 'ui.integrations.event.ticket.created'))).join(', ')}`,
      h('p', { class: hook.lastError ? 'error' : 'meta' },
        hook.lastError && hook.lastErrorAt && (!hook.lastDeliveredAt || hook.lastErrorAt > hook.lastDeliveredAt)
          ? t('ui.integrations.state_error', { date: formatDate(hook.lastErrorAt), error: hook.lastError })
          : hook.lastDeliveredAt ? t('ui.integrations.state_ok', { date: formatDate(hook.lastDeliveredAt) }) : t('ui.integrations.state_never'),
        hook.pending ? ` · ${t('ui.integrations.pending', { count: hook.pending })}` : ''),
      h('button', { type: 'button', class: 'secondary', onclick: attempt(async () => (await api.delete(`/api/integrations/webhooks/${hook.id}`), t('ui.integrations.webhook_deleted'))) }, t('ui.integrations.delete_webhook', { url: hook.url })),
    )) : [h('li', { class: 'meta' }, t('ui.integrations.webhooks_none'))]));
    replaceChildren(keys, ...(apiKeys.items.length ? apiKeys.items.map((key) => h('li', {},
      h('strong', {}, key.name), ` — ${key.scopes.map((s) => t(`ui.integrations.scope.${s}` as 'ui.integrations.scope.tickets:read')).join(', ')} · ${key.lastUsedAt ? t('ui.integrations.key_used', { date: formatDate(key.lastUsedAt) }) : t('ui.integrations.key_unused')} `,
      h('button', { type: 'button', class: 'secondary', onclick: attempt(async () => (await api.delete(`/api/integrations/keys/${key.id}`), t('ui.integrations.key_revoked'))) }, t('ui.integrations.revoke_key', { name: key.name })),
    )) : [h('li', { class: 'meta' }, t('ui.integrations.keys_none'))]));
  }
  void load().catch((err: Error) => announce(err.message, true));
}

/** A fieldset of labelled checkboxes (value, label), one checked at first; `checked()` gives the values ticked. */
function checkboxes(prefix: string, legend: string, options: [string, string][], initially: string) {
  const inputs = options.map(([value]) => h('input', { type: 'checkbox', id: `${prefix}-${value}`, value, checked: value === initially }));
  const element = h('fieldset', {}, h('legend', {}, legend), ...options.map(([value, label], i) => h('span', { class: 'check' }, inputs[i]!, h('label', { for: `${prefix}-${value}` }, label))));
  return { element, checked: () => inputs.filter((i) => i.checked).map((i) => i.value) };
}
