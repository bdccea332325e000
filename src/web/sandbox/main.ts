// The demo sandbox page: play the citizen on SMS, voicemail or email, and see what the service sent.
import { createApi } from '../shared/api.js';
import { byId, h, replaceChildren } from '../shared/dom.js';
import { channelLabel, formatDate, t } from '../shared/i18n.js';
import type { SandboxDeliveryAnswer } from '../../http/answers.js';
import { mountLogin } from '../console/login.js';

type Delivery = SandboxDeliveryAnswer;

// The console's session (same tab storage): the sandbox shows what the service sent, for agents only.
const session = { token: () => sessionStorage.getItem('gru-token') };
const api = createApi({ token: session.token, onUnauthorized: () => (sessionStorage.removeItem('gru-token'), location.reload()) });
const main = byId('main');
const status = byId('status');
const alerts = byId('alert');

async function start() {
  if (!session.token()) return mountLogin(main, { api, notice: null, onLoggedIn: (token) => (sessionStorage.setItem('gru-token', token), void start()) });
  const first = await api.get<{ channels: string[]; items: Delivery[] }>('/api/sandbox/outbox');
  const channel = h('select', { id: 'channel' }, ...first.channels.map((c) => h('option', { value: c }, c === 'voice' ? t('ui.channel.voice_sandbox') : channelLabel(c))));
  const fromLabel = h('label', { for: 'from' });
  const from = h('input', { id: 'from', type: 'text', required: true, autocomplete: 'off' });
  const name = h('input', { id: 'name', type: 'text', maxlength: 120 });
  const subject = h('input', { id: 'subject', type: 'text', maxlength: 200 });
  const subjectField = h('p', { class: 'field' }, h('label', { for: 'subject' }, t('ui.sandbox.subject')), subject);
  const text = h('textarea', { id: 'text', rows: 4, required: true });
  const outbox = h('ol', { class: 'outbox' });
  const textLabel = h('label', { for: 'text' });
  const nameField = h('p', { class: 'field' }, h('label', { for: 'name' }, t('ui.sandbox.name')), name);
  // Each channel's own words: an SMS or a call carries a number and no name; an e-mail has a subject.
  const sync = () => {
    const email = channel.value === 'email';
    fromLabel.textContent = email ? t('ui.sandbox.from_email') : t('ui.sandbox.from_phone');
    from.type = email ? 'email' : 'tel';
    from.value = email ? 'marie.durand@exemple.fr' : '06 12 34 56 78';
    subjectField.hidden = !email;
    nameField.hidden = !email;
    textLabel.textContent = t(channel.value === 'email' ? 'ui.sandbox.text_email' : channel.value === 'voice' ? 'ui.sandbox.text_voice' : 'ui.sandbox.text_sms');
  };
  channel.addEventListener('change', sync);
  sync();

  const send = async (event: Event) => {
    event.preventDefault();
    try {
      const answer = await api.post<{ reference?: string; consent?: 'stop' | 'start' }>('/api/sandbox/inbound', {
        channel: channel.value, from: from.value, text: text.value, ...(channel.value === 'email' && name.value.trim() ? { name: name.value.trim() } : {}), ...(channel.value === 'email' && subject.value.trim() ? { subject: subject.value.trim() } : {}),
      });
      text.value = '';
      alerts.textContent = '';
      status.textContent = answer.consent ? t('ui.sandbox.consent', { keyword: answer.consent.toUpperCase() }) : t('ui.sandbox.sent', { reference: answer.reference ?? '' });
      await refresh();
    } catch (err) {
      alerts.textContent = (err as Error).message;
    }
  };

  replaceChildren(
    main,
    h('p', {}, t('ui.sandbox.intro'), ' ', h('a', { href: '/console' }, t('ui.sandbox.console'))),
    h('section', { 'aria-labelledby': 'write-title' },
      h('h2', { id: 'write-title' }, t('ui.sandbox.write')),
      h('form', { onsubmit: send },
        h('p', { class: 'field' }, h('label', { for: 'channel' }, t('ui.sandbox.channel')), channel),
        h('p', { class: 'field' }, fromLabel, from),
        nameField,
        subjectField,
        h('p', { class: 'field' }, textLabel, text),
        h('button', { type: 'submit' }, t('ui.sandbox.send')),
      ),
    ),
    h('section', { 'aria-labelledby': 'outbox-title' }, h('h2', { id: 'outbox-title' }, t('ui.sandbox.outbox')), outbox),
  );

  const shown = new Map<string, HTMLLIElement>();
  const render = (items: Delivery[]) => {
    if (!items.length && !shown.size) return replaceChildren(outbox, h('li', { class: 'meta' }, t('ui.sandbox.outbox_empty')));
    if (!shown.size) outbox.textContent = '';
    // Newest first; only new deliveries are added, so nothing moves under the reader.
    for (const item of [...items].reverse()) {
      if (shown.has(item.id)) continue;
      const li = h('li', { class: item.channel },
        h('p', { class: 'meta' }, `${channelLabel(item.channel)} · ${t('ui.sandbox.to', { to: item.to })} · ${formatDate(item.at)}`),
        item.subject ? h('p', { class: 'subject' }, item.subject) : null,
        h('p', { class: 'text' }, ...withLinks(item.text)),
      );
      shown.set(item.id, li);
      outbox.prepend(li);
    }
  };
  const refresh = async () => render((await api.get<{ items: Delivery[] }>('/api/sandbox/outbox')).items);
  render(first.items);
  // A refresh that fails (the server restarting) is simply tried again 2 s later.
  setInterval(() => void refresh().catch(() => undefined), 2_000);
}

/** The text with this service's own portal links made clickable; any other address stays text. */
function withLinks(text: string): (string | HTMLAnchorElement)[] {
  const own = `${location.origin}/portal/`;
  return text.split(/(https?:\/\/[^\s»"<>]+)/).flatMap((part) => {
    const url = part.replace(/[.,;:!?)]+$/, '');
    if (!url.startsWith(own)) return [part];
    return [h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url), part.slice(url.length)];
  });
}

start().catch((err: Error) => (alerts.textContent = err.message));
