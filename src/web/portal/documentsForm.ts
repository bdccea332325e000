// "Vos documents": the checklist of pieces the agent asked for (ticked as they arrive), and a form to
// send PDFs or phone photos, naming the piece they provide. The server checks each file's content.
import type { Api } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { sizeLabel } from '../../domain/documents.js';
import type { PortalView } from './types.js';

const ACCEPT = 'application/pdf,image/jpeg,image/png,image/heic,image/heif,.heic,.heif';
const when = (iso: string) => new Date(iso).toLocaleDateString(document.documentElement.lang === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

export function documentsForm(view: PortalView, deps: { api: Api; onDone: () => void }) {
  const checklist = h('ul', { id: 'documents-checklist', 'aria-labelledby': 'checklist-title' });
  const item = h('select', { id: 'documents-item' });
  const files = h('input', { id: 'documents-files', type: 'file', multiple: true, accept: ACCEPT, 'aria-describedby': 'documents-hint' });
  const comment = h('input', { id: 'documents-comment', type: 'text', maxlength: 500 });
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const checklistTitle = h('h3', { id: 'checklist-title' }, t('ui.portal.documents.checklist'));
  const show = (text: string, ok: boolean) => {
    notice.hidden = false;
    notice.className = `notice ${ok ? 'ok' : 'error'}`;
    notice.textContent = text;
  };

  /** The checklist and the choice of piece follow the request; the chosen files stay chosen. */
  function update(current: PortalView) {
    checklistTitle.hidden = current.documents.length === 0;
    checklist.hidden = current.documents.length === 0;
    checklist.replaceChildren(...current.documents.map((d) => h('li', { class: d.providedAt ? 'provided' : 'pending' }, `${d.label} — ${d.providedAt ? t('ui.portal.documents.provided', { date: when(d.providedAt) }) : t('ui.portal.documents.pending')}`)));
    const chosen = item.value;
    const pending = current.documents.filter((d) => !d.providedAt);
    item.replaceChildren(...pending.map((d) => h('option', { value: d.id }, d.label)), h('option', { value: '' }, t('ui.portal.documents.other')));
    if ([...item.options].some((o) => o.value === chosen)) item.value = chosen;
  }
  update(view);

  const form = h(
    'form',
    {
      id: 'documents-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!files.files?.length) return show(t('ui.portal.documents.none'), false);
        const data = new FormData();
        data.append('clientId', `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
        if (comment.value.trim()) data.append('text', comment.value.trim());
        if (item.value) data.append('item', item.value);
        for (const file of files.files) data.append('files', file, file.name);
        try {
          await deps.api.post('/messages', data);
          files.value = '';
          comment.value = '';
          show(t('ui.portal.documents.sent'), true);
          deps.onDone();
        } catch (err) {
          show(t('ui.portal.documents.failed', { reason: (err as Error).message }), false);
        }
      },
    },
    h('label', { for: 'documents-files' }, t('ui.portal.documents.files')),
    files,
    h('p', { id: 'documents-hint', class: 'hint' }, t('ui.portal.documents.hint', { max: sizeLabel(view.maxFileBytes) })),
    h('label', { for: 'documents-item' }, t('ui.portal.documents.item')),
    item,
    h('label', { for: 'documents-comment' }, t('ui.portal.documents.comment')),
    comment,
    h('button', { type: 'submit' }, t('ui.portal.documents.submit')),
    notice,
  );
  const element = h('section', { 'aria-labelledby': 'documents-title', hidden: view.status === 'closed' }, h('h2', { id: 'documents-title' }, t('ui.portal.documents.title')), checklistTitle, checklist, form);
  return { element, update };
}
