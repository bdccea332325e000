// Canned answers: each agent's personal ones, and for managers those of the service or a team. Listed
// with who they are for; added, changed (the form takes the answer to edit) and deleted in place.
import { CANNED_VARIABLES } from '../../domain/templates.js';
import type { Api } from '../shared/api.js';
import type { CannedAnswer } from './types.js';
import { attempter } from '../shared/attempt.js';
import { h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

type Canned = CannedAnswer;

export function mountCannedPanel(root: HTMLElement, deps: { api: Api; canManage: boolean; announce: (text: string, error?: boolean) => void; onChange: (answers: Canned[]) => void }) {
  const { api, announce } = deps;
  const list = h('ul', { class: 'admin-list' });
  const attempt = attempter(announce, () => load());
  let editing: Canned | null = null;
  const title = h('input', { id: 'canned-title', type: 'text', maxlength: 120, required: true });
  const body = h('textarea', { id: 'canned-body', rows: 4, required: true });
  const pieces = h('textarea', { id: 'canned-documents', rows: 2 });
  const piecesOf = () => pieces.value.split('\n').map((l) => l.trim()).filter(Boolean);
  // Usable before the teams arrive: the service (managers) and "me only"; load() adds the teams.
  const scope = h('select', { id: 'canned-scope' }, ...(deps.canManage ? [h('option', { value: '' }, t('ui.canned.scope_all'))] : []), h('option', { value: 'me' }, t('ui.canned.scope_me')));
  const submit = h('button', { type: 'submit' }, t('ui.canned.create'));
  const reset = () => {
    editing = null;
    title.value = '';
    body.value = '';
    pieces.value = '';
    submit.textContent = t('ui.canned.create');
  };
  const form = h('form', { class: 'composer', onsubmit: attempt(async () => {
    const personal = scope.value === 'me';
    const target = scope.value && !personal ? scope.value : null;
    if (editing) {
      await api.patch(`/api/canned-answers/${editing.id}`, { title: title.value.trim(), body: body.value, documents: piecesOf(), ...(editing.personal ? {} : { teamId: target }) });
      reset();
      return t('ui.canned.updated');
    }
    await api.post('/api/canned-answers', { title: title.value.trim(), body: body.value, documents: piecesOf(), ...(personal ? { personal: true } : target ? { teamId: target } : {}) });
    reset();
    return t('ui.canned.created');
  }) },
    h('label', { for: 'canned-title' }, t('ui.canned.name')), title,
    h('label', { for: 'canned-body' }, t('ui.canned.body', { variables: CANNED_VARIABLES.map((v) => `{{${v}}}`).join(' ') })), body,
    h('label', { for: 'canned-documents' }, t('ui.canned.documents')), pieces,
    h('label', { for: 'canned-scope' }, t('ui.canned.scope')), scope,
    submit,
  );
  replaceChildren(root, h('section', { class: 'admin', 'aria-labelledby': 'canned-title-h' }, h('h2', { id: 'canned-title-h' }, t('ui.canned.title')), list, form));

  const edit = (answer: Canned) => {
    editing = answer;
    title.value = answer.title;
    body.value = answer.body;
    pieces.value = answer.documents.join('\n');
    scope.value = answer.personal ? 'me' : (answer.teamId ?? '');
    submit.textContent = t('ui.canned.save_edit');
    title.focus();
  };

  async function load() {
    const [answers, teamAnswer] = await Promise.all([api.get<{ items: Canned[] }>('/api/canned-answers'), api.get<{ items: { id: string; name: string }[] }>('/api/teams')]);
    const teamName = new Map(teamAnswer.items.map((team) => [team.id, team.name]));
    const kept = scope.value;
    replaceChildren(
      scope,
      ...(deps.canManage ? [h('option', { value: '' }, t('ui.canned.scope_all')), ...teamAnswer.items.map((team) => h('option', { value: team.id }, team.name))] : []),
      h('option', { value: 'me' }, t('ui.canned.scope_me')),
    );
    if (kept) scope.value = kept;
    replaceChildren(list, ...answers.items.map((answer) => {
      const mine = answer.personal || deps.canManage;
      const who = answer.personal ? t('ui.canned.scope_me') : answer.teamId ? (teamName.get(answer.teamId) ?? '') : t('ui.canned.scope_all');
      return h('li', {},
        h('strong', {}, answer.title), ` — ${who}`,
        h('p', { class: 'text' }, answer.body),
        answer.documents.length ? h('p', { class: 'meta' }, t('ui.canned.documents_list', { list: answer.documents.join(', ') })) : null,
        mine ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(answer) }, t('ui.canned.edit', { title: answer.title })) : null,
        ' ',
        mine ? h('button', { type: 'button', class: 'secondary', onclick: attempt(async () => (await api.delete(`/api/canned-answers/${answer.id}`), t('ui.canned.deleted'))) }, t('ui.canned.delete', { title: answer.title })) : null,
      );
    }));
    deps.onChange(answers.items);
  }
  void load().catch((err: Error) => announce(err.message, true));
}
