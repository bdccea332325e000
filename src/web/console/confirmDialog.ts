// A modal question before an action that moves other people's work (a hand-over, a deactivation, a
// role change): the native <dialog> keeps the focus inside and gives it back where it was; Échap
// cancels. `choice` adds a required list with nothing chosen in advance.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export function confirmDialog(options: { title: string; text: string; confirm: string; choice?: { label: string; options: { value: string; label: string }[] } }): Promise<string | null> {
  const opener = document.activeElement as HTMLElement | null;
  const select = options.choice
    ? h('select', { id: 'dialog-choice', required: true }, h('option', { value: '' }, t('ui.dialog.choose')), ...options.choice.options.map((o) => h('option', { value: o.value }, o.label)))
    : null;
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'dialog-title' }, options.title),
    h('p', { id: 'dialog-text' }, options.text),
    select ? h('p', {}, h('label', { for: 'dialog-choice' }, options.choice!.label), ' ', select) : null,
    h('p', { class: 'row' },
      h('button', { type: 'submit', value: 'confirm' }, options.confirm),
      h('button', { type: 'submit', value: 'cancel', class: 'secondary', formnovalidate: true }, t('ui.dialog.cancel'))),
  );
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-text' }, form);
  document.body.append(dialog);
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      dialog.remove();
      opener?.focus();
      resolve(confirmed ? (select?.value ?? 'confirm') : null);
    });
  });
}
