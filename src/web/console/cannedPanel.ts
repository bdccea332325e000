// Canned answers: listed with who they are for, added (for the service or a team) and deleted by managers.
import { CANNED_VARIABLES } from '../../domain/templates.js';
import type { Api } from '../shared/api.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

interface Canned {
  id: string;
  title: string;
  body: string;
  teamId: string | null;
}

export function mountCannedPanel(root: HTMLElement, deps: { api: Api; canManage: boolean; announce: (text: string, error?: boolean) => void; onChange: (answers: Canned[]) => void }) {
  const { api, announce } = deps;
  const list = h('ul', { class: 'admin-list' });
  let teams: { id: string; name: string }[] = [];
  const attempt = attempter(announce, () => load());
  const title = h('input', { id: 'canned-title', type: 'text', maxlength: 120, required: true });
  const body = h('textarea', { id: 'canned-body', rows: 4, required: true });
  const scope = h('select', { id: 'canned-scope' });
  const form = h('form', { class: 'composer', onsubmit: attempt(async () => {
    await api.post('/api/canned-answers', { title: title.value.trim(), body: body.value, ...(scope.value ? { teamId: scope.value } : {}) });
    title.value = '';
    body.value = '';
    return t('ui.canned.created');
  }) },
    h('label', { for: 'canned-title' }, t('ui.canned.name')), title,
    h('label', { for: 'canned-body' }, t('ui.canned.body', { variables: CANNED_VARIABLES.map((v) => `{{${v}}}`).join(' ') })), body,
    h('label', { for: 'canned-scope' }, t('ui.canned.scope')), scope,
    h('button', { type: 'submit' }, t('ui.canned.create')),
  );
  replaceChildren(root, h('section', { class: 'admin', 'aria-labelledby': 'canned-title-h' }, h('h2', { id: 'canned-title-h' }, t('ui.canned.title')), list, deps.canManage ? form : null));

  async function load() {
    const [answers, teamAnswer] = await Promise.all([api.get<{ items: Canned[] }>('/api/canned-answers'), api.get<{ items: { id: string; name: string }[] }>('/api/teams')]);
    teams = teamAnswer.items;
    const teamName = new Map(teams.map((team) => [team.id, team.name]));
    replaceChildren(scope, h('option', { value: '' }, t('ui.canned.scope_all')), ...teams.map((team) => h('option', { value: team.id }, team.name)));
    replaceChildren(list, ...answers.items.map((answer) =>
      h('li', {},
        h('strong', {}, answer.title), ` — ${answer.teamId ? (teamName.get(answer.teamId) ?? '') : t('ui.canned.scope_all')}`,
        h('p', { class: 'text' }, answer.body),
        deps.canManage ? h('button', { type: 'button', class: 'secondary', onclick: attempt(async () => (await api.delete(`/api/canned-answers/${answer.id}`), t('ui.canned.deleted'))) }, t('ui.canned.delete', { title: answer.title })) : null,
      ),
    ));
    deps.onChange(answers.items);
  }
  void load().catch((err: Error) => announce(err.message, true));
}
