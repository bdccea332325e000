// Automation settings: acknowledgement texts per channel, reminders, closing, keyword routing rules.
// Managers read them; admins change them.
import type { AutomationView } from '../../services/automation.js';
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';


export function mountAutomationPanel(root: HTMLElement, deps: { api: Api; canEdit: boolean; announce: (text: string, error?: boolean) => void }) {
  const { api, announce } = deps;
  const field = (id: string, label: string, input: HTMLInputElement | HTMLTextAreaElement) => {
    input.id = id;
    input.disabled = !deps.canEdit;
    return h('p', { class: 'field' }, h('label', { for: id }, label), input);
  };
  const ackSms = h('textarea', { rows: 2 });
  const ackEmail = h('textarea', { rows: 4 });
  const ackChat = h('textarea', { rows: 2 });
  const reminderDays = h('input', { type: 'number', min: 1, max: 365 });
  const reminderMessage = h('textarea', { rows: 2 });
  const closeDays = h('input', { type: 'number', min: 1, max: 365 });
  const closingMessage = h('textarea', { rows: 2 });
  const rules = h('textarea', { rows: 4 });
  const orNull = (value: string) => (value.trim() ? value : null);
  // The text form has no team column: a rule keeps the team it had, by category.
  let teamOfCategory = new Map<string, string | null>();
  const days = (value: string) => (value ? Number(value) : null);

  const form = h('form', {
    class: 'composer',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        await api.put('/api/settings/automation', {
          acknowledgements: { sms: orNull(ackSms.value), email: orNull(ackEmail.value), chat: orNull(ackChat.value) },
          reminderAfterDays: days(reminderDays.value), reminderMessage: orNull(reminderMessage.value),
          autoCloseAfterDays: days(closeDays.value), closingMessage: orNull(closingMessage.value),
          categoryRules: rules.value.split('\n').map((line) => line.split('=>')).filter(([k, c]) => k?.trim() && c?.trim()).map(([k, c]) => ({ keywords: k!.split(',').map((w) => w.trim()).filter(Boolean), category: c!.trim(), teamId: teamOfCategory.get(c!.trim()) ?? null })),
        });
        announce(t('ui.automation.saved'));
      } catch (err) {
        announce((err as Error).message, true);
      }
    },
  },
    field('auto-ack-sms', t('ui.automation.ack_sms'), ackSms),
    field('auto-ack-email', t('ui.automation.ack_email'), ackEmail),
    field('auto-ack-chat', t('ui.automation.ack_chat'), ackChat),
    field('auto-reminder-days', t('ui.automation.reminder_days'), reminderDays),
    field('auto-reminder-message', t('ui.automation.reminder_message'), reminderMessage),
    field('auto-close-days', t('ui.automation.close_days'), closeDays),
    field('auto-closing-message', t('ui.automation.closing_message'), closingMessage),
    field('auto-rules', t('ui.automation.rules'), rules),
    deps.canEdit ? h('button', { type: 'submit' }, t('ui.automation.save')) : null,
  );
  // The form shows once the settings are in it: nothing typed can be overwritten by their arrival.
  const section = h('section', { class: 'admin', 'aria-labelledby': 'automation-title', 'aria-busy': 'true' }, h('h2', { id: 'automation-title' }, t('ui.automation.title')));
  replaceChildren(root, section);

  void api.get<AutomationView>('/api/settings/automation').then((settings) => {
    ackSms.value = settings.acknowledgements.sms ?? '';
    ackEmail.value = settings.acknowledgements.email ?? '';
    ackChat.value = settings.acknowledgements.chat ?? '';
    reminderDays.value = settings.reminderAfterDays ? String(settings.reminderAfterDays) : '';
    reminderMessage.value = settings.reminderMessage ?? '';
    closeDays.value = settings.autoCloseAfterDays ? String(settings.autoCloseAfterDays) : '';
    closingMessage.value = settings.closingMessage ?? '';
    teamOfCategory = new Map(settings.categoryRules.map((r) => [r.category, r.teamId]));
    rules.value = settings.categoryRules.map((r) => `${r.keywords.join(', ')} => ${r.category}`).join('\n');
    section.append(form);
    section.removeAttribute('aria-busy');
  }, (err: Error) => announce(err.message, true));
}
