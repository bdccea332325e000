// One ticket: its heading (focused when opened, so keyboard and screen-reader users land on it), status,
// category and priority, the thread (new messages appended, statuses patched: never rebuilt), who else
// is viewing or typing, the reply and note forms, the citizen, and a manager's actions.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { formatDate, t } from '../shared/i18n.js';
import { citizenActions } from './citizenActions.js';
import { callPanel } from './callPanel.js';
import { citizenPanel } from './citizenPanel.js';
import { documentsPanel } from './documentsPanel.js';
import { historyPanel } from './historyPanel.js';
import { composer } from './composer.js';
import { downloadFile, fillMessage, messageItem } from './messageItem.js';
import { ticketFields } from './ticketFields.js';
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
  let fields: ReturnType<typeof ticketFields> | null = null;
  let assignee = h('p', { class: 'meta', id: 'ticket-assignee' });
  const citizen = citizenBox(deps);
  const presence = h('p', { class: 'meta', 'aria-live': 'polite' });
  replaceChildren(root, h('p', { class: 'empty' }, t('ui.ticket.none')));
  const thread = threadList((attachmentId, filename) => void downloadFile(ticket!.id, attachmentId, filename, deps.announce));

  async function open(ticketId: string) {
    const detail = await api.get<TicketDetail>(`/api/tickets/${ticketId}?limit=100`);
    ticket = detail;
    thread.clear();
    thread.render(detail.messages, detail.unreadCount);
    history = historyPanel(detail.id, api);
    fields = ticketFields(detail, { api, announce: deps.announce, onSaved: () => void refresh({ quiet: true }) });
    assignee = h('p', { class: 'meta', id: 'ticket-assignee' }, assigneeLine(detail));
    const heading = h('h2', { id: 'thread-title', tabindex: -1 }, `${detail.reference} — ${detail.subject || t('ui.no_subject')}`);
    replaceChildren(
      root,
      h('div', { class: 'ticket-main' },
        heading,
        deadlineLine(detail),
        assignee,
        fields.element,
        satisfactionLine(detail),
        callPanel(detail, { api, announce: deps.announce }),
        presence,
        thread.element,
        composer(detail, { api, canned: deps.canned(), announce: deps.announce, onSent: () => void refresh({ quiet: true, toEnd: true }), onTyping: () => deps.onTyping(detail.id) }),
      ),
      sidePanel(detail, deps, history.element, () => void refresh({ quiet: true }), citizen),
    );
    heading.focus({ preventScroll: true });
    // The newest messages are what the agent opened it for: shown first (from the « nouveaux messages » mark).
    thread.showNewest();
  }

  /** Live: new messages appended, statuses patched; the forms (and what is typed in them) stay. `quiet`: after the agent's own action. */
  async function refresh(options: { quiet?: boolean; toEnd?: boolean } = {}) {
    if (!ticket) return;
    // A refresh that fails keeps what is shown; the next live event refreshes again.
    const detail = await api.get<TicketDetail>(`/api/tickets/${ticket.id}?limit=100`).catch(() => null);
    if (!detail || detail.id !== ticket?.id) return;
    thread.render(detail.messages);
    // What the agent just sent or noted is shown, wherever they were reading.
    if (options.toEnd) thread.showEnd();
    assignee.textContent = assigneeLine(detail);
    citizen.update(detail);
    // A colleague's change: shown where it applies, said once, the focus left where it is.
    if (fields?.update(detail) && !options.quiet) deps.announce(t('ui.ticket.refreshed'));
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

type Deps = Parameters<typeof mountTicketView>[1];

/** The citizen panel, built again when a manager's action changed the citizen (merge, erasure, usual agent), unless the agent is in it. */
function citizenBox(deps: Pick<Deps, 'api' | 'announce' | 'onOpenTicket'>) {
  let shown: HTMLElement | null = null;
  let seen = '';
  return {
    mount(detail: TicketDetail) {
      seen = JSON.stringify(detail.citizen);
      return (shown = citizenPanel(detail, { api: deps.api, announce: deps.announce, onOpenTicket: deps.onOpenTicket }));
    },
    update(detail: TicketDetail) {
      if (!shown?.isConnected || JSON.stringify(detail.citizen) === seen || shown.contains(document.activeElement)) return;
      const old = shown;
      old.replaceWith(this.mount(detail));
    },
  };
}
type CitizenBox = ReturnType<typeof citizenBox>;

const assigneeLine = (detail: TicketDetail) => (detail.assignee ? t('ui.ticket.assigned_to', { name: detail.assignee.name ?? '' }) : t('ui.ticket.unassigned'));

/**
 * The thread: entries appended as they come, patched when their status moves, never rebuilt. It opens
 * at its newest entries, from a « nouveaux messages » mark before those the agent has not read; an entry
 * that arrives while the agent reads the end keeps the end in view (an agent reading older ones stays there).
 */
function threadList(onDownload: (attachmentId: string, filename: string | null) => void) {
  const rendered = new Map<string, HTMLLIElement>();
  // Focusable: a long thread scrolls, and keyboard users scroll it too.
  const list = h('ol', { class: 'messages', tabindex: 0, 'aria-labelledby': 'thread-title' });
  // The log role on a wrapper: the list keeps its list semantics inside; the wrapper scrolls.
  const element = h('div', { role: 'log', class: 'thread', 'aria-labelledby': 'thread-title' }, list);
  let marker: HTMLLIElement | null = null;
  const atEnd = () => element.scrollHeight - element.scrollTop - element.clientHeight < 80;
  return {
    element,
    clear() {
      rendered.clear();
      marker = null;
      list.textContent = '';
    },
    /** Adds the new entries, patches the others; `unread`: how many of the citizen's last messages are new (marked once, on opening). */
    render(messages: Message[], unread = 0) {
      const follow = atEnd();
      const firstUnread = unread > 0 ? messages.filter((m) => m.direction === 'in').at(-unread) : undefined;
      for (const message of messages) {
        const existing = rendered.get(message.id);
        if (existing) fillMessage(existing, message, onDownload);
        else {
          const li = messageItem(message, onDownload);
          rendered.set(message.id, li);
          if (message === firstUnread && !marker) list.append((marker = h('li', { class: 'new-marker' }, h('span', {}, t('ui.ticket.new_messages')))));
          list.append(li);
        }
      }
      if (follow) element.scrollTop = element.scrollHeight;
    },
    showNewest() {
      if (marker) element.scrollTop = marker.offsetTop - element.offsetTop;
      else element.scrollTop = element.scrollHeight;
    },
    showEnd() {
      element.scrollTop = element.scrollHeight;
    },
  };
}

/** The citizen's rating of the answer, when given. */
function satisfactionLine(detail: TicketDetail) {
  const rating = detail.satisfaction;
  if (!rating) return null;
  return h('p', { class: 'meta', id: 'ticket-satisfaction' }, t('ui.ticket.satisfaction', { score: rating.score }), rating.comment ? ` ${t('ui.ticket.satisfaction_comment', { comment: rating.comment })}` : '');
}

/** The answer due: its date and time, and the business time left (or « en retard »). */
function deadlineLine(detail: TicketDetail) {
  if (!detail.responseDueAt) return h('p', { class: 'meta', id: 'ticket-deadline' }, t('ui.ticket.nothing_due'));
  const minutes = detail.businessMinutesLeft ?? 0;
  const left = t('ui.ticket.business_left', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  return h('p', { class: detail.overdue ? 'meta risk overdue' : detail.atRisk ? 'meta risk' : 'meta', id: 'ticket-deadline' },
    detail.overdue ? t('ui.ticket.overdue_since', { date: formatDate(detail.responseDueAt) }) : t('ui.ticket.due', { date: formatDate(detail.responseDueAt), left }));
}

/** Beside the thread: the citizen, the pieces to provide, a manager's actions, the ticket's history. */
function sidePanel(detail: TicketDetail, deps: Deps, history: HTMLElement, refresh: () => void, citizen: CitizenBox) {
  const { api, announce } = deps;
  return h('aside', { class: 'ticket-side', 'aria-label': t('ui.citizen.title') },
    citizen.mount(detail),
    documentsPanel(detail, { api, announce }),
    deps.me.role !== 'agent' ? managerPanel(detail, { api, agents: deps.agents(), announce, onDone: refresh }) : null,
    deps.me.role !== 'agent' ? citizenActions(detail, { api, announce, onDone: refresh }) : null,
    history,
  );
}
