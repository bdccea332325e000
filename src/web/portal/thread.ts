// The exchanges of a request as its citizen sees them (the portal and their space): who wrote, when, the
// text and the files sent.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { PortalView } from './types.js';

const when = (iso: string) => new Date(iso).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });

export const threadItems = (view: PortalView) =>
  view.messages.map((m) =>
    h(
      'li',
      { class: m.direction },
      h('span', { class: 'who' }, `${m.direction === 'in' ? t('ui.portal.you') : (m.author ?? t('ui.portal.service'))} — ${when(m.createdAt)}`),
      m.text,
      ...m.files.map((f) => h('span', { class: 'file' }, t('ui.portal.file', { name: f.filename, size: Math.ceil(f.size / 1024) }))),
    ),
  );
