// The conversation as the citizen sees it: their messages and the agents' (with the agent's first name),
// information lines, links that are links (http and https only, never markup), the satisfaction question.
import type { PublicMessage } from '../../../src/services/chat.js';
import type { Pending, Widget } from './context.js';
import { el, tt } from './texts.js';

/** Text with its web addresses as links (http and https only), never as markup. */
function withLinks(li: HTMLLIElement, text: string) {
  const pattern = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
  let at = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    li.append(document.createTextNode(text.slice(at, match.index)), el('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer' }, match[0]));
    at = match.index + match[0].length;
  }
  li.append(document.createTextNode(text.slice(at)));
}

/** A line of the conversation; a message already shown (by its id) is not shown twice. */
export function addLine(w: Widget, kind: string, text: string, id?: string): HTMLLIElement {
  if (id && w.shown[id]) return w.shown[id] as HTMLLIElement;
  const li = el('li', { class: kind });
  withLinks(li, text);
  if (id) {
    w.shown[id] = li;
    li.dataset.id = id;
  }
  w.ui.log.append(li);
  w.ui.logBox.scrollTop = w.ui.logBox.scrollHeight;
  return li;
}

export const info = (w: Widget, text: string, kind = 'info') => addLine(w, kind, text);

/** A message the server refused, shown as not sent, with why. */
export function notSent(item: Pending, reason?: string) {
  item.el.className = 'error';
  item.el.removeAttribute('aria-busy');
  item.el.textContent = `${item.text}\n— ${tt('not_sent')}${reason ? ` : ${reason}` : ''}`;
}

/** The satisfaction question: five buttons under it, until the citizen answers. */
function offerRating(w: Widget, m: PublicMessage & { ticketId: string }) {
  if (w.shown[`rate:${m.id}`] || (w.state.rated ?? {})[m.ticketId]) return;
  const item = el('li', { class: 'info gru-chat-rate' });
  const group = el('div', { role: 'group', 'aria-label': tt('rate_group') });
  item.append(group);
  w.shown[`rate:${m.id}`] = item;
  for (const n of [1, 2, 3, 4, 5]) {
    const button = el('button', { type: 'button', 'aria-label': tt('rate_label', { n, label: tt(`score.${n}`) }) }, String(n));
    button.addEventListener('click', () =>
      w.socket?.emit('chat:satisfaction', { score: n }, (r) => {
        if (!r?.ok) return void info(w, r?.error ? r.error.message : tt('no_answer'), 'error');
        w.state.rated = { ...w.state.rated, [m.ticketId]: n };
        w.save();
        item.textContent = tt('rated', { score: n });
        w.ui.textarea.focus();
      }),
    );
    group.append(button);
  }
  w.ui.log.append(item);
  w.ui.logBox.scrollTop = w.ui.logBox.scrollHeight;
}

/** A message of the thread: the citizen's, or an agent's (with their first name; a survey offers the rating). */
export function showMessage(w: Widget, m: PublicMessage & { ticketId: string }) {
  if (m.direction === 'out') {
    const who = m.author?.firstName ? `${m.author.firstName} : ` : '';
    addLine(w, 'out', who + m.text, m.id);
    w.ui.typing.textContent = '';
    if (m.kind === 'survey') offerRating(w, m);
  } else {
    addLine(w, 'in', m.text, m.id);
  }
  if (m.id > w.lastMessageId) w.lastMessageId = m.id;
}
