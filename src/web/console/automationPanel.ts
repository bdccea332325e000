// Automation settings: acknowledgement texts per channel (with the text sent when left empty),
// reminders, closing, and the routing rules as rows with a preview. Managers read them (and are told
// why they cannot change them); admins change them.
import type { AutomationView } from '../../services/automation.js';
import type { TeamAnswer } from '../../http/answers.js';
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { rulesEditor } from './rulesEditor.js';
import { voiceMenuEditor } from './voiceMenuEditor.js';

type Defaults = { acknowledgements: { sms: string; email: string; chat: string }; reminderMessage: string; closingMessage: string };

export function mountAutomationPanel(root: HTMLElement, deps: { api: Api; canEdit: boolean; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const field = (id: string, label: string, input: HTMLInputElement | HTMLTextAreaElement, fallback?: string) => {
    input.id = id;
    input.disabled = !deps.canEdit;
    const hint = fallback ? h('span', { id: `${id}-default`, class: 'meta' }, t('ui.automation.default_text', { text: fallback })) : null;
    if (hint) input.setAttribute('aria-describedby', hint.id);
    return h('p', { class: 'field' }, h('label', { for: id }, label), input, hint);
  };
  const ackSms = h('textarea', { rows: 2 });
  const ackEmail = h('textarea', { rows: 4 });
  const ackChat = h('textarea', { rows: 2 });
  const reminderDays = h('input', { type: 'number', min: 1, max: 365 });
  const reminderMessage = h('textarea', { rows: 2 });
  const closeDays = h('input', { type: 'number', min: 1, max: 365 });
  const closingMessage = h('textarea', { rows: 2 });
  const orNull = (value: string) => (value.trim() ? value : null);
  const days = (value: string) => (value ? Number(value) : null);

  // The form shows once the settings are in it: nothing typed can be overwritten by their arrival.
  const section = h('section', { class: 'admin', 'aria-labelledby': 'automation-title', 'aria-busy': 'true' }, h('h2', { id: 'automation-title' }, t('ui.automation.title')));
  replaceChildren(root, section);

  const loaded = Promise.all([
    api.get<AutomationView & { defaults: Defaults }>('/api/settings/automation'),
    api.get<{ items: TeamAnswer[] }>('/api/teams').then((r) => r.items),
  ]);
  void loaded.then(([settings, teams]) => {
    ackSms.value = settings.acknowledgements.sms ?? '';
    ackEmail.value = settings.acknowledgements.email ?? '';
    ackChat.value = settings.acknowledgements.chat ?? '';
    reminderDays.value = settings.reminderAfterDays ? String(settings.reminderAfterDays) : '';
    reminderMessage.value = settings.reminderMessage ?? '';
    closeDays.value = settings.autoCloseAfterDays ? String(settings.autoCloseAfterDays) : '';
    closingMessage.value = settings.closingMessage ?? '';
    const rules = rulesEditor(settings.categoryRules, teams, deps.canEdit);
    const menu = voiceMenuEditor(settings.voiceMenu, teams, deps.canEdit);
    const defaults = settings.defaults;
    const form = h('form', {
      class: 'composer',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api.put('/api/settings/automation', {
            acknowledgements: { sms: orNull(ackSms.value), email: orNull(ackEmail.value), chat: orNull(ackChat.value) },
            reminderAfterDays: days(reminderDays.value), reminderMessage: orNull(reminderMessage.value),
            autoCloseAfterDays: days(closeDays.value), closingMessage: orNull(closingMessage.value),
            categoryRules: rules.read(),
            voiceMenu: menu.read(),
          });
          announce(t('ui.automation.saved'));
        } catch (err) {
          announce((err as Error).message, true);
        }
      },
    },
      field('auto-ack-sms', t('ui.automation.ack_sms'), ackSms, defaults.acknowledgements.sms),
      field('auto-ack-email', t('ui.automation.ack_email'), ackEmail, defaults.acknowledgements.email),
      field('auto-ack-chat', t('ui.automation.ack_chat'), ackChat, defaults.acknowledgements.chat),
      field('auto-reminder-days', t('ui.automation.reminder_days'), reminderDays),
      field('auto-reminder-message', t('ui.automation.reminder_message'), reminderMessage, defaults.reminderMessage),
      field('auto-close-days', t('ui.automation.close_days'), closeDays),
      field('auto-closing-message', t('ui.automation.closing_message'), closingMessage, defaults.closingMessage),
      rules.element,
      menu.element,
      deps.canEdit ? h('button', { type: 'submit' }, t('ui.automation.save')) : null,
    );
    if (!deps.canEdit) section.append(h('p', { class: 'meta', id: 'automation-read-only' }, t('ui.automation.read_only')));
    section.append(form);
    section.removeAttribute('aria-busy');
  }, (err: Error) => announce(err.message, true));
}
