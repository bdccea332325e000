// The routing rules as rows (keywords, category, team) and a preview: which team and category a sample
// message would get, by the same rule the server applies (src/domain/templates.ts, matchCategoryRule).
import { matchCategoryRule } from '../../domain/templates.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { rowsFieldset } from './rowsFieldset.js';

export type Rule = { keywords: string[]; category: string; teamId: string | null };
type Team = { id: string; name: string; isDefault: boolean };

export function rulesEditor(initial: Rule[], teams: Team[], canEdit: boolean) {
  const body = h('tbody');
  const rows: { read: () => Rule; tr: HTMLTableRowElement }[] = [];
  const teamName = (id: string | null) => teams.find((x) => x.id === id)?.name ?? null;

  function addRow(rule: Rule = { keywords: [], category: '', teamId: null }) {
    const n = rows.length + 1;
    const keywords = h('input', { type: 'text', value: rule.keywords.join(', '), 'aria-label': t('ui.rules.keywords_for', { n }), disabled: !canEdit });
    const category = h('input', { type: 'text', maxlength: 80, value: rule.category, 'aria-label': t('ui.rules.category_for', { n }), disabled: !canEdit });
    const team = h('select', { 'aria-label': t('ui.rules.team_for', { n }), disabled: !canEdit },
      h('option', { value: '' }, t('ui.rules.no_team')), ...teams.map((x) => h('option', { value: x.id }, x.name)));
    team.value = rule.teamId ?? '';
    const entry = {
      read: (): Rule => ({ keywords: keywords.value.split(',').map((w) => w.trim()).filter(Boolean), category: category.value.trim(), teamId: team.value || null }),
      tr: h('tr', {},
        h('td', {}, keywords), h('td', {}, category), h('td', {}, team),
        h('td', {}, canEdit ? h('button', { type: 'button', class: 'secondary', onclick: () => (entry.tr.remove(), rows.splice(rows.indexOf(entry), 1), preview()) }, t('ui.rules.remove', { n })) : ''),
      ),
    };
    for (const input of [keywords, category, team]) input.addEventListener('input', () => preview());
    rows.push(entry);
    body.append(entry.tr);
    return keywords;
  }

  const sample = h('textarea', { id: 'rules-sample', rows: 2 });
  const outcome = h('p', { id: 'rules-outcome', 'aria-live': 'polite' });
  function preview() {
    if (!sample.value.trim()) return replaceChildren(outcome);
    const rule = matchCategoryRule(sample.value, read());
    const fallback = teams.find((x) => x.isDefault)?.name ?? t('ui.rules.no_team');
    outcome.textContent = rule
      ? t('ui.rules.outcome', { category: rule.category, team: teamName(rule.teamId) ?? fallback })
      : t('ui.rules.outcome_none', { team: fallback });
  }
  sample.addEventListener('input', preview);
  const read = () => rows.map((r) => r.read()).filter((r) => r.keywords.length && r.category);

  for (const rule of initial) addRow(rule);
  const element = rowsFieldset(
    { title: 'ui.rules.title', explain: 'ui.rules.explain', columns: ['ui.rules.col_keywords', 'ui.rules.col_category', 'ui.rules.col_team', 'ui.rules.col_actions'], body, add: 'ui.rules.add', onAdd: canEdit ? () => addRow() : null },
    h('p', { class: 'field' }, h('label', { for: 'rules-sample' }, t('ui.rules.sample')), sample),
    outcome,
  );
  return { element, read };
}
