// The inbox: views (mine, team, unassigned, at risk, all), filters, search and paging. Live updates
// patch the list in place: items keep their element, so the focused one keeps focus and the list
// keeps its scroll; nothing is rebuilt under the agent's hands.
import type { Api } from '../shared/api.js';
import { h, replaceChildren } from '../shared/dom.js';
import { channelLabel, CHANNELS, formatDate, STATUSES, statusLabel, t } from '../shared/i18n.js';
import type { Me, TicketSummary } from './types.js';

type View = 'mine' | 'team' | 'unassigned' | 'at_risk' | 'all';
const PAGE = 25;
type State = { view: View; status: string; channel: string; category: string; q: string; pages: number; current: string | null };

export function mountInbox(root: HTMLElement, deps: { api: Api; me: Me; teamVisibility: boolean; onOpen: (ticketId: string) => void }) {
  const { me } = deps;
  const views = viewsFor(me.role, deps.teamVisibility);
  const state: State = { view: views[0]!, status: '', channel: '', category: '', q: '', pages: 1, current: null };
  const items = new Map<string, HTMLLIElement>();
  let nextCursor: string | null = null;

  const { tabs, filters, search, statusSelect, channelSelect, categoryInput } = inboxControls(views, state.view, { choose: (view) => choose(view), apply: () => apply() });
  const list = h('ul', { class: 'tickets', 'aria-labelledby': 'inbox-title' });
  const count = h('p', { class: 'meta', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => loadMore() }, t('ui.inbox.more'));

  replaceChildren(root, h('h2', { id: 'inbox-title', tabindex: -1 }, t('ui.inbox.title')), shortcutsHelp(), h('div', { class: 'views', role: 'group', 'aria-label': t('ui.inbox.views') }, ...tabs), filters, count, list, more);

  function choose(view: View) {
    state.view = view;
    for (const tab of tabs) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
    state.pages = 1;
    void reload();
  }
  function apply() {
    Object.assign(state, { q: search.value.trim(), status: statusSelect.value, channel: channelSelect.value, category: categoryInput.value.trim(), pages: 1 });
    void reload();
  }

  /** Every page shown so far, again: what changed is patched, the rest untouched. */
  async function reload() {
    const tickets: TicketSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < state.pages; page++) {
      const answer: { items: TicketSummary[]; nextCursor: string | null } = await deps.api.get(inboxQuery(state, me.role, cursor));
      tickets.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    nextCursor = cursor;
    patch(tickets);
  }
  async function loadMore() {
    if (!nextCursor) return;
    const answer: { items: TicketSummary[]; nextCursor: string | null } = await deps.api.get(inboxQuery(state, me.role, nextCursor));
    state.pages += 1;
    nextCursor = answer.nextCursor;
    patch([...[...items.keys()].map((id) => items.get(id)!.__ticket as TicketSummary), ...answer.items]);
  }

  function patch(tickets: TicketSummary[]) {
    const covering = coveredBy(me);
    patchList(list, items, tickets, (ticket) => row(ticket, state.current, open, covering(ticket)), (li, ticket) => update(li, ticket, state.current, covering(ticket)));
    count.textContent = tickets.length ? t('ui.inbox.count', { count: tickets.length }) : t('ui.inbox.empty');
    more.hidden = !nextCursor;
  }

  function open(ticketId: string) {
    state.current = ticketId;
    markCurrent(items, ticketId);
    deps.onOpen(ticketId);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    reload,
    /** Live events come in bursts: one reload for each. */
    refreshSoon() {
      clearTimeout(timer);
      // A reload that fails keeps the list shown; the next event reloads it again.
      timer = setTimeout(() => void reload().catch(() => undefined), 200);
    },
    select(ticketId: string) {
      open(ticketId);
    },
    ...keyboardMoves(root, list, () => state.current, open),
  };
}
export type Inbox = ReturnType<typeof mountInbox>;

/** Another agent's request in « Mes usagers »: one the agent covers while its agent is away (that agent's name). */
const coveredBy = (me: Me) => (ticket: TicketSummary) => (me.role === 'agent' && ticket.assignee && ticket.assignee.id !== me.id ? ticket.assignee.name : null);

