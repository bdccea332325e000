// One entry of a ticket's thread as agents read it: who, on which channel, when, its delivery status
// (and why it failed), its text and files to download.
import { h, replaceChildren } from '../shared/dom.js';
import { channelLabel, deliveryLabel, formatDate, t } from '../shared/i18n.js';
import type { Message } from './types.js';

type Download = (attachmentId: string, filename: string | null) => void;

/** A thread entry, filled (and filled again when its status moves). */
export function messageItem(message: Message, onDownload: Download): HTMLLIElement {
  const li = h('li', { class: message.direction, 'data-id': message.id });
  fillMessage(li, message, onDownload);
  return li;
}
export function fillMessage(li: HTMLLIElement, message: Message, onDownload: Download) {
  const who =
    message.direction === 'in' ? (message.from?.name || message.from?.address || t('ui.message.citizen'))
    : message.direction === 'note' ? t('ui.message.note_by', { name: message.author?.name ?? '?' })
    : (message.author?.name ?? t('ui.message.automatic'));
  const head = h('p', { class: 'who' }, `${who} · ${channelLabel(message.channel)} · ${formatDate(message.createdAt)}`);
  if (message.status) {
    head.append(' ', h('span', { class: `status ${message.status}` }, deliveryLabel(message.status)));
    if (message.status === 'failed' && message.statusReason) head.append(' ', h('span', { class: 'error' }, message.statusReason));
  }
  const files = message.attachments.filter((a) => a.ref.startsWith('attachment:'));
  replaceChildren(
    li,
    head,
    h('p', { class: 'text' }, message.text),
    files.length
      ? h('ul', { class: 'files', 'aria-label': t('ui.message.attachments') }, ...files.map((file) =>
          h('li', {}, h('a', { href: '#', 'data-file': file.ref.slice('attachment:'.length), onclick: (e: Event) => (e.preventDefault(), onDownload(file.ref.slice('attachment:'.length), file.filename)) }, t('ui.message.file', { name: file.filename ?? t('ui.message.file_unnamed'), size: Math.ceil(file.size / 1024) }))),
        ))
      : null,
  );
}
/** A file of the thread, saved by the browser: fetched with the bearer token, then through a temporary link. */
export async function downloadFile(ticketId: string, attachmentId: string, filename: string | null, announce: (text: string, error?: boolean) => void) {
  const token = sessionStorage.getItem('gru-token');
  const res = await fetch(`/api/tickets/${ticketId}/attachments/${attachmentId}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return announce(t('ui.error.network'), true);
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, download: filename ?? t('ui.message.file_unnamed') });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
