// A setting edited as rows of a table (routing rules, the phone menu): its title and explanation, the
// column headings, the rows, and « Ajouter » for admins (the new row's first field takes the focus).
import type { MessageKey } from '../../i18n/catalogue.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export function rowsFieldset(input: { title: MessageKey; explain: MessageKey; columns: readonly MessageKey[]; body: HTMLTableSectionElement; add: MessageKey; onAdd: (() => HTMLElement) | null }, ...after: HTMLElement[]) {
  return h('fieldset', { class: 'rules' },
    h('legend', {}, t(input.title)),
    h('p', { class: 'meta' }, t(input.explain)),
    h('table', {}, h('thead', {}, h('tr', {}, ...input.columns.map((k) => h('th', { scope: 'col' }, t(k))))), input.body),
    input.onAdd ? h('button', { type: 'button', class: 'secondary', onclick: () => input.onAdd!().focus() }, t(input.add)) : null,
    ...after,
  );
}