/** Moving through the list by keyboard: the next or previous request, and where the focus starts. */
function keyboardMoves(root: HTMLElement, list: HTMLElement, current: () => string | null, open: (ticketId: string) => void) {
  return {
    /** The next (+1) or previous (-1) request of the list, opened; its row takes the focus. */
    step(direction: 1 | -1) {
      const buttons = [...list.querySelectorAll<HTMLButtonElement>('button.ticket')];
      const at = buttons.findIndex((b) => b.dataset.id === current());
      const next = buttons[at < 0 ? 0 : Math.min(Math.max(at + direction, 0), buttons.length - 1)];
      if (!next?.dataset.id) return;
      next.focus();
      open(next.dataset.id);
    },
    /** After login: the focus on the first request, or on the list's heading when there is none. */
    focus() {
      const first = list.querySelector<HTMLButtonElement>('button.ticket');
      (first ?? root.querySelector<HTMLElement>('#inbox-title'))?.focus();
    },
  };
}

/** The console's keyboard shortcuts, said where the work starts. */
function shortcutsHelp() {
  return h('details', { class: 'shortcuts' },
    h('summary', {}, t('ui.shortcuts.title')),
    h('ul', {}, ...(['next', 'previous', 'reply', 'note'] as const).map((k) => h('li', {}, t(`ui.shortcuts.${k}`)))));
}

/** The views an agent has (their team's only with team visibility); managers have them all. */
function viewsFor(role: Me['role'], teamVisibility: boolean): View[] {
  return role === 'agent' ? ['mine', ...(teamVisibility ? (['team', 'unassigned'] as View[]) : []), 'at_risk'] : ['mine', 'team', 'unassigned', 'at_risk', 'all'];
}

/** A new row of the inbox: a button that opens its ticket. */
function row(ticket: TicketSummary, current: string | null, open: (ticketId: string) => void, covering: string | null): HTMLLIElement {
  const button = h('button', { type: 'button', class: 'ticket', onclick: () => open(ticket.id) });
  const li = h('li', {}, button) as HTMLLIElement & { __ticket?: TicketSummary };
  update(li, ticket, current, covering);
  return li;
}

/** The open ticket's row marked current (aria-current), the others not. */
function markCurrent(items: Map<string, HTMLLIElement>, ticketId: string) {
  for (const [id, li] of items) {
    const button = li.firstElementChild as HTMLElement;
    if (id === ticketId) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }
}

/** The list patched in place to show `tickets` in order: rows kept (refilled), moved or added; the focus and the scroll kept. */
function patchList(list: HTMLElement, items: Map<string, HTMLLIElement>, tickets: TicketSummary[], row: (ticket: TicketSummary) => HTMLLIElement, refill: (li: HTMLLIElement, ticket: TicketSummary) => void) {
  const focused = document.activeElement;
  const scroll = list.scrollTop;
  const wanted = new Set(tickets.map((ticket) => ticket.id));
  for (const [id, li] of items) if (!wanted.has(id)) (li.remove(), items.delete(id));
  let previous: Element | null = null;
  for (const ticket of tickets) {
    let li = items.get(ticket.id);
    if (!li) items.set(ticket.id, (li = row(ticket)));
    else refill(li, ticket);
    const expected: Element | null = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== li) list.insertBefore(li, expected);
    previous = li;
  }
  // A moved item loses focus in some browsers: give it back, without scrolling.
  if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
  list.scrollTop = scroll;
}

