// "Votre avis": once the request is resolved, one question (1 to 5) and an optional comment. A link from
// the email (?note=4) only preselects the score: nothing is recorded before the citizen confirms.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { PortalView } from './types.js';

export function satisfactionForm(view: PortalView, deps: { api: Api }) {
  const section = h('section', { 'aria-labelledby': 'satisfaction-title', hidden: !view.satisfaction.asked });
  const title = h('h2', { id: 'satisfaction-title' }, t('ui.portal.satisfaction.title'));
  const thanks = (score: number) => section.replaceChildren(title, h('p', { id: 'satisfaction-thanks', role: 'status' }, t('ui.portal.satisfaction.thanks', { score })));
  if (view.satisfaction.score) {
    thanks(view.satisfaction.score);
    return section;
  }
  const preselected = Number(new URLSearchParams(location.search).get('note'));
  const options = [1, 2, 3, 4, 5].map((n) => {
    const input = h('input', { type: 'radio', name: 'score', id: `score-${n}`, value: n, checked: n === preselected });
    return h('span', { class: 'choice' }, input, h('label', { for: `score-${n}` }, t('ui.portal.satisfaction.option', { n, label: t(`satisfaction.score.${n}` as 'satisfaction.score.1') })));
  });
  const comment = h('textarea', { id: 'satisfaction-comment', maxlength: 1000, rows: 2 });
  const notice = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      id: 'satisfaction-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const chosen = form.querySelector<HTMLInputElement>('input[name=score]:checked');
        notice.hidden = false;
        if (!chosen) return void (notice.textContent = t('ui.portal.satisfaction.choose'));
        try {
          const answer = await deps.api.post<{ score: number }>('/satisfaction', { score: Number(chosen.value), ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) });
          thanks(answer.score);
        } catch (err) {
          notice.textContent = t('ui.portal.satisfaction.failed', { reason: (err as Error).message });
        }
      },
    },
    h('fieldset', {}, h('legend', {}, t('ui.portal.satisfaction.legend')), ...options),
    h('label', { for: 'satisfaction-comment' }, t('ui.portal.satisfaction.comment')),
    comment,
    h('button', { type: 'submit' }, t('ui.portal.satisfaction.submit')),
    notice,
  );
  section.replaceChildren(title, form);
  return section;
}
