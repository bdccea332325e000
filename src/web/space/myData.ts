// « Mes données »: what the service holds about the citizen (a readable document, or JSON), and the
// request to erase it, confirmed in two steps; the answer says by when it will be done.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

export function myData(deps: { api: Api }) {
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'button', id: 'erasure-confirm', class: 'danger', hidden: true }, t('ui.space.erasure_confirm'));
  const warning = h('p', { id: 'erasure-warning', hidden: true }, t('ui.space.erasure_warning'));
  const ask = h('button', { type: 'button', id: 'erasure-ask', class: 'secondary', 'aria-describedby': 'erasure-warning', onclick: () => {
    warning.hidden = false;
    confirm.hidden = false;
    confirm.focus();
  } }, t('ui.space.erasure_button'));
  confirm.addEventListener('click', async () => {
    notice.hidden = false;
    try {
      const done = await deps.api.post<{ dueBy: string }>('/api/citizen/erasure-request');
      notice.className = 'notice ok';
      notice.textContent = t('ui.space.erasure_done', { date: new Date(done.dueBy).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }) });
      confirm.hidden = true;
      ask.hidden = true;
    } catch (err) {
      notice.className = 'notice error';
      notice.textContent = (err as Error).message;
    }
  });
  return h(
    'section',
    { 'aria-labelledby': 'data-title' },
    h('h2', { id: 'data-title' }, t('ui.space.data_title')),
    h('ul', {}, h('li', {}, h('a', { href: '/api/citizen/export', id: 'export', target: '_blank' }, t('ui.space.export'))), h('li', {}, h('a', { href: '/api/citizen/export?format=json', id: 'export-json', download: 'mes-donnees.json' }, t('ui.space.export_json')))),
    ask,
    warning,
    confirm,
    notice,
  );
}
