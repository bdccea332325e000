// The agents' console: log in, then the inbox beside the open ticket, kept live over Socket.IO. One
// store of state for the page (the session), small components for the rest.
import { createApi } from '../shared/api.js';
import { byId, h, replaceChildren } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { mountAdminPanel } from './adminPanel.js';
import { mountAgentsPanel } from './agentsPanel.js';
import { erasureRequests } from './erasureRequests.js';
import { mountAutomationPanel } from './automationPanel.js';
import { availabilityForm } from './availability.js';
import { mountCannedPanel } from './cannedPanel.js';
import { mountIntegrationsPanel } from './integrationsPanel.js';
import { mountInbox } from './inbox.js';
import { mountLogin } from './login.js';
import { mountTicketView, type TicketView } from './ticketView.js';
import { liveCallsPanel } from './liveCalls.js';
import { loadSoftphone, type Softphone } from './softphone.js';
import type { AgentWithLoad, CannedAnswer, Me } from './types.js';
import type { AgentClientToServer, AgentServerToClient, TicketPayload } from '../../realtime/events.js';

/** The /agents socket, typed by the server's own event map (src/realtime/events.ts). */
declare const io: (namespace: string, options: Record<string, unknown>) => {
  on<E extends keyof AgentServerToClient>(event: E, handler: AgentServerToClient[E]): void;
  on(event: 'connect', handler: () => void): void;
  on(event: 'connect_error', handler: (err: Error) => void): void;
  emit<E extends keyof AgentClientToServer>(event: E, ...args: Parameters<AgentClientToServer[E]>): void;
  disconnect(): void;
};

const session = {
  token: () => sessionStorage.getItem('gru-token'),
  set(token: string) {
    sessionStorage.setItem('gru-token', token);
  },
  end(message?: string) {
    sessionStorage.removeItem('gru-token');
    if (message) sessionStorage.setItem('gru-notice', message);
    location.reload();
  },
};
const api = createApi({ token: session.token, onUnauthorized: () => session.end(t('ui.error.session')) });
const main = byId('main');
const status = byId('status');
const alerts = byId('alert');

/** Polite news in one region, errors in an assertive one: read out without moving focus. */
let announced = 0;
function announce(text: string, error = false) {
  const region = error ? alerts : status;
  const turn = ++announced;
  region.textContent = '';
  // Emptied then filled, so the same message twice is read twice; a later message always wins.
  setTimeout(() => {
    if (turn === announced) region.textContent = text;
  }, 30);
  if (!error) alerts.textContent = '';
}

async function start() {
  const notice = sessionStorage.getItem('gru-notice');
  sessionStorage.removeItem('gru-notice');
  if (!session.token()) return mountLogin(main, { api, notice, onLoggedIn: (token) => (session.set(token), void start()) });
  const me = await api.get<Me>('/api/me');
  const [canned, agents] = await Promise.all([
    api.get<{ items: CannedAnswer[] }>('/api/canned-answers').then((r) => r.items),
    api.get<{ items: AgentWithLoad[] }>('/api/agents').then((r) => r.items),
  ]);
  const nameOf = new Map(agents.map((a) => [a.id, a.name]));
  byId('me').textContent = `${me.name} (${t(`ui.role.${me.role}` as 'ui.role.agent')})`;
  // The dashboard is for managers: agents are not shown a link they may not open.
  byId('dashboard-link').hidden = me.role === 'agent';
  const logout = byId<HTMLButtonElement>('logout');
  logout.hidden = false;
  logout.onclick = () => session.end();

  byId('tools').replaceChildren(availabilityForm(me, { api, colleagues: agents, announce }));
  const inboxRoot = h('section', { class: 'inbox', 'aria-labelledby': 'inbox-title' });
  const ticketRoot = h('section', { class: 'ticket', 'aria-label': t('ui.ticket.thread') });
  const spaces = spacesFor(me, h('div', { class: 'workspace' }, inboxRoot, ticketRoot), canned);
  const navButtons = spaces.map((space) => h('button', { type: 'button', 'aria-pressed': String(space.key === 'inbox'), onclick: () => show(space.key) }, space.label));
  function show(key: string) {
    for (const [i, space] of spaces.entries()) {
      space.element.hidden = space.key !== key;
      navButtons[i]!.setAttribute('aria-pressed', String(space.key === key));
      if (space.key === key && space.mount) (space.mount(), (space.mount = undefined));
    }
  }
  if (spaces.length > 1) byId('spaces').replaceChildren(...navButtons);
  replaceChildren(main, ...spaces.map((space) => space.element));
  show('inbox');

  const socket = io('/agents', { auth: { token: session.token() } });
  const ticketView = mountTicketView(ticketRoot, {
    api, me, announce,
    canned: () => canned,
    agents: () => agents,
    onOpenTicket: (id) => inbox.select(id),
    onTyping: (ticketId) => socket.emit('typing', { ticketId }),
  });
  let watching: string | null = null;
  const inbox = mountInbox(inboxRoot, {
    api, me, teamVisibility: me.workspace.teamVisibility,
    onOpen: (ticketId) => {
      if (watching) socket.emit('ticket:unwatch', watching);
      watching = ticketId;
      socket.emit('ticket:watch', ticketId);
      ticketView.open(ticketId).catch((err: Error) => announce(err.message, true));
    },
  });
  await inbox.reload();
  inbox.focus();
  listenShortcuts(inbox);

  followTickets(socket, { me, inbox, ticketView });
  followCalls(socket, inbox, await loadSoftphone(me, api).catch(() => null));
  socket.on('connect', () => {
    if (watching) socket.emit('ticket:watch', watching);
  });
  socket.on('ticket:viewers', (p) => {
    if (p.ticketId !== ticketView.current()) return;
    ticketView.showViewers(p.agentIds.filter((id) => id !== me.id).map((id) => nameOf.get(id) ?? id));
  });
  socket.on('typing', (p) => {
    if (p.ticketId !== ticketView.current()) return;
    ticketView.showTyping(p.from === 'citizen' ? t('ui.ticket.typing_citizen') : t('ui.ticket.typing_agent', { name: nameOf.get(p.agentId ?? '') ?? '' }));
  });
  socket.on('sla:warning', (p) => {
    const text = t('ui.sla.notification', { reference: p.reference, kind: p.kind === 'breached' ? t('ui.inbox.breached') : t('ui.inbox.at_risk') });
    announce(text, p.kind === 'breached');
    if ('Notification' in window && Notification.permission === 'granted') new Notification(text);
  });
  socket.on('session:expired', () => session.end(t('ui.error.session')));
  socket.on('connect_error', (err: Error) => {
    if (/unauthorized/.test(err.message)) session.end(t('ui.error.session'));
  });
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined); // a refusal is the answer
}

