// One ticket: its heading (focused when opened, so keyboard and screen-reader users land on it), status,
// category and priority, the thread (new messages appended, statuses patched: never rebuilt), who else
// is viewing or typing, the reply and note forms, the citizen, and a manager's actions.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { channelLabel, deliveryLabel, formatDate, PRIORITIES, priorityLabel, STATUSES, statusLabel, t } from '../shared/i18n.js';
import { citizenActions } from './citizenActions.js';
import { callPanel } from './callPanel.js';
import { citizenPanel } from './citizenPanel.js';
import { documentsPanel } from './documentsPanel.js';
import { historyPanel } from './historyPanel.js';
import { composer } from './composer.js';
import { managerPanel } from './managerPanel.js';
import type { AgentWithLoad, CannedAnswer, Me, Message, TicketDetail } from './types.js';

export function mountTicketView(root: HTMLElement, deps: {
  api: Api;
  me: Me;
  canned: () => CannedAnswer[];
  agents: () => AgentWithLoad[];
  announce: (text: string, error?: boolean) => void;
  onOpenTicket: (id: string) => void;
  onTyping: (ticketId: string) => void;
}) {
  const { api } = deps;
  let ticket: TicketDetail | null = null;
  let history: ReturnType<typeof historyPanel> | null = null;
  const rendered = new Map<string, HTMLLIElement>();
  // Focusable: a long thread scrolls, and keyboard users scroll it too.
  const thread = h('ol', { class: 'messages', tabindex: 0, 'aria-labelledby': 'thread-title' });
  // The log role on a wrapper: the list keeps its list semantics inside.
  const log = h('div', { role: 'log', 'aria-labelledby': 'thread-title' }, thread);
  const presence = h('p', { class: 'meta', 'aria-live': 'polite' });
  replaceChildren(root, h('p', { class: 'empty' }, t('ui.ticket.none')));

  function messageItem(message: Message): HTMLLIElement {
    const li = h('li', { class: message.direction, 'data-id': message.id });
    fillMessage(li, message);
    return li;
  }
  function fillMessage(li: HTMLLIElement, message: Message) {
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
            h('li', {}, h('a', { href: '#', 'data-file': file.ref.slice('attachment:'.length), onclick: (e: Event) => void download(e, file.ref.slice('attachment:'.length), file.filename) }, t('ui.message.file', { name: file.filename ?? t('ui.message.file_unnamed'), size: Math.ceil(file.size / 1024) }))),
          ))
        : null,
    );
  }
  async function download(event: Event, attachmentId: string, filename: string | null) {
    event.preventDefault();
    // The download needs the bearer token: fetched, then saved through a temporary link.
    const token = sessionStorage.getItem('gru-token');
    const res = await fetch(`/api/tickets/${ticket!.id}/attachments/${attachmentId}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return deps.announce(t('ui.error.network'), true);
    const url = URL.createObjectURL(await res.blob());
    const link = h('a', { href: url, download: filename ?? t('ui.message.file_unnamed') });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  function renderMessages(messages: Message[]) {
    for (const message of messages) {
      const existing = rendered.get(message.id);
      if (existing) fillMessage(existing, message);
      else {
        const li = messageItem(message);
        rendered.set(message.id, li);
        thread.append(li);
      }
    }
  }

  function fields(current: TicketDetail) {
    const status = h('select', { id: 'ticket-status' }, ...STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
    status.value = current.status;
    const priority = h('select', { id: 'ticket-priority' }, ...PRIORITIES.map((p) => h('option', { value: p }, priorityLabel(p))));
    priority.value = current.priority;
    const category = h('input', { id: 'ticket-category', type: 'text', maxlength: 80, value: current.category ?? '' });
    return h(
      'form',
      {
        class: 'fields row',
        'aria-label': t('ui.inbox.status'),
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            await api.patch(`/api/tickets/${current.id}`, { status: status.value, priority: priority.value, category: category.value.trim() || null });
            deps.announce(t('ui.ticket.saved'));
          } catch (err) {
            deps.announce((err as Error).message, true);
          }
        },
      },
      h('span', {}, h('label', { for: 'ticket-status' }, t('ui.inbox.status')), status),
      h('span', {}, h('label', { for: 'ticket-priority' }, t('ui.priority')), priority),
      h('span', {}, h('label', { for: 'ticket-category' }, t('ui.inbox.category')), category),
      h('button', { type: 'submit', class: 'secondary' }, t('ui.ticket.save')),
    );
  }

  async function open(ticketId: string) {
    const detail = await api.get<TicketDetail>(`/api/tickets/${ticketId}?limit=100`);
    ticket = detail;
    rendered.clear();
    thread.textContent = '';
    renderMessages(detail.messages);
    history = historyPanel(detail.id, api);
    const heading = h('h2', { id: 'thread-title', tabindex: -1 }, `${detail.reference} — ${detail.subject || t('ui.no_subject')}`);
    replaceChildren(
      root,
      h('div', { class: 'ticket-main' },
        heading,
        h('p', { class: 'meta' }, detail.assignee ? t('ui.ticket.assigned_to', { name: detail.assignee.name }) : t('ui.ticket.unassigned')),
        fields(detail),
        detail.satisfaction
          ? h('p', { class: 'meta', id: 'ticket-satisfaction' }, t('ui.ticket.satisfaction', { score: detail.satisfaction.score }), detail.satisfaction.comment ? ` ${t('ui.ticket.satisfaction_comment', { comment: detail.satisfaction.comment })}` : '')
          : null,
        callPanel(detail, { api, announce: deps.announce }),
        presence,
        log,
        composer(detail, { api, canned: deps.canned(), announce: deps.announce, onSent: () => void refresh(), onTyping: () => deps.onTyping(detail.id) }),
      ),
      h('aside', { class: 'ticket-side', 'aria-label': t('ui.citizen.title') },
        citizenPanel(detail, { api, announce: deps.announce, onOpenTicket: deps.onOpenTicket }),
        documentsPanel(detail, { api, announce: deps.announce }),
        deps.me.role !== 'agent' ? managerPanel(detail, { api, agents: deps.agents(), announce: deps.announce, onDone: () => void refresh() }) : null,
        deps.me.role !== 'agent' ? citizenActions(detail, { api, announce: deps.announce, onDone: () => void refresh() }) : null,
        history.element,
      ),
    );
    heading.focus();
  }

  /** Live: new messages appended, statuses patched; the forms (and what is typed in them) stay. */
  async function refresh() {
    if (!ticket) return;
    // A refresh that fails keeps what is shown; the next live event refreshes again.
    const detail = await api.get<TicketDetail>(`/api/tickets/${ticket.id}?limit=100`).catch(() => null);
    if (!detail || detail.id !== ticket?.id) return;
    renderMessages(detail.messages);
    void history?.reload();
  }

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    open,
    refresh,
    current: () => ticket?.id ?? null,
    showViewers(names: string[]) {
      presence.textContent = names.length ? t('ui.ticket.viewers', { names: names.join(', ') }) : '';
    },
    showTyping(text: string) {
      presence.textContent = text;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (presence.textContent = ''), 4000);
    },
  };
}
export type TicketView = ReturnType<typeof mountTicketView>;
