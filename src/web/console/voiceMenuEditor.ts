// The phone menu as rows (key, what the caller hears, team): a first-time caller chooses their team by
// key within opening hours. Empty: they go straight to the default team.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { rowsFieldset } from './rowsFieldset.js';

export type MenuEntry = { key: string; label: string; teamId: string };
type Team = { id: string; name: string };

export function voiceMenuEditor(initial: MenuEntry[], teams: Team[], canEdit: boolean) {
  const body = h('tbody');
  const rows: { read: () => MenuEntry; tr: HTMLTableRowElement }[] = [];

  function addRow(entry: MenuEntry = { key: String(rows.length + 1), label: '', teamId: teams[0]?.id ?? '' }) {
    const n = rows.length + 1;
    const key = h('select', { 'aria-label': t('ui.menu.key_for', { n }), disabled: !canEdit }, ...'123456789'.split('').map((k) => h('option', { value: k }, k)));
    key.value = entry.key;
    const label = h('input', { type: 'text', maxlength: 80, value: entry.label, 'aria-label': t('ui.menu.label_for', { n }), disabled: !canEdit });
    const team = h('select', { 'aria-label': t('ui.menu.team_for', { n }), disabled: !canEdit }, ...teams.map((x) => h('option', { value: x.id }, x.name)));
    team.value = entry.teamId;
    const row = {
      read: (): MenuEntry => ({ key: key.value, label: label.value.trim(), teamId: team.value }),
      tr: h('tr', {}, h('td', {}, key), h('td', {}, label), h('td', {}, team),
        h('td', {}, canEdit ? h('button', { type: 'button', class: 'secondary', onclick: () => (row.tr.remove(), rows.splice(rows.indexOf(row), 1)) }, t('ui.menu.remove', { n })) : '')),
    };
    rows.push(row);
    body.append(row.tr);
    return key;
  }
  for (const entry of initial) addRow(entry);

  const element = rowsFieldset({ title: 'ui.menu.title', explain: 'ui.menu.explain', columns: ['ui.menu.col_key', 'ui.menu.col_label', 'ui.menu.col_team', 'ui.menu.col_actions'], body, add: 'ui.menu.add', onAdd: canEdit ? () => addRow() : null });
  return { element, read: () => rows.map((r) => r.read()).filter((r) => r.label && r.teamId) };
}