/** The inbox's views (as toggle buttons) and its filters form. */
function inboxControls(views: View[], current: View, on: { choose: (view: View) => void; apply: () => void }) {
  const choose = on.choose;
  const apply = on.apply;
  const viewLabels: Record<View, string> = {
    mine: t('ui.inbox.view.mine'), team: t('ui.inbox.view.team'), unassigned: t('ui.inbox.view.unassigned'), at_risk: t('ui.inbox.view.at_risk'), all: t('ui.inbox.view.all'),
  };
  const tabs = views.map((view) =>
    h('button', { type: 'button', 'aria-pressed': String(view === current), 'data-view': view, onclick: () => choose(view) }, viewLabels[view]),
  );
  const search = h('input', { id: 'inbox-q', type: 'search', maxlength: 100, autocomplete: 'off', placeholder: t('ui.inbox.search_hint') });
  const select = (id: string, options: [string, string][]) => h('select', { id }, h('option', { value: '' }, t('ui.inbox.any')), ...options.map(([v, l]) => h('option', { value: v }, l)));
  const statusSelect = select('inbox-status', STATUSES.map((s) => [s, statusLabel(s)]));
  const channelSelect = select('inbox-channel', CHANNELS.map((c) => [c, channelLabel(c)]));
  const categoryInput = h('input', { id: 'inbox-category', type: 'text', maxlength: 80 });
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('ui.inbox.filters'), onsubmit: (e: Event) => { e.preventDefault(); apply(); } },
    h('div', { class: 'row search-row' }, h('label', { for: 'inbox-q' }, t('ui.inbox.search')), search, h('button', { type: 'submit' }, t('ui.inbox.apply'))),
    // Folded: the list keeps the height for the requests themselves.
    h('details', {},
      h('summary', {}, t('ui.inbox.more_filters')),
      h('div', { class: 'row' },
        h('span', {}, h('label', { for: 'inbox-status' }, t('ui.inbox.status')), statusSelect),
        h('span', {}, h('label', { for: 'inbox-channel' }, t('ui.inbox.channel')), channelSelect),
        h('span', {}, h('label', { for: 'inbox-category' }, t('ui.inbox.category')), categoryInput),
      )),
  );
  return { tabs, filters, search, statusSelect, channelSelect, categoryInput };
}

/** The API's query for what the inbox shows: its view, filters and page. */
function inboxQuery(state: State, role: Me['role'], cursor?: string | null): string {
  const params = new URLSearchParams({ scope: state.view === 'at_risk' ? 'mine' : state.view, limit: String(PAGE) });
  if (state.view === 'at_risk') {
    params.set('atRisk', 'true');
    if (role !== 'agent') params.set('scope', 'all');
  }
  if (state.status) params.set('status', state.status);
  if (state.channel) params.set('channel', state.channel);
  if (state.category) params.set('category', state.category);
  if (state.q) params.set('q', state.q);
  if (cursor) params.set('cursor', cursor);
  return `/api/tickets?${params}`;
}

/** A row of the inbox, filled (again) with what the ticket is now; the current one marked. */
/** `covering`: the name of the away agent whose request this is, when the agent covers it. */
function update(li: HTMLLIElement & { __ticket?: TicketSummary }, ticket: TicketSummary, current: string | null, covering: string | null) {
  li.__ticket = ticket;
  const button = li.firstElementChild as HTMLButtonElement;
  button.dataset.id = ticket.id;
  button.classList.toggle('unread', ticket.unreadCount > 0);
  if (ticket.id === current) button.setAttribute('aria-current', 'true');
  else button.removeAttribute('aria-current');
  // What matters first comes first: the line is cut at the inbox's width.
  const meta = [ticket.reference, statusLabel(ticket.status), ticket.responseDueAt ? t('ui.inbox.due', { date: formatDate(ticket.responseDueAt) }) : t('ui.inbox.nothing_due')];
  if (ticket.unreadCount) meta.push(t('ui.inbox.unread', { count: ticket.unreadCount }));
  if (ticket.callback) meta.push(t('ui.inbox.callback', { slot: ticket.callback.label }));
  if (covering) meta.splice(1, 0, t('ui.inbox.covering', { name: covering }));
  meta.push(channelLabel(ticket.channel));
  replaceChildren(
    button,
    h('span', { class: 'who' }, `${ticket.citizen.name ?? ticket.citizen.contact ?? t('ui.citizen.on_channel', { channel: channelLabel(ticket.channel) })} — ${ticket.subject || t('ui.no_subject')}`),
    h('span', { class: 'meta' }, meta.join(' · ')),
    // Past its deadline and near it are two things: said apart, in words (not colour alone).
    ticket.overdue ? h('span', { class: 'risk overdue' }, ` · ${t('ui.inbox.breached')}`) : ticket.atRisk ? h('span', { class: 'risk' }, ` · ${t('ui.inbox.at_risk')}`) : null,
  );
}

declare global {
  interface HTMLLIElement {
    __ticket?: TicketSummary;
  }
}