/** Tickets' live events: the inbox patched, the open ticket refreshed (without a word when the agent did it). */
function followTickets(socket: ReturnType<typeof io>, deps: { me: Me; inbox: { refreshSoon(): void }; ticketView: TicketView }) {
  for (const event of ['ticket:created', 'ticket:updated', 'ticket:assigned', 'message:created', 'message:status', 'message:updated'] as const) {
    socket.on(event, (payload: TicketPayload & { byAgentId?: string | null; changes?: { byAgentId?: unknown } }) => {
      deps.inbox.refreshSoon();
      const mine = payload.byAgentId === deps.me.id || payload.changes?.byAgentId === deps.me.id;
      if (payload.ticketId && payload.ticketId === deps.ticketView.current()) void deps.ticketView.refresh({ quiet: mine });
    });
  }
}

/** Live calls: who calls as it rings, and the team's waiting calls, in the session bar. */
function followCalls(socket: ReturnType<typeof io>, inbox: { select(ticketId: string): void }, phone: Softphone | null) {
  const calls = liveCallsPanel({ api, announce, onOpenTicket: (ticketId) => inbox.select(ticketId), phone });
  byId('tools').append(calls.element);
  socket.on('call:incoming', (call) => calls.incoming(call));
  socket.on('call:queued', (call) => calls.queued(call));
  socket.on('call:dequeued', (call) => calls.dequeued(call.callSid));
  socket.on('call:state', (update) => calls.state(update));
}

/**
 * Alt+↓ / Alt+↑: next or previous request; Alt+R: the reply; Alt+N: the note. With a modifier, so
 * typing never triggers them (WCAG 2.1.4), and listed in the inbox's « Raccourcis clavier ».
 */
function listenShortcuts(inbox: { step(direction: 1 | -1): void }) {
  document.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const focusOn = (id: string) => document.getElementById(id)?.focus();
    const actions: Record<string, () => void> = {
      ArrowDown: () => inbox.step(1), ArrowUp: () => inbox.step(-1), KeyR: () => focusOn('reply-text'), KeyN: () => focusOn('note-text'),
    };
    // By physical key: Alt+R types « ® » on some layouts.
    const action = actions[event.code];
    if (!action) return;
    event.preventDefault();
    action();
  });
}

type Space = { key: string; label: string; element: HTMLElement; mount?: () => void };

/** The console's spaces: the requests, and for managers the canned answers, the agents and the automation; for admins the teams and integrations. Each is mounted when first shown. */
function spacesFor(me: Me, workspace: HTMLElement, canned: CannedAnswer[]): Space[] {
  // Spaces: the requests, and for managers the canned answers, the automation and (admins) the teams.
  const spaces: Space[] = [{ key: 'inbox', label: t('ui.nav.inbox'), element: workspace }];
  const cannedRoot = h('div', { class: 'space' });
  spaces.push({ key: 'canned', label: t('ui.nav.canned'), element: cannedRoot, mount: () => mountCannedPanel(cannedRoot, { api, canManage: me.role !== 'agent', announce, onChange: (answers) => canned.splice(0, canned.length, ...answers) }) });
  if (me.role !== 'agent') {
    const agentsRoot = h('div', { class: 'space' });
    const automationRoot = h('div', { class: 'space' });
    spaces.push(
      { key: 'agents', label: t('ui.nav.agents'), element: agentsRoot, mount: () => {
        mountAgentsPanel(agentsRoot, { api, announce });
        agentsRoot.append(erasureRequests({ api, announce }).element);
      } },
      { key: 'automation', label: t('ui.nav.automation'), element: automationRoot, mount: () => mountAutomationPanel(automationRoot, { api, canEdit: me.role === 'admin', announce }) },
    );
  }
  if (me.role === 'admin') {
    const adminRoot = h('div', { class: 'space' });
    spaces.push({ key: 'admin', label: t('ui.nav.admin'), element: adminRoot, mount: () => mountAdminPanel(adminRoot, { api, announce }) });
    const integrationsRoot = h('div', { class: 'space' });
    spaces.push({ key: 'integrations', label: t('ui.nav.integrations'), element: integrationsRoot, mount: () => mountIntegrationsPanel(integrationsRoot, { api, announce }) });
  }
  return spaces;
}

start().catch((err: Error) => announce(err.message, true));
